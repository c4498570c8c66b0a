package citizen_test

import (
	"errors"
	"fmt"
	"io"
	"log/slog"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/minzheng/minzheng/internal/apperr"
	"github.com/minzheng/minzheng/internal/citizen"
	"github.com/minzheng/minzheng/internal/db"
	"github.com/minzheng/minzheng/internal/db/dbtest"
)

// refused checks that a code request is TooMany with a message naming minutes.
func (e *env) refused(t *testing.T, p, from, minutes string) {
	t.Helper()
	n := e.sender.count()
	ae := wantErr(t, e.svc.RequestCode(e.ctx, p, from), apperr.TooMany, "")
	if !strings.Contains(ae.Message, minutes+" 分钟") {
		t.Errorf("message %q does not say %s minutes", ae.Message, minutes)
	}
	if e.sender.count() != n {
		t.Errorf("a refused request sent a code")
	}
}

func TestThrottlePerPhone(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		e := newEnv(t, d)
		e.request(t, phone, ip)
		e.refused(t, phone, "10.9.9.9", "1") // a double tap, even from elsewhere
		for i := range 4 {
			e.clock.Advance(time.Minute)
			e.request(t, phone, fmt.Sprintf("10.0.1.%d", i))
		}
		e.clock.Advance(5 * time.Minute)
		// Five codes in the last nine minutes: the first leaves the hour in 51 minutes.
		e.refused(t, phone, "10.0.2.1", "51")
		e.request(t, "13900001111", ip) // another number is not affected
		e.clock.Advance(51 * time.Minute)
		e.request(t, phone, ip)
		// The day: five more codes, each an hour apart, reach ten.
		for range 4 {
			e.clock.Advance(time.Hour)
			e.request(t, phone, ip)
		}
		e.clock.Advance(time.Hour)
		e.refused(t, phone, ip, "1080") // the first code, 6 hours old, leaves the day in 18
		events := e.auditEvents(t)
		want := []string{
			"citizen.code_throttled " + masked + " phone_resend",
			"citizen.code_throttled " + masked + " phone_hour",
			"citizen.code_throttled " + masked + " phone_day",
		}
		if diff := cmp.Diff(want, events); diff != "" {
			t.Errorf("audit (-want +got):\n%s", diff)
		}
	})
}

func TestThrottlePerAddress(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		e := newEnv(t, d)
		e.svc.Rules.MaxCodesPerIPPerHour = 3
		for i := range 3 {
			e.request(t, fmt.Sprintf("1390000%04d", i), ip)
		}
		e.refused(t, "13900009999", ip, "60")
		e.request(t, "13900009999", "10.0.0.2")
		e.clock.Advance(time.Hour)
		e.request(t, "13900008888", ip)
	})
}

func TestBadPhone(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		e := newEnv(t, d)
		for _, p := range []string{"", "1381234567", "138123456789", "12812345678", "0532-88886666",
			"+86 532 8888 6666", "138a1234567", "138.1234.5678", strings.Repeat("1", 100)} {
			ae := wantErr(t, e.svc.RequestCode(e.ctx, p, ip), apperr.Invalid, "phone")
			if ae.Code != "citizen.phone_invalid" {
				t.Errorf("RequestCode(%q): %s", p, ae.Code)
			}
			_, _, err := e.svc.Verify(e.ctx, p, "123456", ip)
			wantErr(t, err, apperr.Invalid, "phone")
		}
		if n := e.sender.count(); n != 0 {
			t.Errorf("%d codes sent to bad numbers", n)
		}
		events := e.auditEvents(t)
		if len(events) != 9 || events[0] != "citizen.signin_failed anonymous phone" {
			t.Errorf("audit = %q, want 9 anonymous failures", events)
		}
	})
}

func TestSendFailure(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		e := newEnv(t, d)
		gateway := errors.New("gateway timeout")
		e.sender.err = gateway
		err := e.svc.RequestCode(e.ctx, phone, ip)
		ae := wantErr(t, err, apperr.Internal, "")
		if ae.Code != "citizen.send_failed" || !errors.Is(err, gateway) {
			t.Errorf("err = %v (code %s), want citizen.send_failed wrapping the gateway's error", err, ae.Code)
		}
		if strings.Contains(err.Error(), phone) {
			t.Errorf("error %q shows the full number", err)
		}
		// The code may have arrived: it counts against the limits.
		e.sender.err = nil
		e.refused(t, phone, ip, "1")
	})
}

func TestZeroRulesMeanDefaults(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		e := newEnv(t, d)
		e.svc.Rules = citizen.Rules{}
		e.svc.Now = nil // the real clock
		e.svc.Audit.Now = nil
		e.request(t, phone, ip)
		e.refused(t, phone, ip, "1")
	})
}

func TestLogSender(t *testing.T) {
	var b strings.Builder
	s := citizen.LogSender{Log: slogTo(&b)}
	if err := s.Send(t.Context(), phone, "123456"); err != nil {
		t.Fatal(err)
	}
	if out := b.String(); !strings.Contains(out, "123456") || !strings.Contains(out, masked) || strings.Contains(out, phone) {
		t.Errorf("log = %q, want the code and only the masked number", out)
	}
}

func slogTo(w io.Writer) *slog.Logger { return slog.New(slog.NewTextHandler(w, nil)) }
