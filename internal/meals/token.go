package meals

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/base64"
	"errors"
	"strings"
	"sync"
	"time"
	"unicode/utf8"

	"github.com/minzheng/minzheng/internal/apperr"
	"github.com/minzheng/minzheng/internal/auth"
	"github.com/minzheng/minzheng/internal/db"
)

// A canteen terminal (the card reader at the counter) authenticates with a bearer token that
// belongs to the canteen, not to a user: it can serve meals at that canteen's counter and read
// what the counter needs, and nothing else. Only the SHA-256 hash of the secret is stored, so a
// copy of the database cannot be turned into terminals; the secret is shown once, when issued.

// TerminalTokenPrefix starts every canteen terminal token, so that the API tells one from a
// user's API token (mzt_) without a database look-up.
const TerminalTokenPrefix = "mzc_"

// terminalSecretLen is the length of a token after its prefix: 32 random bytes, base64url.
const terminalSecretLen = 43

// TerminalTokenCacheTTL is how long CanteenByTerminalToken trusts what it read about a token.
// Every request of a counter carries the token, and one database read per meal for it would be
// a tenth of the work; a revocation through this process takes effect at once, one made by
// another process (several app servers on one PostgreSQL) within this time.
const TerminalTokenCacheTTL = 5 * time.Second

// TerminalToken is a canteen terminal's token as listed: never its secret.
type TerminalToken struct {
	ID, CanteenID        int64
	Name, CreatedBy      string
	CreatedAt, RevokedAt time.Time // RevokedAt is zero while the token is live
}

// IssueTerminalToken creates a token for a terminal of canteen canteenID and returns its id and
// secret; the secret is shown this once. Staff who manage the canteen's area, or the canteen's
// own operator, may issue one.
func (s *Store) IssueTerminalToken(ctx context.Context, p *auth.Principal, canteenID int64, name string) (int64, string, error) {
	name = strings.TrimSpace(name)
	if name == "" || utf8.RuneCountInString(name) > 60 {
		return 0, "", apperr.FieldMsg("name", "meals.terminal.token_name_invalid")
	}
	secret, err := newTerminalSecret()
	if err != nil {
		return 0, "", err
	}
	var id int64
	err = s.DB.InTx(ctx, func(tx *db.Tx) error {
		c, err := s.canteen(ctx, tx, p, canteenID)
		if err != nil {
			return err
		}
		if !keepsMenu(p, c) {
			return apperr.Msg(apperr.Forbidden, "meals.forbidden")
		}
		if err := tx.QueryRow(ctx, `INSERT INTO canteen_tokens (canteen_id, name, token_hash, created_by, created_at)
			VALUES (?, ?, ?, ?, ?) RETURNING id`, c.ID, name, tokenHash(secret), p.Login, s.stamp()).Scan(&id); err != nil {
			return err
		}
		_, err = s.Audit.Append(ctx, tx, event(p, "meals.terminal.token.issue", "canteen_token", id, c.RegionCode,
			map[string]any{"canteen_id": c.ID, "name": name}))
		return err
	})
	if err != nil {
		return 0, "", err
	}
	return id, secret, nil
}

// TerminalTokens lists canteen canteenID's terminal tokens, live and revoked, newest first, for
// whoever sees the canteen.
func (s *Store) TerminalTokens(ctx context.Context, p *auth.Principal, canteenID int64) ([]TerminalToken, error) {
	if _, err := s.Canteen(ctx, p, canteenID); err != nil {
		return nil, err
	}
	rows, err := s.DB.Query(ctx, `SELECT id, canteen_id, name, created_by, created_at, revoked_at FROM canteen_tokens
		WHERE canteen_id = ? ORDER BY id DESC`, canteenID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []TerminalToken
	for rows.Next() {
		var t TerminalToken
		var created, revoked string
		if err := rows.Scan(&t.ID, &t.CanteenID, &t.Name, &t.CreatedBy, &created, &revoked); err != nil {
			return nil, err
		}
		t.CreatedAt, _ = db.ParseTime(created)
		t.RevokedAt, _ = db.ParseTime(revoked)
		out = append(out, t)
	}
	return out, rows.Err()
}

// RevokeTerminalToken stops token tokenID from working. Revoking a revoked token changes
// nothing and is not an error: the terminal is off either way.
func (s *Store) RevokeTerminalToken(ctx context.Context, p *auth.Principal, tokenID int64) error {
	var hash string
	err := s.DB.InTx(ctx, func(tx *db.Tx) error {
		var cid int64
		var revoked string
		err := tx.QueryRow(ctx, `SELECT canteen_id, token_hash, revoked_at FROM canteen_tokens WHERE id = ?`, tokenID).
			Scan(&cid, &hash, &revoked)
		if errors.Is(err, sql.ErrNoRows) {
			return apperr.Msg(apperr.NotFound, "meals.terminal.token_notfound")
		}
		if err != nil {
			return err
		}
		c, err := s.canteen(ctx, tx, p, cid)
		if err != nil {
			return apperr.Msg(apperr.NotFound, "meals.terminal.token_notfound")
		}
		if !keepsMenu(p, c) {
			return apperr.Msg(apperr.Forbidden, "meals.forbidden")
		}
		if revoked != "" {
			return nil
		}
		if _, err := tx.Exec(ctx, `UPDATE canteen_tokens SET revoked_at = ? WHERE id = ?`, s.stamp(), tokenID); err != nil {
			return err
		}
		_, err = s.Audit.Append(ctx, tx, event(p, "meals.terminal.token.revoke", "canteen_token", tokenID, c.RegionCode,
			map[string]any{"canteen_id": c.ID}))
		return err
	})
	if err == nil {
		s.tokens.forget(hash)
	}
	return err
}

// CanteenByTerminalToken is the canteen whose terminal holds secret. An unknown or malformed
// token and a revoked one are Unauthenticated, each with its own message, so that a counter
// whose token was revoked says so rather than "invalid". What was read is trusted for
// TerminalTokenCacheTTL.
func (s *Store) CanteenByTerminalToken(ctx context.Context, secret string) (int64, error) {
	body, ok := strings.CutPrefix(secret, TerminalTokenPrefix)
	if !ok || len(body) != terminalSecretLen {
		return 0, apperr.Msg(apperr.Unauthenticated, "meals.terminal.token_invalid")
	}
	hash := tokenHash(secret)
	e, ok := s.tokens.get(hash)
	if !ok {
		var revoked string
		err := s.DB.QueryRow(ctx, `SELECT canteen_id, revoked_at FROM canteen_tokens WHERE token_hash = ?`, hash).
			Scan(&e.canteenID, &revoked)
		if errors.Is(err, sql.ErrNoRows) {
			return 0, apperr.Msg(apperr.Unauthenticated, "meals.terminal.token_invalid")
		}
		if err != nil {
			return 0, err
		}
		e.revoked = revoked != ""
		s.tokens.put(hash, e)
	}
	if e.revoked {
		return 0, apperr.Msg(apperr.Unauthenticated, "meals.terminal.token_revoked")
	}
	return e.canteenID, nil
}

// newTerminalSecret draws a token: the prefix and 32 random bytes.
func newTerminalSecret() (string, error) {
	b := make([]byte, 32)
	if _, err := rand.Read(b); err != nil {
		return "", err
	}
	return TerminalTokenPrefix + base64.RawURLEncoding.EncodeToString(b), nil
}

// tokenCache remembers what the database said about token hashes, for TerminalTokenCacheTTL.
// Unknown tokens are not remembered, so guessing cannot fill it. The zero value is ready.
type tokenCache struct {
	mu sync.Mutex
	m  map[string]tokenEntry
}

type tokenEntry struct {
	canteenID int64
	revoked   bool
	expires   time.Time
}

// maxCachedTokens bounds the cache; a city has a few thousand terminals.
const maxCachedTokens = 20000

func (c *tokenCache) get(hash string) (tokenEntry, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	e, ok := c.m[hash]
	if !ok || time.Now().After(e.expires) {
		return tokenEntry{}, false
	}
	return e, true
}

func (c *tokenCache) put(hash string, e tokenEntry) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.m == nil || len(c.m) >= maxCachedTokens {
		c.m = map[string]tokenEntry{}
	}
	e.expires = time.Now().Add(TerminalTokenCacheTTL)
	c.m[hash] = e
}

func (c *tokenCache) forget(hash string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	delete(c.m, hash)
}
