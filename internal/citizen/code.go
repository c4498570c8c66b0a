package citizen

import (
	"context"
	"crypto/rand"
	"database/sql"
	"errors"
	"fmt"
	"math/big"
	"strings"
	"time"

	"github.com/minzheng/minzheng/internal/apperr"
	"github.com/minzheng/minzheng/internal/db"
	"github.com/minzheng/minzheng/internal/pii"
)

// codeKind is the hash kind of codes: part of the HMAC message, so a code hash never equals the
// hash of a phone number or an ID number made with the same key.
const codeKind pii.Kind = "citizen_code"

// keepCodes is how long code rows stay: the longest throttle window.
const keepCodes = 24 * time.Hour

// codeHash is the keyed hash stored for code: bound to the phone, so a row's hash cannot be
// checked against a code sent to another number.
func (s *Service) codeHash(phoneHash, code string) string {
	return s.Keys.Hash(codeKind, phoneHash+":"+code)
}

// newCode returns codeLen uniformly random decimal digits from crypto/rand.
func newCode() (string, error) {
	n, err := rand.Int(rand.Reader, big.NewInt(1_000_000))
	if err != nil {
		return "", fmt.Errorf("citizen: random code: %w", err)
	}
	return fmt.Sprintf("%06d", n.Int64()), nil
}

// RequestCode sends a fresh sign-in code to phone, asked from address ip. A new code replaces any
// earlier one for the number: Verify checks only the newest. Too many requests for one number or
// from one address are TooMany, with the minutes to wait, and audited. If the Sender fails the
// code still counts against the limits (a gateway that timed out may have delivered it), and the
// error is Internal with a message asking to try later.
func (s *Service) RequestCode(ctx context.Context, phone, ip string) error {
	if s.Sender == nil {
		return errors.New("citizen: no Sender configured")
	}
	p, err := ParsePhone(phone)
	if err != nil {
		return err
	}
	ip = truncate(ip, 64)
	code, err := newCode()
	if err != nil {
		return err
	}
	r := s.Rules.withDefaults()
	phoneHash := s.Keys.Hash(pii.Phone, p)
	masked := pii.MaskPhone(p)
	now := s.now()
	var wait time.Duration
	err = s.DB.InTx(ctx, func(tx *db.Tx) error {
		if _, err := tx.Exec(ctx, `DELETE FROM citizen_codes WHERE created_at <= ?`, db.FormatTime(now.Add(-keepCodes))); err != nil {
			return err
		}
		limits := []limit{
			{"phone_resend", "phone_hash", phoneHash, r.ResendAfter, 1},
			{"phone_hour", "phone_hash", phoneHash, time.Hour, r.MaxCodesPerPhonePerHour},
			{"phone_day", "phone_hash", phoneHash, 24 * time.Hour, r.MaxCodesPerPhonePerDay},
			{"ip_hour", "ip", ip, time.Hour, r.MaxCodesPerIPPerHour},
		}
		for _, l := range limits {
			w, err := l.wait(ctx, tx, now)
			if err != nil {
				return err
			}
			if w > 0 {
				wait = w
				ev := event("citizen.code_throttled", masked, ip, 0, map[string]any{"limit": l.name})
				_, err := s.Audit.Append(ctx, tx, ev)
				return err
			}
		}
		_, err := tx.Exec(ctx, `INSERT INTO citizen_codes (phone_hash, code_hash, ip, created_at, expires_at)
			VALUES (?, ?, ?, ?, ?)`, phoneHash, s.codeHash(phoneHash, code), ip,
			db.FormatTime(now), db.FormatTime(now.Add(r.CodeTTL)))
		return err
	})
	if err != nil {
		return err
	}
	if wait > 0 {
		minutes := int((wait + time.Minute - 1) / time.Minute)
		return apperr.Msg(apperr.TooMany, "citizen.throttled", max(minutes, 1))
	}
	if err := s.Sender.Send(ctx, p, code); err != nil {
		e := apperr.Msg(apperr.Internal, "citizen.send_failed")
		e.Err = fmt.Errorf("citizen: send code to %s: %w", masked, err)
		return e
	}
	return nil
}

// limit is one throttle rule: at most max codes per window for one value of column.
type limit struct {
	name   string // for the audit event
	column string // a column of citizen_codes, from code only
	value  string
	window time.Duration
	max    int
}

// wait returns how long until one more code is allowed under l, or 0 if it is allowed now: the
// time until the max-th newest code in the window falls out of it.
func (l limit) wait(ctx context.Context, q db.Querier, now time.Time) (time.Duration, error) {
	var at string
	err := q.QueryRow(ctx, `SELECT created_at FROM citizen_codes WHERE `+l.column+` = ? AND created_at > ?
		ORDER BY created_at DESC LIMIT 1 OFFSET ?`, l.value, db.FormatTime(now.Add(-l.window)), l.max-1).Scan(&at)
	if errors.Is(err, sql.ErrNoRows) {
		return 0, nil
	}
	if err != nil {
		return 0, err
	}
	t, err := db.ParseTime(at)
	if err != nil {
		return 0, err
	}
	return max(t.Add(l.window).Sub(now), time.Nanosecond), nil
}

// truncate cuts s to at most n bytes of valid UTF-8: an address is stored as the HTTP layer gives
// it, and must not grow a row without bound.
func truncate(s string, n int) string {
	if len(s) > n {
		s = s[:n]
	}
	return strings.ToValidUTF8(s, "")
}
