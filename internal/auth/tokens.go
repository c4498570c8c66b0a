package auth

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/minzheng/minzheng/internal/apperr"
	"github.com/minzheng/minzheng/internal/db"
)

// TokenPrefix starts every API token, so that a leaked token is recognisable by secret scanners
// and in logs: mzt_<8-character id>_<secret>.
const TokenPrefix = "mzt_"

// Token is an API bearer token as listed: never its secret, which is shown once at creation.
type Token struct {
	ID         int64
	UserID     int64
	Name       string
	Prefix     string // mzt_abcd1234, enough to tell tokens apart
	CreatedAt  time.Time
	LastUsedAt time.Time
	ExpiresAt  time.Time
	RevokedAt  time.Time
}

// Active reports whether the token can still be used at now.
func (t Token) Active(now time.Time) bool {
	return t.RevokedAt.IsZero() && (t.ExpiresAt.IsZero() || now.Before(t.ExpiresAt))
}

// ParseToken checks the form of a bearer token — mzt_, 8 id characters, _, a 43-character secret —
// and returns its public prefix.
func ParseToken(token string) (prefix string, err error) {
	bad := errors.New("auth: malformed API token")
	rest, ok := strings.CutPrefix(token, TokenPrefix)
	if !ok {
		return "", bad
	}
	id, secret, ok := strings.Cut(rest, "_")
	if !ok || len(id) != 8 || !isBase64URL(id) {
		return "", bad
	}
	if _, err := ParseSessionCookie(secret); err != nil {
		return "", bad
	}
	return TokenPrefix + id, nil
}

func isBase64URL(s string) bool {
	for _, c := range s {
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '-') {
			return false
		}
	}
	return true
}

// CreateToken issues a token for user id (a machine account of an agency feed, or a canteen
// terminal's operator). The token acts with that user's role and scope. The secret is returned
// once and only its hash is stored.
func (s *Service) CreateToken(ctx context.Context, caller *Principal, userID int64, name string, ttl time.Duration, ip string) (string, *Token, error) {
	if !caller.Can(TokenManage) {
		return "", nil, apperr.Msg(apperr.Forbidden, "user.cannot_grant")
	}
	u, err := s.GetUser(ctx, caller, userID)
	if err != nil {
		return "", nil, err
	}
	name = strings.TrimSpace(name)
	if n := len([]rune(name)); n == 0 || n > 60 {
		return "", nil, apperr.FieldMsg("name", "token.name_invalid")
	}
	secret := newSecret()
	prefix := TokenPrefix + strings.ReplaceAll(newSecret()[:8], "_", "x")
	full := prefix + "_" + secret
	now := s.now()
	expires := ""
	if ttl > 0 {
		expires = db.FormatTime(now.Add(ttl))
	}
	var id int64
	err = s.DB.InTx(ctx, func(tx *db.Tx) error {
		if err := tx.QueryRow(ctx, `INSERT INTO api_tokens (user_id, name, token_hash, prefix, created_at, expires_at)
			VALUES (?, ?, ?, ?, ?, ?) RETURNING id`, u.ID, name, hashSecret(full), prefix, db.FormatTime(now), expires).Scan(&id); err != nil {
			return err
		}
		ev := actor(caller, ip)
		ev.Action, ev.TargetType, ev.TargetID, ev.RegionCode = "token.create", "user", fmt.Sprint(u.ID), u.Scope.Code()
		ev.Detail = map[string]any{"token_id": id, "name": name, "prefix": prefix}
		_, err := s.Audit.Append(ctx, tx, ev)
		return err
	})
	if err != nil {
		return "", nil, err
	}
	tokens, err := s.ListTokens(ctx, caller, u.ID)
	if err != nil {
		return "", nil, err
	}
	for _, t := range tokens {
		if t.ID == id {
			return full, &t, nil
		}
	}
	return "", nil, fmt.Errorf("token %d vanished", id)
}

// ListTokens lists user id's tokens, newest first.
func (s *Service) ListTokens(ctx context.Context, caller *Principal, userID int64) ([]Token, error) {
	if _, err := s.GetUser(ctx, caller, userID); err != nil {
		return nil, err
	}
	rows, err := s.DB.Query(ctx, `SELECT id, user_id, name, prefix, created_at, last_used_at, expires_at, revoked_at
		FROM api_tokens WHERE user_id = ? ORDER BY id DESC`, userID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []Token
	for rows.Next() {
		var t Token
		var created, used, expires, revoked string
		if err := rows.Scan(&t.ID, &t.UserID, &t.Name, &t.Prefix, &created, &used, &expires, &revoked); err != nil {
			return nil, err
		}
		t.CreatedAt, _ = db.ParseTime(created)
		t.LastUsedAt, _ = db.ParseTime(used)
		t.ExpiresAt, _ = db.ParseTime(expires)
		t.RevokedAt, _ = db.ParseTime(revoked)
		out = append(out, t)
	}
	return out, rows.Err()
}

// RevokeToken stops a token from working; the row stays for the record.
func (s *Service) RevokeToken(ctx context.Context, caller *Principal, userID, tokenID int64, ip string) error {
	if !caller.Can(TokenManage) {
		return apperr.Msg(apperr.Forbidden, "user.cannot_grant")
	}
	u, err := s.GetUser(ctx, caller, userID)
	if err != nil {
		return err
	}
	return s.DB.InTx(ctx, func(tx *db.Tx) error {
		res, err := tx.Exec(ctx, `UPDATE api_tokens SET revoked_at = ? WHERE id = ? AND user_id = ? AND revoked_at = ''`,
			db.FormatTime(s.now()), tokenID, userID)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return apperr.Msg(apperr.NotFound, "token.notfound")
		}
		ev := actor(caller, ip)
		ev.Action, ev.TargetType, ev.TargetID, ev.RegionCode = "token.revoke", "user", fmt.Sprint(userID), u.Scope.Code()
		ev.Detail = map[string]any{"token_id": tokenID}
		_, err = s.Audit.Append(ctx, tx, ev)
		return err
	})
}

// AuthenticateToken returns the principal of a bearer token, noting when it was last used.
func (s *Service) AuthenticateToken(ctx context.Context, token string) (*Principal, error) {
	if _, err := ParseToken(token); err != nil {
		return nil, apperr.Msg(apperr.Unauthenticated, "auth.token_invalid")
	}
	var tokenID int64
	var used, expires, revoked string
	var hash string
	u, err := s.scanUser(rowWithExtras{s.DB.QueryRow(ctx, `SELECT `+db.Qualify("u", userColumns)+`, u.password_hash,
		t.id, t.last_used_at, t.expires_at, t.revoked_at
		FROM api_tokens t JOIN users u ON u.id = t.user_id WHERE t.token_hash = ?`, hashSecret(token)),
		[]any{&hash, &tokenID, &used, &expires, &revoked}})
	if errors.Is(err, sql.ErrNoRows) {
		return nil, apperr.Msg(apperr.Unauthenticated, "auth.token_invalid")
	}
	if err != nil {
		return nil, err
	}
	now := s.now()
	exp, _ := db.ParseTime(expires)
	if u.Disabled || revoked != "" || (!exp.IsZero() && !now.Before(exp)) {
		return nil, apperr.Msg(apperr.Unauthenticated, "auth.token_invalid")
	}
	if last, _ := db.ParseTime(used); now.Sub(last) > time.Minute {
		if _, err := s.DB.Exec(ctx, `UPDATE api_tokens SET last_used_at = ? WHERE id = ?`, db.FormatTime(now), tokenID); err != nil {
			return nil, err
		}
	}
	p := u.Principal()
	p.TokenID = tokenID
	p.MustChangePassword = false
	return p, nil
}
