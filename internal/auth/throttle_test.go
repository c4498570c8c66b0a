package auth_test

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/minzheng/minzheng/internal/apperr"
	"github.com/minzheng/minzheng/internal/audit"
	"github.com/minzheng/minzheng/internal/db"
	"github.com/minzheng/minzheng/internal/db/dbtest"
)

// fail makes n failed log-ins for login from ip.
func (e *env) fail(t *testing.T, n int, login, ip string) {
	t.Helper()
	for i := range n {
		_, _, err := e.svc.Login(e.ctx, login, "Wrong2024password", ip, "")
		if apperr.KindOf(err) != apperr.Unauthenticated {
			t.Fatalf("failure %d of %s from %s: %v, want Unauthenticated", i+1, login, ip, err)
		}
	}
}

// try logs in with the right password and returns the error kind (Internal for success).
func (e *env) try(t *testing.T, login, ip string) apperr.Kind {
	t.Helper()
	_, _, err := e.svc.Login(e.ctx, login, testPassword, ip, "")
	if err == nil {
		return apperr.Internal
	}
	if k := apperr.KindOf(err); k == apperr.TooMany || k == apperr.Unauthenticated {
		return k
	}
	t.Fatalf("login %s: %v", login, err)
	return 0
}

func TestThrottlePerAccount(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		e := newEnv(t, d)
		if e.svc.Throttle.PerAccount != 5 || e.svc.Throttle.Window != 15*time.Minute {
			t.Fatalf("default throttle = %+v", e.svc.Throttle)
		}
		// From several addresses, so only the per-account count can block.
		for i := range 5 {
			e.fail(t, 1, "zhonghan", fmt.Sprintf("10.1.0.%d", i))
		}
		_, _, err := e.svc.Login(e.ctx, "zhonghan", testPassword, "10.1.1.1", "")
		wantErr(t, err, apperr.TooMany, "")
		if !strings.Contains(apperr.As(err).Message, "15") {
			t.Errorf("throttle message %q does not say how long to wait", apperr.As(err).Message)
		}
		if got := e.auditActions(t, audit.Filter{Action: "auth.login_throttled"}); len(got) != 1 {
			t.Errorf("auth.login_throttled events = %v, want 1", got)
		}
		if k := e.try(t, "laoshan", "10.1.1.1"); k != apperr.Internal {
			t.Errorf("another account from the same address: kind %d, want success", k)
		}
		e.clock.Advance(14 * time.Minute)
		if k := e.try(t, "zhonghan", "10.1.1.1"); k != apperr.TooMany {
			t.Errorf("within the window: kind %d, want TooMany", k)
		}
		e.clock.Advance(time.Minute + time.Second)
		if k := e.try(t, "zhonghan", "10.1.1.1"); k != apperr.Internal {
			t.Errorf("after the window: kind %d, want success", k)
		}
	})
}

func TestThrottleSlidingWindow(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		e := newEnv(t, d)
		e.fail(t, 4, "zhonghan", "10.2.0.1")
		e.clock.Advance(10 * time.Minute)
		e.fail(t, 1, "zhonghan", "10.2.0.1")
		if k := e.try(t, "zhonghan", "10.2.0.1"); k != apperr.TooMany {
			t.Fatalf("5 failures within 15 minutes: kind %d, want TooMany", k)
		}
		e.clock.Advance(6 * time.Minute) // the first four are now older than the window
		if k := e.try(t, "zhonghan", "10.2.0.1"); k != apperr.Internal {
			t.Errorf("1 failure within the window: kind %d, want success", k)
		}
	})
}

func TestThrottleSuccessClears(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		e := newEnv(t, d)
		e.fail(t, 4, "zhonghan", "10.3.0.1")
		if k := e.try(t, "zhonghan", "10.3.0.1"); k != apperr.Internal {
			t.Fatalf("after 4 failures: kind %d, want success", k)
		}
		e.fail(t, 4, "zhonghan", "10.3.0.1")
		if k := e.try(t, "zhonghan", "10.3.0.1"); k != apperr.Internal {
			t.Errorf("4 failures after a success: kind %d, want success", k)
		}
		e.fail(t, 5, "zhonghan", "10.3.0.1")
		if k := e.try(t, "zhonghan", "10.3.0.1"); k != apperr.TooMany {
			t.Errorf("5 failures after a success: kind %d, want TooMany", k)
		}
	})
}

func TestThrottlePerAddress(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		e := newEnv(t, d)
		const ip = "203.0.113.7"
		for i := range 20 {
			e.fail(t, 1, fmt.Sprintf("guess%02d", i), ip)
		}
		if k := e.try(t, "laoshan", ip); k != apperr.TooMany {
			t.Errorf("21st attempt from %s: kind %d, want TooMany", ip, k)
		}
		if k := e.try(t, "laoshan", "203.0.113.8"); k != apperr.Internal {
			t.Errorf("same account from another address: kind %d, want success", k)
		}
		e.clock.Advance(15*time.Minute + time.Second)
		if k := e.try(t, "laoshan", ip); k != apperr.Internal {
			t.Errorf("after the window: kind %d, want success", k)
		}
	})
}
