package meals

import (
	"cmp"
	"context"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/minzheng/minzheng/internal/apperr"
	"github.com/minzheng/minzheng/internal/audit"
	"github.com/minzheng/minzheng/internal/auth"
	"github.com/minzheng/minzheng/internal/civil"
	"github.com/minzheng/minzheng/internal/db"
)

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

// historyBatch is how many meals one INSERT carries: 18 values each stays well under the
// parameter limits of both engines (SQLite 32,766; PostgreSQL 65,535).
const historyBatch = 500

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

// histMeal is a meal priced and ready to insert.
type histMeal struct {
	m     HistoricMeal
	day   civil.Date
	c     *Canteen
	item  *MenuItem
	diner int64
	q     Quote
	key   string
}

// price locks and reads the diners, leaves out meals already recorded, and prices the rest in
// the order they were served, counting each diner's subsidised meals of the day as Serve does.
func (h *historyLoad) price(ctx context.Context, tx *db.Tx) ([]histMeal, error) {
	dinerIDs := make([]int64, 0, len(h.meals))
	for _, m := range h.meals {
		dinerIDs = append(dinerIDs, m.DinerID)
	}
	diners, err := histByIDs(ctx, tx, `UPDATE diners SET version = version`, dinerIDs, histScanDiner, ` RETURNING `+dinerColumns)
	if err != nil {
		return nil, err
	}
	done, subsidised, err := h.recorded(ctx, tx, dinerIDs)
	if err != nil {
		return nil, err
	}
	order := make([]int, len(h.meals))
	for i := range order {
		order[i] = i
	}
	slices.SortStableFunc(order, func(a, b int) int { return h.meals[a].At.Compare(h.meals[b].At) })
	out := make([]histMeal, 0, len(h.meals))
	for _, i := range order {
		m := h.meals[i]
		d := diners[m.DinerID]
		switch {
		case d == nil:
			return nil, histRowError(i, apperr.Msg(apperr.NotFound, "meals.diner_notfound"))
		case d.Status == DinerLeft:
			return nil, histRowError(i, apperr.Msg(apperr.Conflict, "meals.diner_left"))
		}
		pm := histMeal{m: m, day: civil.Today(m.At), c: h.canteens[m.CanteenID], item: h.items[m.MenuItemID], diner: d.ID}
		pm.key = HistoryKey(pm.day, d.ID, pm.item.MealType)
		if done[histKeyOf(pm.c.ID, pm.key)] {
			continue
		}
		done[histKeyOf(pm.c.ID, pm.key)] = true
		today := histDinerDay{d.ID, pm.day}
		pm.q = h.s.quote(d, pm.c, pm.item, pm.day, subsidised[today])
		if d.Status == DinerDeceased {
			pm.q.Flags = append(pm.q.Flags, FlagDeceased)
		}
		if !pm.c.OpensOn(pm.day) {
			pm.q.Flags = append(pm.q.Flags, FlagClosedDay)
		}
		if pm.q.DinerPays < pm.q.Price {
			subsidised[today]++
		}
		out = append(out, pm)
	}
	return out, nil
}

// histDinerDay is one diner on one day.
type histDinerDay struct {
	diner int64
	day   civil.Date
}

func histKeyOf(canteen int64, key string) string { return itoa(canteen) + "/" + key }

// recorded reads, for the diners of the load over its days, the keys of the meals already
// recorded and how many subsidised meals each diner has had or ordered each day: the meals
// served with a subsidy, and the live online orders with one, as Serve counts them.
func (h *historyLoad) recorded(ctx context.Context, tx *db.Tx, dinerIDs []int64) (map[string]bool, map[histDinerDay]int, error) {
	done, subsidised := map[string]bool{}, map[histDinerDay]int{}
	ids := histUnique(dinerIDs)
	for start := 0; start < len(ids); start += historyBatch {
		chunk := ids[start:min(start+historyBatch, len(ids))]
		in, args := histInList(chunk)
		args = append(args, h.from.String(), h.to.String())
		rows, err := tx.Query(ctx, `SELECT canteen_id, idempotency_key, diner_id, served_on,
			CASE WHEN status = 'served' AND diner_pays_fen < price_fen THEN 1 ELSE 0 END
			FROM meal_transactions WHERE diner_id IN `+in+` AND served_on >= ? AND served_on <= ?`, args...)
		if err != nil {
			return nil, nil, err
		}
		for rows.Next() {
			var canteen int64
			var key string
			var dd histDinerDay
			var sub int
			if err := rows.Scan(&canteen, &key, &dd.diner, &dd.day, &sub); err != nil {
				rows.Close()
				return nil, nil, err
			}
			done[histKeyOf(canteen, key)] = true
			subsidised[dd] += sub
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return nil, nil, err
		}
		rows, err = tx.Query(ctx, `SELECT diner_id, meal_day, COUNT(*) FROM meal_orders WHERE diner_id IN `+in+`
			AND meal_day >= ? AND meal_day <= ? AND status IN ('placed', 'paid') AND diner_pays_fen < price_fen
			GROUP BY diner_id, meal_day`, args...)
		if err != nil {
			return nil, nil, err
		}
		for rows.Next() {
			var dd histDinerDay
			var n int
			if err := rows.Scan(&dd.diner, &dd.day, &n); err != nil {
				rows.Close()
				return nil, nil, err
			}
			subsidised[dd] += n
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return nil, nil, err
		}
	}
	return done, subsidised, nil
}

// insertHistory inserts the priced meals many rows at a time and returns how many were new.
func insertHistory(ctx context.Context, tx *db.Tx, meals []histMeal) (int, error) {
	const row = `(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 'served', ?, ?)`
	n := 0
	for start := 0; start < len(meals); start += historyBatch {
		chunk := meals[start:min(start+historyBatch, len(meals))]
		args := make([]any, 0, len(chunk)*18)
		for _, pm := range chunk {
			by := histSources(pm.q.Shares)
			args = append(args, pm.c.ID, pm.diner, pm.item.ID, pm.c.RegionCode, pm.item.MealType, pm.day.String(),
				int64(pm.q.Price), int64(pm.q.DinerPays), by[0], by[1], by[2], pm.q.PolicyID, pm.q.Rule, pm.q.Reason,
				joinList(pm.q.Flags), pm.m.Channel, pm.key, db.FormatTime(pm.m.At))
		}
		res, err := tx.Exec(ctx, `INSERT INTO meal_transactions (canteen_id, diner_id, menu_item_id, region_code, meal_type,
			served_on, price_fen, diner_pays_fen, city_fen, district_fen, street_fen, policy_id, rule, reason, flags, channel,
			status, idempotency_key, created_at) VALUES `+strings.TrimSuffix(strings.Repeat(row+", ", len(chunk)), ", ")+`
			ON CONFLICT (canteen_id, idempotency_key) DO NOTHING`, args...)
		if err != nil {
			return n, err
		}
		k, err := res.RowsAffected()
		if err != nil {
			return n, err
		}
		n += int(k)
	}
	return n, nil
}

// histSources adds up a quote's shares per funding source: city, district, street.
func histSources(shares []Share) [3]int64 {
	var by [3]int64
	for _, sh := range shares {
		switch sh.Source {
		case SourceCity:
			by[0] += int64(sh.Amount)
		case SourceDistrict:
			by[1] += int64(sh.Amount)
		case SourceStreet:
			by[2] += int64(sh.Amount)
		}
	}
	return by
}

// histByIDs reads the rows of ids (each once, in chunks) with query + " WHERE id IN (…)" + suffix,
// keyed by id.
func histByIDs[T any](ctx context.Context, q db.Querier, query string, ids []int64, scan func(interface{ Scan(...any) error }) (int64, *T, error),
	suffix ...string) (map[int64]*T, error) {
	out := map[int64]*T{}
	ids = histUnique(ids)
	for start := 0; start < len(ids); start += historyBatch {
		in, args := histInList(ids[start:min(start+historyBatch, len(ids))])
		rows, err := q.Query(ctx, query+` WHERE id IN `+in+strings.Join(suffix, ""), args...)
		if err != nil {
			return nil, err
		}
		for rows.Next() {
			id, v, err := scan(rows)
			if err != nil {
				rows.Close()
				return nil, err
			}
			out[id] = v
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return nil, err
		}
	}
	return out, nil
}

func histScanCanteen(r interface{ Scan(...any) error }) (int64, *Canteen, error) {
	c, err := scanCanteen(r)
	if err != nil {
		return 0, nil, err
	}
	return c.ID, c, nil
}

func histScanItem(r interface{ Scan(...any) error }) (int64, *MenuItem, error) {
	var it MenuItem
	err := r.Scan(&it.ID, &it.CanteenID, &it.Name, &it.MealType, &it.Price, &it.Active)
	return it.ID, &it, err
}

func histScanDiner(r interface{ Scan(...any) error }) (int64, *DinerRecord, error) {
	d, err := scanDiner(r)
	if err != nil {
		return 0, nil, err
	}
	return d.ID, d, nil
}

// histUnique is ids sorted without repeats.
func histUnique(ids []int64) []int64 {
	out := slices.Clone(ids)
	slices.SortFunc(out, cmp.Compare[int64])
	return slices.Compact(out)
}

// histInList is "(?, ?, …)" for ids and the ids as arguments.
func histInList(ids []int64) (string, []any) {
	args := make([]any, len(ids))
	for i, id := range ids {
		args[i] = id
	}
	return "(" + strings.TrimSuffix(strings.Repeat("?, ", len(ids)), ", ") + ")", args
}
