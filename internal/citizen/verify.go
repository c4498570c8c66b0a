package citizen

import (
	"context"
	"crypto/hmac"
	"database/sql"
	"errors"
	"time"

	"github.com/minzheng/minzheng/internal/apperr"
	"github.com/minzheng/minzheng/internal/db"
	"github.com/minzheng/minzheng/internal/pii"
)

// Reasons a code is refused, as recorded in the audit event's detail.
const (
	reasonPhone     = "phone"     // the number did not parse
	reasonNoCode    = "no_code"   // no code was ever sent to the number (or it was deleted)
	reasonUsed      = "used"      // the newest code already signed someone in
	reasonExpired   = "expired"   // the newest code is older than Rules.CodeTTL
	reasonExhausted = "exhausted" // the newest code has had Rules.MaxAttempts tries
	reasonWrong     = "wrong"     // the digits do not match
)

// Verify checks code against the newest code sent to phone and, when it matches, signs the
// citizen in: the citizen is created on first sign-in, and a session opened whose secret is
// returned for the cookie. A code works once, within Rules.CodeTTL, for Rules.MaxAttempts tries.
// A wrong, used or expired code is Invalid on field "code" with a message saying what to do; a
// badly formed number is Invalid on "phone". Sign-ins and failed attempts are audited, with the
// masked number as actor ("anonymous" when the number did not parse).
func (s *Service) Verify(ctx context.Context, phone, code, ip string) (string, *Citizen, error) {
	ip = truncate(ip, 64)
	p, err := ParsePhone(phone)
	if err != nil {
		ev := event("citizen.signin_failed", "", ip, 0, map[string]any{"reason": reasonPhone})
		if _, aerr := s.Audit.Record(ctx, s.DB, ev); aerr != nil {
			return "", nil, aerr
		}
		return "", nil, err
	}
	// A code of the wrong shape cannot match: it is a typo, not a guess, and costs no attempt.
	if code, err = parseCode(code); err != nil {
		return "", nil, err
	}
	r := s.Rules.withDefaults()
	phoneHash := s.Keys.Hash(pii.Phone, p)
	masked := pii.MaskPhone(p)
	secret := newSecret()
	now := s.now()
	var refused error
	var c *Citizen
	err = s.DB.InTx(ctx, func(tx *db.Tx) error {
		reason, left, err := s.consume(ctx, tx, phoneHash, code, now, r.MaxAttempts)
		if err != nil {
			return err
		}
		if reason != "" {
			refused = refusal(reason, left)
			ev := event("citizen.signin_failed", masked, ip, 0, map[string]any{"reason": reason})
			_, err := s.Audit.Append(ctx, tx, ev)
			return err
		}
		sealed, err := s.Keys.Seal(p, PhoneField)
		if err != nil {
			return err
		}
		c = &Citizen{}
		if err := tx.QueryRow(ctx, `INSERT INTO citizens (phone_sealed, phone_hash, phone_masked, created_at, last_signin_at)
			VALUES (?, ?, ?, ?, ?) ON CONFLICT (phone_hash) DO UPDATE SET last_signin_at = excluded.last_signin_at
			RETURNING id, phone_masked`, sealed, phoneHash, masked, db.FormatTime(now), db.FormatTime(now)).
			Scan(&c.ID, &c.PhoneMasked); err != nil {
			return err
		}
		if _, err := tx.Exec(ctx, `DELETE FROM citizen_sessions WHERE citizen_id = ? AND expires_at <= ?`,
			c.ID, db.FormatTime(now)); err != nil {
			return err
		}
		if _, err := tx.Exec(ctx, `INSERT INTO citizen_sessions (id_hash, citizen_id, created_at, expires_at, ip)
			VALUES (?, ?, ?, ?, ?)`, hashSecret(secret), c.ID, db.FormatTime(now),
			db.FormatTime(now.Add(r.SessionTTL)), ip); err != nil {
			return err
		}
		_, err = s.Audit.Append(ctx, tx, event("citizen.signin", c.PhoneMasked, ip, c.ID, nil))
		return err
	})
	if err != nil {
		return "", nil, err
	}
	if refused != nil {
		return "", nil, refused
	}
	return secret, c, nil
}

// consume spends one attempt of the newest code for phoneHash and, if code matches it, marks it
// used. It returns the reason for refusal ("" when the code signs in) and, for a wrong code, the
// attempts left. The attempt is counted by a conditional UPDATE before the comparison, so that
// concurrent guesses on PostgreSQL wait for each other's row lock and can never exceed maxAttempts.
func (s *Service) consume(ctx context.Context, tx *db.Tx, phoneHash, code string, now time.Time, maxAttempts int) (string, int, error) {
	var id int64
	var stored, expires, used string
	var attempts int
	err := tx.QueryRow(ctx, `SELECT id, code_hash, expires_at, used_at, attempts FROM citizen_codes
		WHERE phone_hash = ? ORDER BY id DESC LIMIT 1`, phoneHash).Scan(&id, &stored, &expires, &used, &attempts)
	if errors.Is(err, sql.ErrNoRows) {
		return reasonNoCode, 0, nil
	}
	if err != nil {
		return "", 0, err
	}
	exp, err := db.ParseTime(expires)
	if err != nil {
		return "", 0, err
	}
	switch {
	case used != "":
		return reasonUsed, 0, nil
	case !now.Before(exp):
		return reasonExpired, 0, nil
	case attempts >= maxAttempts:
		return reasonExhausted, 0, nil
	}
	err = tx.QueryRow(ctx, `UPDATE citizen_codes SET attempts = attempts + 1
		WHERE id = ? AND used_at = '' AND attempts < ? RETURNING attempts`, id, maxAttempts).Scan(&attempts)
	if errors.Is(err, sql.ErrNoRows) {
		return reasonUsed, 0, nil // another request used it or spent the last attempt meanwhile
	}
	if err != nil {
		return "", 0, err
	}
	if !hmac.Equal([]byte(stored), []byte(s.codeHash(phoneHash, code))) {
		return reasonWrong, maxAttempts - attempts, nil
	}
	if _, err := tx.Exec(ctx, `UPDATE citizen_codes SET used_at = ? WHERE id = ?`, db.FormatTime(now), id); err != nil {
		return "", 0, err
	}
	return "", 0, nil
}

// refusal is the error a citizen sees for reason: what to do next, in the catalogue's words.
func refusal(reason string, left int) error {
	switch {
	case reason == reasonWrong && left > 0:
		return apperr.FieldMsg("code", "citizen.code_wrong", left)
	case reason == reasonWrong || reason == reasonExhausted:
		return apperr.FieldMsg("code", "citizen.code_exhausted")
	default:
		return apperr.FieldMsg("code", "citizen.code_expired")
	}
}
