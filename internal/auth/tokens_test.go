package auth_test

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/minzheng/minzheng/internal/apperr"
	"github.com/minzheng/minzheng/internal/auth"
	"github.com/minzheng/minzheng/internal/db"
	"github.com/minzheng/minzheng/internal/db/dbtest"
)

// token creates a token for user and fails the test if that does not work.
func (e *env) token(t *testing.T, user *auth.User, name string, ttl time.Duration) (string, *auth.Token) {
	t.Helper()
	secret, tok, err := e.svc.CreateToken(e.ctx, e.admin.Principal(), user.ID, name, ttl, "10.0.0.1")
	if err != nil {
		t.Fatalf("create token %s: %v", name, err)
	}
	return secret, tok
}

func TestCreateToken(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		e := newEnv(t, d)
		now := e.clock.Now()
		secret, tok := e.token(t, e.feed, " 民政部数据交换 ", 0)
		prefix, err := auth.ParseToken(secret)
		if err != nil {
			t.Fatalf("ParseToken(%q): %v", secret, err)
		}
		if len(secret) != 56 || !strings.HasPrefix(secret, auth.TokenPrefix) || prefix != tok.Prefix || secret[:12] != prefix {
			t.Errorf("token %q, prefix %q, listed prefix %q", secret, prefix, tok.Prefix)
		}
		want := &auth.Token{ID: tok.ID, UserID: e.feed.ID, Name: "民政部数据交换", Prefix: prefix, CreatedAt: now}
		if diff := cmp.Diff(want, tok); diff != "" {
			t.Errorf("token (-want +got):\n%s", diff)
		}
		if !tok.Active(now.Add(1000 * time.Hour)) {
			t.Error("a token without expiry is not active")
		}
		tests := []struct {
			name   string
			caller *auth.User
			tname  string
			kind   apperr.Kind
			field  string
		}{
			{"district approver", e.laoshan, "x", apperr.Forbidden, ""},
			{"auditor", e.auditor, "x", apperr.Forbidden, ""},
			{"feed itself", e.feed, "x", apperr.Forbidden, ""},
			{"empty name", e.admin, "  ", apperr.Invalid, "name"},
			{"long name", e.admin, strings.Repeat("令", 61), apperr.Invalid, "name"},
		}
		for _, tc := range tests {
			t.Run(tc.name, func(t *testing.T) {
				s, tok, err := e.svc.CreateToken(e.ctx, tc.caller.Principal(), e.feed.ID, tc.tname, 0, "")
				wantErr(t, err, tc.kind, tc.field)
				if s != "" || tok != nil {
					t.Errorf("refused CreateToken returned %q, %+v", s, tok)
				}
			})
		}
		if _, _, err := e.svc.CreateToken(e.ctx, e.admin.Principal(), 99999, "x", 0, ""); apperr.KindOf(err) != apperr.NotFound {
			t.Errorf("token for a missing user: %v, want NotFound", err)
		}
		list, err := e.svc.ListTokens(e.ctx, e.admin.Principal(), e.feed.ID)
		if err != nil || len(list) != 1 {
			t.Fatalf("ListTokens = %v, %v; want the one token", list, err)
		}
		if got := fmt.Sprintf("%+v", list); strings.Contains(got, secret[13:]) {
			t.Errorf("ListTokens shows the secret: %s", got)
		}
	})
}

func TestTokenSecretNotStored(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		e := newEnv(t, d)
		secret, _ := e.token(t, e.feed, "接口", 0)
		random := secret[13:]
		vals := tableText(t, e, "api_tokens")
		sum := sha256.Sum256([]byte(secret))
		found := false
		for _, v := range vals {
			if contains(v, random) || len(v) >= 20 && contains(secret, v) {
				t.Errorf("api_tokens holds %q, which reveals the secret", v)
			}
			found = found || v == hex.EncodeToString(sum[:])
		}
		if !found {
			t.Errorf("api_tokens %q holds no SHA-256 of the token", vals)
		}
	})
}

func TestAuthenticateToken(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		e := newEnv(t, d)
		secret, tok := e.token(t, e.feed, "接口", 0)
		p, err := e.svc.AuthenticateToken(e.ctx, secret)
		if err != nil {
			t.Fatal(err)
		}
		want := &auth.Principal{UserID: e.feed.ID, Login: "feed", Name: "民政部接口", Role: auth.AgencyFeed, Scope: "3702", TokenID: tok.ID}
		if diff := cmp.Diff(want, p); diff != "" {
			t.Errorf("principal (-want +got):\n%s", diff)
		}
		lastUsed := func() time.Time {
			t.Helper()
			list, err := e.svc.ListTokens(e.ctx, e.admin.Principal(), e.feed.ID)
			if err != nil || len(list) != 1 {
				t.Fatalf("ListTokens = %v, %v", list, err)
			}
			return list[0].LastUsedAt
		}
		first := e.clock.Now()
		if got := lastUsed(); !got.Equal(first) {
			t.Errorf("LastUsedAt = %v, want %v", got, first)
		}
		e.clock.Advance(30 * time.Second)
		if _, err := e.svc.AuthenticateToken(e.ctx, secret); err != nil {
			t.Fatal(err)
		}
		if got := lastUsed(); !got.Equal(first) {
			t.Errorf("LastUsedAt = %v, want %v: written at most once a minute", got, first)
		}
		e.clock.Advance(time.Minute)
		if _, err := e.svc.AuthenticateToken(e.ctx, secret); err != nil {
			t.Fatal(err)
		}
		if got := lastUsed(); !got.Equal(e.clock.Now()) {
			t.Errorf("LastUsedAt = %v, want %v", got, e.clock.Now())
		}
		// A created user's token acts without a pending password change.
		officer, _ := e.create(t, e.admin, auth.UserInput{Login: "terminal", Name: "终端", Role: auth.CanteenOperator, Scope: "370212", OrgID: 3})
		s2, _ := e.token(t, officer, "食堂终端", 0)
		if p, err := e.svc.AuthenticateToken(e.ctx, s2); err != nil || p.MustChangePassword || p.OrgID != 3 {
			t.Errorf("canteen token principal = %+v, %v", p, err)
		}
		for _, bad := range []string{"", "mzt_", secret[:len(secret)-1], secret + "A", "Bearer " + secret,
			secret[:13] + strings.Repeat("A", 43), strings.Replace(secret, "mzt_", "mzx_", 1)} {
			_, err := e.svc.AuthenticateToken(e.ctx, bad)
			wantErr(t, err, apperr.Unauthenticated, "")
		}
	})
}

func TestTokenEnds(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		e := newEnv(t, d)
		works := func(secret string) bool {
			t.Helper()
			_, err := e.svc.AuthenticateToken(e.ctx, secret)
			if err != nil && apperr.KindOf(err) != apperr.Unauthenticated {
				t.Fatalf("AuthenticateToken: %v", err)
			}
			return err == nil
		}
		t.Run("revoked", func(t *testing.T) {
			secret, tok := e.token(t, e.feed, "将吊销", 0)
			other, _ := e.token(t, e.feed, "保留", 0)
			if err := e.svc.RevokeToken(e.ctx, e.laoshan.Principal(), e.feed.ID, tok.ID, ""); apperr.KindOf(err) != apperr.Forbidden {
				t.Errorf("district approver revokes: %v, want Forbidden", err)
			}
			if err := e.svc.RevokeToken(e.ctx, e.admin.Principal(), e.grid.ID, tok.ID, ""); apperr.KindOf(err) != apperr.NotFound {
				t.Errorf("revoke through another user: %v, want NotFound", err)
			}
			if !works(secret) {
				t.Fatal("token ended by a refused revocation")
			}
			if err := e.svc.RevokeToken(e.ctx, e.admin.Principal(), e.feed.ID, tok.ID, ""); err != nil {
				t.Fatal(err)
			}
			if works(secret) || !works(other) {
				t.Errorf("after revoking one: revoked works %v, other works %v", works(secret), works(other))
			}
			if err := e.svc.RevokeToken(e.ctx, e.admin.Principal(), e.feed.ID, tok.ID, ""); apperr.KindOf(err) != apperr.NotFound {
				t.Errorf("second revocation: %v, want NotFound", err)
			}
			list, err := e.svc.ListTokens(e.ctx, e.admin.Principal(), e.feed.ID)
			if err != nil {
				t.Fatal(err)
			}
			for _, l := range list {
				if l.ID == tok.ID && (l.RevokedAt.IsZero() || l.Active(e.clock.Now())) {
					t.Errorf("revoked token listed as %+v", l)
				}
			}
		})
		t.Run("expired", func(t *testing.T) {
			secret, tok := e.token(t, e.feed, "一小时", time.Hour)
			if !tok.ExpiresAt.Equal(e.clock.Now().Add(time.Hour)) {
				t.Errorf("ExpiresAt = %v", tok.ExpiresAt)
			}
			e.clock.Advance(59 * time.Minute)
			if !works(secret) {
				t.Error("token ended before its expiry")
			}
			e.clock.Advance(time.Minute)
			if works(secret) || tok.Active(e.clock.Now()) {
				t.Error("token works at its expiry")
			}
		})
		t.Run("disabled user", func(t *testing.T) {
			secret, _ := e.token(t, e.feed, "停用", 0)
			if _, err := e.svc.UpdateUser(e.ctx, e.admin.Principal(), e.feed.ID, auth.UserChange{Disabled: ptr(true)}, ""); err != nil {
				t.Fatal(err)
			}
			if works(secret) {
				t.Error("token of a disabled user works")
			}
		})
	})
}
