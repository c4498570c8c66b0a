package meals

import (
	"context"
	"fmt"
	"time"

	"github.com/minzheng/minzheng/internal/apperr"
	"github.com/minzheng/minzheng/internal/audit"
	"github.com/minzheng/minzheng/internal/auth"
	"github.com/minzheng/minzheng/internal/civil"
	"github.com/minzheng/minzheng/internal/db"
)

// Loading meals served in the past (the demo city's month, or a bureau's records from the system
// it leaves): the entry point, and the checks that refuse a load before anything is written.

// HistoricMeal is a meal served in the past, for loading history: the demo city's month of
// meals, or the records of a system a bureau migrates from.
type HistoricMeal struct {
	CanteenID, DinerID, MenuItemID int64
	// At is when the meal was served; its day in China is the meal's day.
	At time.Time
	// Channel is counter or online; empty means counter.
	Channel string
}

// HistoryKey is the idempotency key a historic meal is recorded under: one meal of a type per
// diner, day and canteen, so that loading the same history again inserts nothing.
func HistoryKey(day civil.Date, dinerID int64, mealType string) string {
	return fmt.Sprintf("%s%s-%d-%s", historyKeyPrefix, day, dinerID, mealType)
}

// RecordHistory records meals served in the past and returns how many were new. Each is priced
// exactly as Serve prices a meal at the counter on that day — the policy in force then for the
// canteen's region, the diner's age on the day, one subsidised meal a day counting the diner's
// meals already recorded and their live online orders, and the flags for a deceased diner and a
// day the canteen is closed — in the order the meals were served. Meals already recorded under
// their key (HistoryKey) are left as they are.
//
// A meal that Serve would refuse (unknown or closed canteen, an item of another canteen or off
// the menu, a diner who left, a day still to come) refuses the whole load, naming the meal:
// nothing is written. Everything is one transaction, inserted many rows at a time.
func (s *Store) RecordHistory(ctx context.Context, meals []HistoricMeal) (int, error) {
	if len(meals) == 0 {
		return 0, nil
	}
	h := &historyLoad{s: s, meals: meals, today: s.today()}
	if err := h.check(ctx); err != nil {
		return 0, err
	}
	n := 0
	err := s.DB.InTx(ctx, func(tx *db.Tx) error {
		rows, err := h.price(ctx, tx)
		if err != nil {
			return err
		}
		if n, err = insertHistory(ctx, tx, rows); err != nil {
			return err
		}
		if n > 0 { // the statistics of the meals' past days are summed again (stats_summary.go)
			days := make([]civil.Date, len(rows))
			for i, pm := range rows {
				days[i] = pm.day
			}
			if err := s.statsTouched(ctx, tx, days...); err != nil {
				return err
			}
		}
		p := auth.System()
		_, err = s.Audit.Append(ctx, tx, audit.Event{Actor: p.Login, Role: string(p.Role), Action: "meals.history.load",
			TargetType: "meal_transactions", Detail: map[string]any{"meals": len(meals), "new": n,
				"from": h.from.String(), "to": h.to.String()}})
		return err
	})
	return n, err
}

// historyLoad is one load on its way in: the meals, what they refer to, and their days.
type historyLoad struct {
	s        *Store
	meals    []HistoricMeal
	today    civil.Date
	from, to civil.Date
	canteens map[int64]*Canteen
	items    map[int64]*MenuItem
}

// histRowError names meal i (counting from 1, as a person reads a list) in an error of the kind and
// message of err.
func histRowError(i int, err error) error {
	e := apperr.As(err)
	return apperr.Msg(e.Kind, "meals.stats.history_row", i+1, e.Message)
}

// check validates every meal against what Serve would refuse, except the diner, whose row is
// read under its lock in the transaction.
func (h *historyLoad) check(ctx context.Context) error {
	var canteenIDs, itemIDs []int64
	for i, m := range h.meals {
		if m.Channel == "" {
			h.meals[i].Channel = ChannelCounter
		} else if m.Channel != ChannelCounter && m.Channel != ChannelOnline {
			return histRowError(i, apperr.FieldMsg("channel", "meals.stats.history_channel"))
		}
		day := civil.Today(m.At)
		if m.At.IsZero() || day.After(h.today) {
			return histRowError(i, apperr.FieldMsg("at", "meals.stats.history_day"))
		}
		if i == 0 || day.Before(h.from) {
			h.from = day
		}
		if i == 0 || day.After(h.to) {
			h.to = day
		}
		canteenIDs, itemIDs = append(canteenIDs, m.CanteenID), append(itemIDs, m.MenuItemID)
	}
	var err error
	if h.canteens, err = histByIDs(ctx, h.s.DB, `SELECT `+canteenColumns+` FROM canteens`, canteenIDs, histScanCanteen); err != nil {
		return err
	}
	if h.items, err = histByIDs(ctx, h.s.DB, `SELECT id, canteen_id, name, meal_type, price_fen, active FROM menu_items`, itemIDs,
		histScanItem); err != nil {
		return err
	}
	for i, m := range h.meals {
		c, it := h.canteens[m.CanteenID], h.items[m.MenuItemID]
		switch {
		case c == nil:
			return histRowError(i, apperr.Msg(apperr.NotFound, "meals.canteen_notfound"))
		case c.Status != CanteenOpen:
			return histRowError(i, apperr.Msg(apperr.Conflict, "meals.canteen_closed"))
		case it == nil || it.CanteenID != c.ID:
			return histRowError(i, apperr.Msg(apperr.NotFound, "meals.item_notfound"))
		case !it.Active:
			return histRowError(i, apperr.Msg(apperr.Conflict, "meals.item_inactive"))
		}
	}
	return nil
}
