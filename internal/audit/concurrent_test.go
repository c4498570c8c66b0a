package audit

import (
	"context"
	"sync"
	"testing"

	"github.com/minzheng/minzheng/internal/db"
	"github.com/minzheng/minzheng/internal/db/dbtest"
)

func TestAppendConcurrent(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		const workers, each = 8, 25
		l := &Log{} // the real clock: concurrent appends must not depend on a test clock
		var wg sync.WaitGroup
		errs := make(chan error, workers*each)
		for w := range workers {
			wg.Go(func() {
				for i := range each {
					e := event(w*each + i)
					// Half append inside a caller's transaction, half through Record.
					var err error
					if i%2 == 0 {
						_, err = l.Record(context.Background(), d, e)
					} else {
						err = d.InTx(context.Background(), func(tx *db.Tx) error {
							_, err := l.Append(context.Background(), tx, e)
							return err
						})
					}
					if err != nil {
						errs <- err
					}
				}
			})
		}
		wg.Wait()
		close(errs)
		for err := range errs {
			t.Errorf("append: %v", err)
		}
		res := mustVerify(t, d)
		if !res.OK || res.Checked != workers*each {
			t.Errorf("Verify after concurrent appends: %+v", res)
		}
	})
}

// TestVerifyWhileAppending runs Verify beside live appends: rows committed while it walks are
// neither mistaken for deletions nor for rows forged beyond the head.
func TestVerifyWhileAppending(t *testing.T) {
	smallPages(t, 16)
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		l := &Log{}
		seed(t, l, d, 50)
		stop := make(chan struct{})
		var wg sync.WaitGroup
		for w := range 3 {
			wg.Go(func() {
				for i := 0; ; i++ {
					select {
					case <-stop:
						return
					default:
					}
					if _, err := l.Record(ctx, d, event(w*1000+i)); err != nil {
						t.Errorf("append: %v", err)
						return
					}
				}
			})
		}
		for range 20 {
			if res := mustVerify(t, d); !res.OK {
				t.Errorf("Verify during appends: %+v", res)
				break
			}
		}
		close(stop)
		wg.Wait()
		if res := mustVerify(t, d); !res.OK {
			t.Errorf("Verify after appends: %+v", res)
		}
	})
}
