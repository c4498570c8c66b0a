package meals

import (
	"context"
	"database/sql"
	"errors"
	"sync"

	"github.com/minzheng/minzheng/internal/apperr"
	"github.com/minzheng/minzheng/internal/db"
)

// The canteens and menu items the counter prices with, kept in memory so that a meal reads
// neither, and checked against what the meal's own lock statement read so that no change is
// missed.

// counterCache keeps the canteens and menu items the counter has priced meals with, so that a
// meal reads neither. Each meal's lock statement reads the canteen's version and the item's
// updated_at and live price (its price while active, else 0) with the diner, and lookup reads
// again whatever no longer matches, within the meal's transaction: a change made by any process
// is seen by the next meal, and nothing relies on every writer remembering to clear a cache. It
// relies on what the stores do: a change to a canteen bumps its version (UpdateCanteen), and an
// item's name and meal type are never edited (an item no longer offered is made inactive). The
// zero value is ready.
type counterCache struct {
	mu       sync.RWMutex
	canteens map[int64]*Canteen
	items    map[int64]cachedItem
}

// cachedItem is a menu item with the updated_at it was read at, which tells whether the copy
// still holds.
type cachedItem struct {
	item  *MenuItem
	stamp string
}

// maxCounterCache bounds each map; a city has a few thousand canteens and their menus.
const maxCounterCache = 100000

// lookup returns canteen cid and item itemID as stored now, given the canteen's version and the
// item's stamp and live price just read in q's transaction. The values returned are shared:
// callers only read them.
func (c *counterCache) lookup(ctx context.Context, q db.Querier, cid int64, version int, itemID int64, stamp string,
	live int64) (*Canteen, *MenuItem, error) {
	c.mu.RLock()
	can, it := c.canteens[cid], c.items[itemID]
	c.mu.RUnlock()
	var err error
	if can == nil || can.Version != version {
		can, err = scanCanteen(q.QueryRow(ctx, `SELECT `+canteenColumns+` FROM canteens WHERE id = ?`, cid))
		if errors.Is(err, sql.ErrNoRows) {
			return nil, nil, apperr.Msg(apperr.NotFound, "meals.canteen_notfound")
		}
		if err != nil {
			return nil, nil, err
		}
		c.mu.Lock()
		if c.canteens == nil || len(c.canteens) >= maxCounterCache {
			c.canteens = map[int64]*Canteen{}
		}
		c.canteens[cid] = can
		c.mu.Unlock()
	}
	if it.item == nil || it.stamp != stamp || livePrice(it.item) != live {
		var m MenuItem
		err := q.QueryRow(ctx, `SELECT id, canteen_id, name, meal_type, price_fen, active, updated_at FROM menu_items
			WHERE id = ?`, itemID).Scan(&m.ID, &m.CanteenID, &m.Name, &m.MealType, &m.Price, &m.Active, &it.stamp)
		if errors.Is(err, sql.ErrNoRows) || err == nil && m.CanteenID != cid {
			return nil, nil, apperr.Msg(apperr.NotFound, "meals.item_notfound")
		}
		if err != nil {
			return nil, nil, err
		}
		it.item = &m
		c.mu.Lock()
		if c.items == nil || len(c.items) >= maxCounterCache {
			c.items = map[int64]cachedItem{}
		}
		c.items[itemID] = it
		c.mu.Unlock()
	}
	if it.item.CanteenID != cid {
		return nil, nil, apperr.Msg(apperr.NotFound, "meals.item_notfound")
	}
	return can, it.item, nil
}

// livePrice is what the lock statement reads of an item: its price while active, else 0.
func livePrice(m *MenuItem) int64 {
	if !m.Active {
		return 0
	}
	return int64(m.Price)
}
