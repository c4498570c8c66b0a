package citizen_test

import (
	"sync"
	"testing"
	"time"

	"github.com/minzheng/minzheng/internal/db"
	"github.com/minzheng/minzheng/internal/db/dbtest"
)

// TestConcurrentGuesses checks the limits under simultaneous requests, which on PostgreSQL run
// in parallel transactions: no more than MaxAttempts tries of one code, and one sign-in per code.
func TestConcurrentGuesses(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		e := newEnv(t, d)
		code := e.request(t, phone, ip)
		run := func(n int, guess string) (ok int) {
			var mu sync.Mutex
			var wg sync.WaitGroup
			for range n {
				wg.Go(func() {
					_, _, err := e.svc.Verify(e.ctx, phone, guess, ip)
					mu.Lock()
					defer mu.Unlock()
					if err == nil {
						ok++
					}
				})
			}
			wg.Wait()
			return ok
		}
		run(20, wrongCode(code))
		var attempts int
		if err := d.QueryRow(e.ctx, `SELECT attempts FROM citizen_codes`).Scan(&attempts); err != nil {
			t.Fatal(err)
		}
		if attempts != 5 {
			t.Errorf("code tried %d times by 20 guesses, want the limit 5", attempts)
		}
		if ok := run(1, code); ok != 0 {
			t.Errorf("the right code worked after the attempts were spent")
		}
		e.clock.Advance(time.Minute)
		if ok := run(10, e.request(t, phone, ip)); ok != 1 {
			t.Errorf("%d sign-ins with one code, want 1", ok)
		}
		e.chainIntact(t)
	})
}
