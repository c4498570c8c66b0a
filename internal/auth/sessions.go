package auth

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"database/sql"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/minzheng/minzheng/internal/apperr"
	"github.com/minzheng/minzheng/internal/audit"
	"github.com/minzheng/minzheng/internal/db"
)

// SessionCookie is the name of the HttpOnly cookie that carries the session secret.
const SessionCookie = "mz_session"

// secretLen is the number of random bytes in a session or token secret.
const secretLen = 32

func newSecret() string {
	b := make([]byte, secretLen)
	_, _ = rand.Read(b)
	return base64.RawURLEncoding.EncodeToString(b)
}

func hashSecret(secret string) string {
	sum := sha256.Sum256([]byte(secret))
	return hex.EncodeToString(sum[:])
}

// ParseSessionCookie checks that a cookie value has the form of a session secret before any
// database look-up: 43 characters of unpadded base64url for 32 random bytes.
func ParseSessionCookie(value string) (string, error) {
	if len(value) != base64.RawURLEncoding.EncodedLen(secretLen) {
		return "", errors.New("auth: malformed session cookie")
	}
	b, err := base64.RawURLEncoding.DecodeString(value)
	if err != nil || len(b) != secretLen {
		return "", errors.New("auth: malformed session cookie")
	}
	return value, nil
}

func auditSystem(action string, userID int64, regionCode string, detail map[string]any) audit.Event {
	return audit.Event{Actor: audit.System, Action: action, TargetType: "user", TargetID: fmt.Sprint(userID),
		RegionCode: regionCode, Detail: detail}
}

// Login checks a login name and password and opens a session, returning its secret for the
// cookie. Failures are throttled per account and per address, audited, and all answered with the
// same message so that the answer does not tell which logins exist.
func (s *Service) Login(ctx context.Context, login, password, ip, userAgent string) (string, *Principal, error) {
	login = strings.ToLower(strings.TrimSpace(login))
	if blocked, err := s.throttled(ctx, login, ip); err != nil {
		return "", nil, err
	} else if blocked {
		_, _ = s.Audit.Record(ctx, s.DB, audit.Event{Actor: login, IP: ip, Action: "auth.login_throttled"})
		return "", nil, apperr.Msg(apperr.TooMany, "auth.throttled", int(s.Throttle.Window.Minutes()))
	}
	u, hash, err := s.userByLogin(ctx, s.DB, login)
	if err != nil && !errors.Is(err, sql.ErrNoRows) {
		return "", nil, err
	}
	// Check a password in every case — against a dummy hash when there is no usable account — so
	// that the time taken does not tell which logins exist.
	usable := u != nil && !u.Disabled && !u.Role.IsMachine()
	if !usable {
		hash = s.dummyHash()
	}
	ok, err := CheckPassword(hash, password)
	if err != nil {
		return "", nil, err
	}
	ok = ok && usable
	if !ok {
		err := s.DB.InTx(ctx, func(tx *db.Tx) error {
			if err := s.recordFailure(ctx, tx, login, ip); err != nil {
				return err
			}
			ev := audit.Event{Actor: login, IP: ip, Action: "auth.login_failed"}
			if u != nil {
				ev.ActorID, ev.Role, ev.RegionCode = u.ID, string(u.Role), u.Scope.Code()
			}
			_, err := s.Audit.Append(ctx, tx, ev)
			return err
		})
		if err != nil {
			return "", nil, err
		}
		return "", nil, apperr.Msg(apperr.Unauthenticated, "auth.bad_credentials")
	}
	secret := newSecret()
	now := s.now()
	err = s.DB.InTx(ctx, func(tx *db.Tx) error {
		if err := s.clearFailures(ctx, tx, login); err != nil {
			return err
		}
		if _, err := tx.Exec(ctx, `INSERT INTO sessions (id_hash, user_id, created_at, last_seen_at, expires_at, ip, user_agent)
			VALUES (?, ?, ?, ?, ?, ?, ?)`, hashSecret(secret), u.ID, db.FormatTime(now), db.FormatTime(now),
			db.FormatTime(now.Add(s.SessionMax)), ip, truncate(userAgent, 200)); err != nil {
			return err
		}
		ev := actor(u.Principal(), ip)
		ev.Action, ev.TargetType, ev.TargetID, ev.RegionCode = "auth.login", "user", fmt.Sprint(u.ID), u.Scope.Code()
		_, err := s.Audit.Append(ctx, tx, ev)
		return err
	})
	if err != nil {
		return "", nil, err
	}
	return secret, u.Principal(), nil
}

// Authenticate returns the principal of a live session, extending its idle deadline. An unknown,
// expired or idle session, or one of a disabled user, is Unauthenticated.
func (s *Service) Authenticate(ctx context.Context, secret string) (*Principal, error) {
	if _, err := ParseSessionCookie(secret); err != nil {
		return nil, apperr.Msg(apperr.Unauthenticated, "auth.signin_required")
	}
	id := hashSecret(secret)
	var lastSeen, expires string
	var hash string
	u, err := s.scanUser(rowWithExtras{s.DB.QueryRow(ctx, `SELECT `+db.Qualify("u", userColumns)+`, u.password_hash, s.last_seen_at, s.expires_at
		FROM sessions s JOIN users u ON u.id = s.user_id WHERE s.id_hash = ?`, id), []any{&hash, &lastSeen, &expires}})
	if errors.Is(err, sql.ErrNoRows) {
		return nil, apperr.Msg(apperr.Unauthenticated, "auth.signin_required")
	}
	if err != nil {
		return nil, err
	}
	now := s.now()
	seen, _ := db.ParseTime(lastSeen)
	exp, _ := db.ParseTime(expires)
	if u.Disabled || !now.Before(exp) || now.Sub(seen) > s.SessionIdle {
		_, _ = s.DB.Exec(ctx, `DELETE FROM sessions WHERE id_hash = ?`, id)
		return nil, apperr.Msg(apperr.Unauthenticated, "auth.session_expired")
	}
	// Write the idle clock at most once a minute: a page with many requests costs one write.
	if now.Sub(seen) > time.Minute {
		if _, err := s.DB.Exec(ctx, `UPDATE sessions SET last_seen_at = ? WHERE id_hash = ?`, db.FormatTime(now), id); err != nil {
			return nil, err
		}
	}
	return u.Principal(), nil
}

// Logout ends one session.
func (s *Service) Logout(ctx context.Context, p *Principal, secret, ip string) error {
	return s.DB.InTx(ctx, func(tx *db.Tx) error {
		if _, err := tx.Exec(ctx, `DELETE FROM sessions WHERE id_hash = ?`, hashSecret(secret)); err != nil {
			return err
		}
		ev := actor(p, ip)
		ev.Action, ev.TargetType, ev.TargetID = "auth.logout", "user", fmt.Sprint(p.UserID)
		ev.RegionCode = p.Scope.Code()
		_, err := s.Audit.Append(ctx, tx, ev)
		return err
	})
}

// LogoutEverywhere ends every session of user id: the user themself after losing a phone, or an
// administrator who manages them.
func (s *Service) LogoutEverywhere(ctx context.Context, caller *Principal, id int64, ip string) error {
	u, err := s.GetUser(ctx, caller, id)
	if err != nil {
		return err
	}
	if caller.UserID != id && !caller.CanManage(u.Role, u.Scope) {
		return apperr.Msg(apperr.Forbidden, "user.cannot_grant")
	}
	return s.DB.InTx(ctx, func(tx *db.Tx) error {
		res, err := tx.Exec(ctx, `DELETE FROM sessions WHERE user_id = ?`, id)
		if err != nil {
			return err
		}
		n, _ := res.RowsAffected()
		ev := actor(caller, ip)
		ev.Action, ev.TargetType, ev.TargetID, ev.RegionCode = "auth.logout_everywhere", "user", fmt.Sprint(id), u.Scope.Code()
		ev.Detail = map[string]any{"sessions": n}
		_, err = s.Audit.Append(ctx, tx, ev)
		return err
	})
}

// rowWithExtras lets scanUser read a row with more columns after the user's.
type rowWithExtras struct {
	row    *sql.Row
	extras []any
}

func (r rowWithExtras) Scan(dst ...any) error { return r.row.Scan(append(dst, r.extras...)...) }

func truncate(s string, n int) string {
	r := []rune(s)
	if len(r) > n {
		return string(r[:n])
	}
	return s
}
