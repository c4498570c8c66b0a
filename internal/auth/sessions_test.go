package auth_test

import (
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/minzheng/minzheng/internal/apperr"
	"github.com/minzheng/minzheng/internal/audit"
	"github.com/minzheng/minzheng/internal/auth"
	"github.com/minzheng/minzheng/internal/db"
	"github.com/minzheng/minzheng/internal/db/dbtest"
)

func TestLogin(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		e := newEnv(t, d)
		secret, p := e.login(t, " ZhongHan ", testPassword)
		if _, err := auth.ParseSessionCookie(secret); err != nil {
			t.Errorf("session secret %q: %v", secret, err)
		}
		want := &auth.Principal{UserID: e.zhonghan.ID, Login: "zhonghan", Name: "中韩经办", Role: auth.StreetOfficer, Scope: "370212001"}
		if diff := cmp.Diff(want, p); diff != "" {
			t.Errorf("Login principal (-want +got):\n%s", diff)
		}
		got, err := e.svc.Authenticate(e.ctx, secret)
		if err != nil {
			t.Fatal(err)
		}
		if diff := cmp.Diff(want, got); diff != "" {
			t.Errorf("Authenticate principal (-want +got):\n%s", diff)
		}
		other, _ := e.login(t, "zhonghan", testPassword)
		if other == secret {
			t.Error("two log-ins share a session secret")
		}

		disabled := e.bootstrap(t, auth.UserInput{Login: "retired", Name: "退休", Role: auth.StreetOfficer, Scope: "370212002"})
		if _, err := e.svc.UpdateUser(e.ctx, e.admin.Principal(), disabled.ID, auth.UserChange{Disabled: ptr(true)}, ""); err != nil {
			t.Fatal(err)
		}
		_, _, reference := e.svc.Login(e.ctx, "zhonghan", "wrong-Password1", "10.0.0.9", "")
		tests := []struct{ name, login, password string }{
			{"wrong password", "zhonghan", "wrong-Password1"},
			{"empty password", "zhonghan", ""},
			{"unknown login", "nobody", testPassword},
			{"empty login", "", ""},
			{"disabled user", "retired", testPassword},
			{"machine user", "feed", testPassword},
		}
		for _, tc := range tests {
			t.Run(tc.name, func(t *testing.T) {
				secret, p, err := e.svc.Login(e.ctx, tc.login, tc.password, "10.0.0.9", "")
				wantErr(t, err, apperr.Unauthenticated, "")
				if secret != "" || p != nil {
					t.Errorf("failed login returned %q, %+v", secret, p)
				}
				if diff := cmp.Diff(apperr.As(reference), apperr.As(err)); diff != "" {
					t.Errorf("answer differs from a wrong password's (-want +got):\n%s", diff)
				}
			})
		}
		for _, bad := range []string{"", "x", secret + "x", "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"} {
			_, err := e.svc.Authenticate(e.ctx, bad)
			wantErr(t, err, apperr.Unauthenticated, "")
		}
		got2 := e.auditActions(t, audit.Filter{Action: "auth."})
		wantActions := []string{"auth.login", "auth.login", "auth.login_failed"}
		for range tests {
			wantActions = append(wantActions, "auth.login_failed")
		}
		if diff := cmp.Diff(wantActions, got2); diff != "" {
			t.Errorf("auth events (-want +got):\n%s", diff)
		}
		recs, _, err := audit.Search(e.ctx, e.d, audit.Filter{Action: "auth.login_failed", Actor: "retired"})
		if err != nil || len(recs) != 1 || recs[0].ActorID != disabled.ID || recs[0].IP != "10.0.0.9" {
			t.Errorf("failed login of a known user recorded as %+v, %v", recs, err)
		}
	})
}

func TestSessionSecretNotStored(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		e := newEnv(t, d)
		secret, _ := e.login(t, "zhonghan", testPassword)
		for _, v := range tableText(t, e, "sessions") {
			if v == secret || len(v) >= 20 && contains(secret, v) || contains(v, secret) {
				t.Errorf("sessions holds %q, which reveals the secret", v)
			}
		}
	})
}

func TestSessionLifetime(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		e := newEnv(t, d)
		t.Run("idle", func(t *testing.T) {
			secret, _ := e.login(t, "zhonghan", testPassword)
			e.clock.Advance(e.svc.SessionIdle - time.Minute)
			if !e.alive(t, secret) {
				t.Fatal("session ended before the idle timeout")
			}
			e.clock.Advance(e.svc.SessionIdle + time.Second)
			if e.alive(t, secret) {
				t.Fatal("session outlived the idle timeout")
			}
			e.clock.Advance(-e.svc.SessionIdle) // an expired session is gone, not merely refused
			if e.alive(t, secret) {
				t.Error("expired session came back")
			}
		})
		t.Run("max", func(t *testing.T) {
			secret, _ := e.login(t, "zhonghan", testPassword)
			step := e.svc.SessionIdle - 10*time.Minute
			var elapsed time.Duration
			for elapsed+step < e.svc.SessionMax {
				e.clock.Advance(step)
				elapsed += step
				if !e.alive(t, secret) {
					t.Fatalf("busy session ended after %v", elapsed)
				}
			}
			e.clock.Advance(step)
			if e.alive(t, secret) {
				t.Errorf("session outlived SessionMax (%v) at %v", e.svc.SessionMax, elapsed+step)
			}
		})
	})
}

func TestLogout(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		e := newEnv(t, d)
		s1, p := e.login(t, "zhonghan", testPassword)
		s2, _ := e.login(t, "zhonghan", testPassword)
		if err := e.svc.Logout(e.ctx, p, s1, "10.0.0.1"); err != nil {
			t.Fatal(err)
		}
		if e.alive(t, s1) || !e.alive(t, s2) {
			t.Errorf("after Logout of one: s1 alive %v, s2 alive %v; want false, true", e.alive(t, s1), e.alive(t, s2))
		}
		if got := e.auditActions(t, audit.Filter{Action: "auth.logout"}); len(got) != 1 {
			t.Errorf("auth.logout events = %v", got)
		}
	})
}

func TestLogoutEverywhere(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		e := newEnv(t, d)
		tests := []struct {
			name   string
			caller *auth.User
			target *auth.User
			kind   apperr.Kind
		}{
			{"self", e.zhonghan, e.zhonghan, 0},
			{"district approver", e.laoshan, e.zhonghan, 0},
			{"city admin", e.admin, e.grid, 0},
			{"other district", e.shinan, e.zhonghan, apperr.NotFound},
			{"street officer, grid worker", e.zhonghan, e.grid, apperr.Forbidden},
			{"auditor", e.auditor, e.zhonghan, apperr.Forbidden},
		}
		for _, tc := range tests {
			t.Run(tc.name, func(t *testing.T) {
				s1, _ := e.login(t, tc.target.Login, testPassword)
				s2, _ := e.login(t, tc.target.Login, testPassword)
				bystander, _ := e.login(t, "laoshan", testPassword)
				err := e.svc.LogoutEverywhere(e.ctx, tc.caller.Principal(), tc.target.ID, "10.0.0.1")
				if tc.kind != 0 {
					wantErr(t, err, tc.kind, "")
					if !e.alive(t, s1) || !e.alive(t, s2) {
						t.Error("a refused LogoutEverywhere ended sessions")
					}
					return
				}
				if err != nil {
					t.Fatal(err)
				}
				if e.alive(t, s1) || e.alive(t, s2) {
					t.Error("a session survived LogoutEverywhere")
				}
				if tc.target.ID != e.laoshan.ID && !e.alive(t, bystander) {
					t.Error("LogoutEverywhere ended another user's session")
				}
			})
		}
	})
}
