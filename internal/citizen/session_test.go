package citizen_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/minzheng/minzheng/internal/apperr"
	"github.com/minzheng/minzheng/internal/citizen"
	"github.com/minzheng/minzheng/internal/db"
	"github.com/minzheng/minzheng/internal/db/dbtest"
)

func TestSessionExpiry(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		e := newEnv(t, d)
		secret, _ := e.signIn(t)
		e.clock.Advance(12*time.Hour - time.Second)
		if _, err := e.svc.Authenticate(e.ctx, secret); err != nil {
			t.Fatalf("one second before expiry: %v", err)
		}
		e.clock.Advance(time.Second)
		_, err := e.svc.Authenticate(e.ctx, secret)
		if ae := wantErr(t, err, apperr.Unauthenticated, ""); ae.Code != "citizen.session_expired" {
			t.Errorf("expired session: %s", ae.Code)
		}
		// The expired session is gone, so the next look-up simply asks to sign in.
		_, err = e.svc.Authenticate(e.ctx, secret)
		if ae := wantErr(t, err, apperr.Unauthenticated, ""); ae.Code != "citizen.signin_required" {
			t.Errorf("after expiry: %s", ae.Code)
		}
	})
}

func TestAuthenticateRefusesJunk(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		e := newEnv(t, d)
		secret, _ := e.signIn(t)
		for _, s := range []string{"", "x", secret[:42], secret + "A", strings.Repeat("A", 43),
			strings.Repeat("!", 43)} {
			_, err := e.svc.Authenticate(e.ctx, s)
			wantErr(t, err, apperr.Unauthenticated, "")
		}
	})
}

func TestSignOut(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		e := newEnv(t, d)
		secret, _ := e.signIn(t)
		e.clock.Advance(time.Hour)
		other, _ := e.signIn(t) // the same citizen on a second phone
		if err := e.svc.SignOut(e.ctx, secret); err != nil {
			t.Fatal(err)
		}
		_, err := e.svc.Authenticate(e.ctx, secret)
		wantErr(t, err, apperr.Unauthenticated, "")
		if _, err := e.svc.Authenticate(e.ctx, other); err != nil {
			t.Errorf("the other session ended too: %v", err)
		}
		for _, s := range []string{secret, "junk", ""} {
			if err := e.svc.SignOut(e.ctx, s); err != nil {
				t.Errorf("SignOut(%q) again: %v", s, err)
			}
		}
		want := []string{"citizen.signin " + masked, "citizen.signin " + masked, "citizen.signout " + masked}
		if diff := cmp.Diff(want, e.auditEvents(t)); diff != "" {
			t.Errorf("audit (-want +got):\n%s", diff)
		}
		e.chainIntact(t)
	})
}

func TestSweep(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		e := newEnv(t, d)
		// Another citizen's session: a sign-in tidies up only the citizen's own expired sessions.
		if _, _, err := e.svc.Verify(e.ctx, "13900001111", e.request(t, "13900001111", ip), ip); err != nil {
			t.Fatal(err)
		}
		e.clock.Advance(13 * time.Hour)
		live, _ := e.signIn(t)
		if n, err := e.svc.Sweep(e.ctx); err != nil || n != 1 {
			t.Fatalf("Sweep after 13 h = %d, %v; want the expired session", n, err)
		}
		e.clock.Advance(11*time.Hour + time.Second)
		if n, err := e.svc.Sweep(e.ctx); err != nil || n != 1 {
			t.Fatalf("Sweep after 24 h = %d, %v; want the first code", n, err)
		}
		if _, err := e.svc.Authenticate(e.ctx, live); err != nil {
			t.Errorf("Sweep ended a live session: %v", err)
		}
		if got := e.count(t, "citizen_codes"); got != 1 {
			t.Errorf("%d codes left, want 1", got)
		}
	})
}

func TestContext(t *testing.T) {
	ctx := context.Background()
	if c := citizen.FromContext(ctx); c != nil {
		t.Fatalf("FromContext(empty) = %+v", c)
	}
	want := &citizen.Citizen{ID: 7, PhoneMasked: masked}
	if got := citizen.FromContext(citizen.WithCitizen(ctx, want)); got != want {
		t.Fatalf("FromContext = %+v, want %+v", got, want)
	}
}
