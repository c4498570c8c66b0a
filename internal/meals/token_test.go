package meals

import (
	"strings"
	"testing"
	"time"

	"github.com/minzheng/minzheng/internal/apperr"
	"github.com/minzheng/minzheng/internal/auth"
	"github.com/minzheng/minzheng/internal/db"
	"github.com/minzheng/minzheng/internal/db/dbtest"
	"github.com/minzheng/minzheng/internal/region"
)

// auditActions counts the audit events of action.
func (f *fixture) auditActions(action string) int {
	f.t.Helper()
	var n int
	if err := f.d.QueryRow(f.ctx, `SELECT COUNT(*) FROM audit_log WHERE action = ?`, action).Scan(&n); err != nil {
		f.t.Fatal(err)
	}
	return n
}

func TestTerminalTokens(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		f := newFixture(t, d, day(2024, 3, 5))
		cid, _ := f.canteen(f.laoshan)
		operator := &auth.Principal{Login: "op", Role: auth.CanteenOperator, Scope: region.Scope(f.laoshan[:9]), OrgID: cid}

		id, secret, err := f.s.IssueTerminalToken(f.ctx, operator, cid, " 一号窗口 ")
		if err != nil {
			t.Fatal(err)
		}
		if !strings.HasPrefix(secret, TerminalTokenPrefix) || len(secret) != len(TerminalTokenPrefix)+terminalSecretLen {
			t.Fatalf("secret %q", secret)
		}
		var stored int
		if err := d.QueryRow(f.ctx, `SELECT COUNT(*) FROM canteen_tokens WHERE token_hash = ? AND name = '一号窗口'`,
			tokenHash(secret)).Scan(&stored); err != nil || stored != 1 {
			t.Fatalf("stored hash: %d rows, err %v", stored, err)
		}
		var leaked int
		if err := d.QueryRow(f.ctx, `SELECT COUNT(*) FROM canteen_tokens WHERE token_hash = ?`, secret).Scan(&leaked); err != nil || leaked != 0 {
			t.Fatal("the secret itself is stored")
		}
		got, err := f.s.CanteenByTerminalToken(f.ctx, secret)
		if err != nil || got != cid {
			t.Fatalf("canteen %d, err %v", got, err)
		}
		second, secret2, err := f.s.IssueTerminalToken(f.ctx, f.officer, cid, "二号窗口")
		if err != nil {
			t.Fatal(err)
		}
		list, err := f.s.TerminalTokens(f.ctx, operator, cid)
		if err != nil || len(list) != 2 || list[0].ID != second || list[1].ID != id || list[1].Name != "一号窗口" ||
			list[1].CreatedBy != "op" || list[1].CanteenID != cid || list[1].CreatedAt.IsZero() || !list[1].RevokedAt.IsZero() {
			t.Fatalf("list %+v err %v", list, err)
		}

		// Revoking takes effect at once in this process, and again is no error.
		if err := f.s.RevokeTerminalToken(f.ctx, operator, id); err != nil {
			t.Fatal(err)
		}
		if err := f.s.RevokeTerminalToken(f.ctx, operator, id); err != nil {
			t.Fatal(err)
		}
		_, err = f.s.CanteenByTerminalToken(f.ctx, secret)
		if apperr.KindOf(err) != apperr.Unauthenticated || apperr.As(err).Code != "meals.terminal.token_revoked" {
			t.Fatalf("revoked token: %v", err)
		}
		if list, _ := f.s.TerminalTokens(f.ctx, f.admin, cid); list[1].RevokedAt.IsZero() {
			t.Fatal("revocation not listed")
		}
		if f.auditActions("meals.terminal.token.issue") != 2 || f.auditActions("meals.terminal.token.revoke") != 1 {
			t.Fatal("issue and revocation not audited once each")
		}

		// A revocation by another process is seen once the cached answer expires.
		if _, err := f.s.CanteenByTerminalToken(f.ctx, secret2); err != nil {
			t.Fatal(err)
		}
		if _, err := d.Exec(f.ctx, `UPDATE canteen_tokens SET revoked_at = ? WHERE id = ?`, f.s.stamp(), second); err != nil {
			t.Fatal(err)
		}
		if _, err := f.s.CanteenByTerminalToken(f.ctx, secret2); err != nil {
			t.Fatalf("within the cache time: %v", err)
		}
		f.s.tokens.mu.Lock()
		e := f.s.tokens.m[tokenHash(secret2)]
		e.expires = time.Now().Add(-time.Second)
		f.s.tokens.m[tokenHash(secret2)] = e
		f.s.tokens.mu.Unlock()
		if _, err := f.s.CanteenByTerminalToken(f.ctx, secret2); apperr.KindOf(err) != apperr.Unauthenticated {
			t.Fatalf("after the cache time: %v", err)
		}

		for _, bad := range []string{"", "mzc_short", "mzt_" + strings.Repeat("a", 43), TerminalTokenPrefix + strings.Repeat("a", 43)} {
			if _, err := f.s.CanteenByTerminalToken(f.ctx, bad); apperr.As(err).Code != "meals.terminal.token_invalid" {
				t.Errorf("token %q: %v", bad, err)
			}
		}
	})
}

func TestTerminalTokenAccess(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		f := newFixture(t, d, day(2024, 3, 5))
		cid, _ := f.canteen(f.laoshan)
		other, _ := f.canteen(f.shinan)
		_, secret, err := f.s.IssueTerminalToken(f.ctx, f.admin, cid, "窗口")
		if err != nil {
			t.Fatal(err)
		}
		list, _ := f.s.TerminalTokens(f.ctx, f.admin, cid)
		tokenID := list[0].ID
		scope := region.Scope(f.laoshan[:9])
		for _, tc := range []struct {
			name  string
			p     *auth.Principal
			cid   int64
			issue apperr.Kind // Internal: allowed
			list  apperr.Kind
		}{
			{"operator of another canteen", &auth.Principal{Login: "op2", Role: auth.CanteenOperator, Scope: scope, OrgID: other}, cid, apperr.NotFound, apperr.NotFound},
			{"auditor reads, issues nothing", &auth.Principal{Login: "aud", Role: auth.Auditor, Scope: "3702"}, cid, apperr.Forbidden, apperr.Internal},
			{"grid worker", &auth.Principal{Login: "grid", Role: auth.GridWorker, Scope: region.Scope(f.laoshan)}, cid, apperr.Forbidden, apperr.Internal},
			{"street officer of another district", &auth.Principal{Login: "so", Role: auth.StreetOfficer, Scope: region.Scope(f.shinan[:9])}, cid, apperr.NotFound, apperr.NotFound},
			{"nobody", nil, cid, apperr.NotFound, apperr.NotFound},
		} {
			t.Run(tc.name, func(t *testing.T) {
				_, _, err := f.s.IssueTerminalToken(f.ctx, tc.p, tc.cid, "窗口")
				if tc.issue != apperr.Internal {
					wantKind(t, err, tc.issue)
				}
				wantKind(t, f.s.RevokeTerminalToken(f.ctx, tc.p, tokenID), tc.issue)
				_, err = f.s.TerminalTokens(f.ctx, tc.p, tc.cid)
				if tc.list == apperr.Internal && err != nil {
					t.Fatalf("list: %v", err)
				} else if tc.list != apperr.Internal {
					wantKind(t, err, tc.list)
				}
			})
		}
		if got, err := f.s.CanteenByTerminalToken(f.ctx, secret); err != nil || got != cid {
			t.Fatalf("token revoked by someone not allowed to: %v", err)
		}
		_, _, err = f.s.IssueTerminalToken(f.ctx, f.admin, cid, "  ")
		wantKind(t, err, apperr.Invalid)
		wantKind(t, f.s.RevokeTerminalToken(f.ctx, f.admin, 99999), apperr.NotFound)
	})
}
