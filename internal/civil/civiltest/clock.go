// Package civiltest gives tests a clock they move by hand: deadlines, months and settlement
// cycles depend on the injected clock, and a test steps through them without waiting.
package civiltest

import (
	"sync"
	"time"

	"github.com/minzheng/minzheng/internal/civil"
)

// Clock is a fake clock, safe for the concurrent use a store's goroutines make of it.
type Clock struct {
	mu sync.Mutex
	t  time.Time
}

// NewClock returns a clock at 10:00 China time on d.
func NewClock(d civil.Date) *Clock {
	c := &Clock{}
	c.To(d)
	return c
}

// Now is the clock's time: pass c.Now as a store's clock.
func (c *Clock) Now() time.Time { c.mu.Lock(); defer c.mu.Unlock(); return c.t }

// AdvanceDays moves the clock n calendar days on.
func (c *Clock) AdvanceDays(n int) { c.mu.Lock(); c.t = c.t.AddDate(0, 0, n); c.mu.Unlock() }

// To sets the clock to 10:00 China time on date d.
func (c *Clock) To(d civil.Date) {
	c.mu.Lock()
	c.t = time.Date(d.Year, d.Month, d.Day, 10, 0, 0, 0, civil.China)
	c.mu.Unlock()
}
