package citizen_test

import (
	"context"
	"sync"
	"time"
)

// clock is a controllable Now for the service and the audit log.
type clock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *clock) Advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = c.t.Add(d)
}

// sent is one code the recording sender was asked to deliver.
type sent struct{ phone, code string }

// recorder is a Sender that remembers every code instead of sending it, and fails when err is set.
type recorder struct {
	mu   sync.Mutex
	sent []sent
	err  error
}

func (r *recorder) Send(_ context.Context, phone, code string) error {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.sent = append(r.sent, sent{phone, code})
	return r.err
}

func (r *recorder) count() int {
	r.mu.Lock()
	defer r.mu.Unlock()
	return len(r.sent)
}
