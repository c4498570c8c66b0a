package citizen

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"database/sql"
	"encoding/base64"
	"encoding/hex"
	"errors"

	"github.com/minzheng/minzheng/internal/apperr"
	"github.com/minzheng/minzheng/internal/db"
)

// secretLen is the number of random bytes in a session secret, as for staff sessions: 256 bits
// cannot be guessed, so the stored hash needs no key.
const secretLen = 32

func newSecret() string {
	b := make([]byte, secretLen)
	_, _ = rand.Read(b) // crypto/rand.Read never fails; it aborts the program instead
	return base64.RawURLEncoding.EncodeToString(b)
}

func hashSecret(secret string) string {
	sum := sha256.Sum256([]byte(secret))
	return hex.EncodeToString(sum[:])
}

// wellFormed reports whether a cookie value has the form of a secret (43 characters of unpadded
// base64url), so that junk costs no database look-up.
func wellFormed(secret string) bool {
	if len(secret) != base64.RawURLEncoding.EncodedLen(secretLen) {
		return false
	}
	b, err := base64.RawURLEncoding.DecodeString(secret)
	return err == nil && len(b) == secretLen
}

// Authenticate returns the citizen of a live session. An unknown or malformed secret, or an
// expired session (which is then deleted), is Unauthenticated, with a message that asks the
// citizen to sign in again.
func (s *Service) Authenticate(ctx context.Context, secret string) (*Citizen, error) {
	if !wellFormed(secret) {
		return nil, apperr.Msg(apperr.Unauthenticated, "citizen.signin_required")
	}
	id := hashSecret(secret)
	var c Citizen
	var expires string
	err := s.DB.QueryRow(ctx, `SELECT c.id, c.phone_masked, s.expires_at
		FROM citizen_sessions s JOIN citizens c ON c.id = s.citizen_id WHERE s.id_hash = ?`, id).
		Scan(&c.ID, &c.PhoneMasked, &expires)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, apperr.Msg(apperr.Unauthenticated, "citizen.signin_required")
	}
	if err != nil {
		return nil, err
	}
	exp, err := db.ParseTime(expires)
	if err != nil {
		return nil, err
	}
	if !s.now().Before(exp) {
		if _, err := s.DB.Exec(ctx, `DELETE FROM citizen_sessions WHERE id_hash = ?`, id); err != nil {
			return nil, err
		}
		return nil, apperr.Msg(apperr.Unauthenticated, "citizen.session_expired")
	}
	return &c, nil
}

// SignOut ends the session of secret and audits it. Signing out of a session that does not
// exist (expired, already signed out, a junk cookie) does nothing and is no error, so the button
// always works.
func (s *Service) SignOut(ctx context.Context, secret string) error {
	if !wellFormed(secret) {
		return nil
	}
	return s.DB.InTx(ctx, func(tx *db.Tx) error {
		var id int64
		var masked, ip string
		err := tx.QueryRow(ctx, `SELECT c.id, c.phone_masked, s.ip FROM citizen_sessions s
			JOIN citizens c ON c.id = s.citizen_id WHERE s.id_hash = ?`, hashSecret(secret)).Scan(&id, &masked, &ip)
		if errors.Is(err, sql.ErrNoRows) {
			return nil
		}
		if err != nil {
			return err
		}
		if _, err := tx.Exec(ctx, `DELETE FROM citizen_sessions WHERE id_hash = ?`, hashSecret(secret)); err != nil {
			return err
		}
		_, err = s.Audit.Append(ctx, tx, event("citizen.signout", masked, ip, id, nil))
		return err
	})
}

// Sweep deletes expired sessions and code rows past every throttle window, and returns how many
// rows went. Sign-in already tidies up after itself; Sweep is for a periodic job, so that the
// sessions of citizens who never come back do not stay for ever.
func (s *Service) Sweep(ctx context.Context) (int64, error) {
	now := s.now()
	var n int64
	err := s.DB.InTx(ctx, func(tx *db.Tx) error {
		for _, q := range []struct {
			sql string
			at  string
		}{
			{`DELETE FROM citizen_sessions WHERE expires_at <= ?`, db.FormatTime(now)},
			{`DELETE FROM citizen_codes WHERE created_at <= ?`, db.FormatTime(now.Add(-keepCodes))},
		} {
			res, err := tx.Exec(ctx, q.sql, q.at)
			if err != nil {
				return err
			}
			k, _ := res.RowsAffected()
			n += k
		}
		return nil
	})
	return n, err
}
