package citizen_test

import (
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/minzheng/minzheng/internal/apperr"
	"github.com/minzheng/minzheng/internal/citizen"
	"github.com/minzheng/minzheng/internal/db"
	"github.com/minzheng/minzheng/internal/db/dbtest"
)

func TestSignIn(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		e := newEnv(t, d)
		// Typed the way people type it: country code, separators, full-width digits.
		if err := e.svc.RequestCode(e.ctx, "+86 138-1234-５６７８", ip); err != nil {
			t.Fatal(err)
		}
		got := e.sender.sent[0]
		if got.phone != phone || len(got.code) != 6 || strings.Trim(got.code, "0123456789") != "" {
			t.Fatalf("sent %+v, want 6 digits to %s", got, phone)
		}
		secret, c, err := e.svc.Verify(e.ctx, "138 1234 5678", " "+got.code+" ", ip)
		if err != nil {
			t.Fatal(err)
		}
		if c.ID == 0 || c.PhoneMasked != masked {
			t.Fatalf("citizen = %+v, want masked %s", c, masked)
		}
		again, err := e.svc.Authenticate(e.ctx, secret)
		if err != nil {
			t.Fatal(err)
		}
		if diff := cmp.Diff(c, again); diff != "" {
			t.Errorf("Authenticate differs from Verify (-verify +auth):\n%s", diff)
		}
		// Neither the number nor the code nor the secret is stored in the clear.
		for _, table := range []string{"citizens", "citizen_codes", "citizen_sessions"} {
			text := e.tableText(t, table)
			for _, secretValue := range []string{phone, got.code, secret} {
				if strings.Contains(text, secretValue) {
					t.Errorf("table %s holds %q in the clear", table, secretValue)
				}
			}
		}
		var sealed string
		if err := d.QueryRow(e.ctx, `SELECT phone_sealed FROM citizens WHERE id = ?`, c.ID).Scan(&sealed); err != nil {
			t.Fatal(err)
		}
		if plain, err := e.svc.Keys.Open(sealed, citizen.PhoneField); err != nil || plain != phone {
			t.Errorf("sealed phone opens to %q, %v", plain, err)
		}
		// A second sign-in finds the same citizen and opens a second session.
		e.clock.Advance(time.Hour)
		secret2, c2 := e.signIn(t)
		if c2.ID != c.ID || secret2 == secret {
			t.Errorf("second sign-in: citizen %d secret equal %v, want citizen %d and a new secret", c2.ID, secret2 == secret, c.ID)
		}
		if n := e.count(t, "citizens"); n != 1 {
			t.Errorf("%d citizens, want 1", n)
		}
		want := []string{"citizen.signin " + masked, "citizen.signin " + masked}
		if diff := cmp.Diff(want, e.auditEvents(t)); diff != "" {
			t.Errorf("audit (-want +got):\n%s", diff)
		}
		e.chainIntact(t)
	})
}

func TestWrongCode(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		e := newEnv(t, d)
		code := e.request(t, phone, ip)
		_, _, err := e.svc.Verify(e.ctx, phone, wrongCode(code), ip)
		ae := wantErr(t, err, apperr.Invalid, "code")
		if !strings.Contains(ae.Message, "4") {
			t.Errorf("message %q does not say 4 attempts are left", ae.Message)
		}
		// A wrong guess does not spoil the code for its owner.
		if _, _, err := e.svc.Verify(e.ctx, phone, code, ip); err != nil {
			t.Fatalf("right code after a wrong one: %v", err)
		}
		want := []string{"citizen.signin_failed " + masked + " wrong", "citizen.signin " + masked}
		if diff := cmp.Diff(want, e.auditEvents(t)); diff != "" {
			t.Errorf("audit (-want +got):\n%s", diff)
		}
	})
}

func TestAttemptsExhausted(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		e := newEnv(t, d)
		code := e.request(t, phone, ip)
		var last *apperr.Error
		for i := range 5 {
			_, _, err := e.svc.Verify(e.ctx, phone, wrongCode(code), ip)
			last = wantErr(t, err, apperr.Invalid, "code")
			if i < 4 && last.Code != "citizen.code_wrong" {
				t.Errorf("attempt %d: code %s, want citizen.code_wrong", i+1, last.Code)
			}
		}
		if last.Code != "citizen.code_exhausted" {
			t.Errorf("fifth wrong attempt: %s, want citizen.code_exhausted", last.Code)
		}
		_, _, err := e.svc.Verify(e.ctx, phone, code, ip)
		if ae := wantErr(t, err, apperr.Invalid, "code"); ae.Code != "citizen.code_exhausted" {
			t.Errorf("right code after five wrong: %s, want citizen.code_exhausted", ae.Code)
		}
		// A new code starts afresh.
		e.clock.Advance(time.Minute)
		if _, _, err := e.svc.Verify(e.ctx, phone, e.request(t, phone, ip), ip); err != nil {
			t.Fatalf("new code: %v", err)
		}
	})
}

func TestCodeExpiry(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		e := newEnv(t, d)
		code := e.request(t, phone, ip)
		e.clock.Advance(10 * time.Minute)
		_, _, err := e.svc.Verify(e.ctx, phone, code, ip)
		if ae := wantErr(t, err, apperr.Invalid, "code"); ae.Code != "citizen.code_expired" {
			t.Errorf("expired code: %s", ae.Code)
		}
		code = e.request(t, phone, ip)
		e.clock.Advance(10*time.Minute - time.Second)
		if _, _, err := e.svc.Verify(e.ctx, phone, code, ip); err != nil {
			t.Fatalf("code one second before expiry: %v", err)
		}
		want := []string{"citizen.signin_failed " + masked + " expired", "citizen.signin " + masked}
		if diff := cmp.Diff(want, e.auditEvents(t)); diff != "" {
			t.Errorf("audit (-want +got):\n%s", diff)
		}
	})
}

func TestCodeSingleUse(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		e := newEnv(t, d)
		first := e.request(t, phone, ip)
		e.clock.Advance(time.Minute)
		second := e.request(t, phone, ip)
		if first != second {
			// Only the newest code counts (unless chance made them equal).
			_, _, err := e.svc.Verify(e.ctx, phone, first, ip)
			wantErr(t, err, apperr.Invalid, "code")
		}
		if _, _, err := e.svc.Verify(e.ctx, phone, second, ip); err != nil {
			t.Fatal(err)
		}
		_, _, err := e.svc.Verify(e.ctx, phone, second, ip)
		if ae := wantErr(t, err, apperr.Invalid, "code"); ae.Code != "citizen.code_expired" {
			t.Errorf("reused code: %s", ae.Code)
		}
		// Another number never had a code.
		_, _, err = e.svc.Verify(e.ctx, "13900001111", second, ip)
		wantErr(t, err, apperr.Invalid, "code")
		events := e.auditEvents(t)
		if got := events[len(events)-2:]; !cmp.Equal(got, []string{"citizen.signin_failed " + masked + " used",
			"citizen.signin_failed 139****1111 no_code"}) {
			t.Errorf("audit ends %q", got)
		}
	})
}

func TestBadCodeCostsNoAttempt(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		e := newEnv(t, d)
		code := e.request(t, phone, ip)
		for _, bad := range []string{"", "12345", "1234567", "12a456", "１２３４５"} {
			for range 2 {
				_, _, err := e.svc.Verify(e.ctx, phone, bad, ip)
				if ae := wantErr(t, err, apperr.Invalid, "code"); ae.Code != "citizen.code_format" {
					t.Errorf("code %q: %s, want citizen.code_format", bad, ae.Code)
				}
			}
		}
		// Full-width digits from a Chinese input method are the same code.
		wide := strings.Map(func(r rune) rune { return r - '0' + '０' }, code)
		if _, _, err := e.svc.Verify(e.ctx, phone, wide, ip); err != nil {
			t.Fatalf("full-width code after ten malformed ones: %v", err)
		}
	})
}
