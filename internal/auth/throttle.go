package auth

import (
	"context"
	"time"

	"github.com/minzheng/minzheng/internal/db"
)

// ThrottleRules limit password guessing: after PerAccount failures for one login, or PerAddress
// failures from one client address, within Window, further attempts are refused until the window
// has passed. Counting per account stops a slow guess at one user from many addresses; counting
// per address stops one client trying many users.
type ThrottleRules struct {
	Window     time.Duration
	PerAccount int
	PerAddress int
}

// DefaultThrottle allows 5 failures per account and 20 per address in 15 minutes.
var DefaultThrottle = ThrottleRules{Window: 15 * time.Minute, PerAccount: 5, PerAddress: 20}

// Keys are cut to a bounded length: what an attacker types as a login is stored here.
func accountKey(login string) string { return "login:" + truncate(login, 100) }
func addressKey(ip string) string    { return "ip:" + truncate(ip, 64) }

// throttled reports whether login or ip has used up its failures.
func (s *Service) throttled(ctx context.Context, login, ip string) (bool, error) {
	since := db.FormatTime(s.now().Add(-s.Throttle.Window))
	var account, address int
	err := s.DB.QueryRow(ctx, `SELECT
		COALESCE(SUM(CASE WHEN key = ? THEN 1 ELSE 0 END), 0),
		COALESCE(SUM(CASE WHEN key = ? THEN 1 ELSE 0 END), 0)
		FROM login_failures WHERE key IN (?, ?) AND at > ?`,
		accountKey(login), addressKey(ip), accountKey(login), addressKey(ip), since).Scan(&account, &address)
	if err != nil {
		return false, err
	}
	return account >= s.Throttle.PerAccount || address >= s.Throttle.PerAddress, nil
}

// recordFailure notes a failed attempt and forgets failures older than the window.
func (s *Service) recordFailure(ctx context.Context, q db.Querier, login, ip string) error {
	now := s.now()
	if _, err := q.Exec(ctx, `DELETE FROM login_failures WHERE at <= ?`, db.FormatTime(now.Add(-s.Throttle.Window))); err != nil {
		return err
	}
	_, err := q.Exec(ctx, `INSERT INTO login_failures (key, at) VALUES (?, ?), (?, ?)`,
		accountKey(login), db.FormatTime(now), addressKey(ip), db.FormatTime(now))
	return err
}

// clearFailures forgets an account's failures after a successful log-in.
func (s *Service) clearFailures(ctx context.Context, q db.Querier, login string) error {
	_, err := q.Exec(ctx, `DELETE FROM login_failures WHERE key = ?`, accountKey(login))
	return err
}
