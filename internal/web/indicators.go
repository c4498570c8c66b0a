package web

import (
	"context"
	"sync"
	"time"
)

// indicatorTTL is how long the home page reuses a count: counting a city's households takes
// seconds, and figures a minute old serve an overview well.
const indicatorTTL = time.Minute

// cached wraps an indicator's count so that each (region) figure is worked out at most once a
// minute per process; a failed count is not kept.
func cached(now func() time.Time, count func(ctx context.Context, parent string) (map[string]int, error)) func(ctx context.Context, parent string) (map[string]int, error) {
	type entry struct {
		at     time.Time
		values map[string]int
	}
	var mu sync.Mutex
	cache := map[string]entry{}
	return func(ctx context.Context, parent string) (map[string]int, error) {
		mu.Lock()
		e, ok := cache[parent]
		mu.Unlock()
		if ok && now().Sub(e.at) < indicatorTTL {
			return e.values, nil
		}
		values, err := count(ctx, parent)
		if err != nil {
			return nil, err
		}
		mu.Lock()
		cache[parent] = entry{at: now(), values: values}
		mu.Unlock()
		return values, nil
	}
}
