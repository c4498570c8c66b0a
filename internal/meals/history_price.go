package meals

import (
	"context"
	"slices"

	"github.com/minzheng/minzheng/internal/apperr"
	"github.com/minzheng/minzheng/internal/civil"
	"github.com/minzheng/minzheng/internal/db"
)

// Pricing loaded history as the counter would have priced it on the day: the diners locked, the
// meals already recorded left out, and each diner's subsidised meals counted in the order served.

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

// histKeyOf is a meal's key in the load's set of meals already recorded: keys are unique per
// canteen only.
func histKeyOf(canteen int64, key string) string { return itoa(canteen) + "/" + key }

// recorded reads, for the diners of the load over its days, the keys of the meals already
// recorded and how many subsidised meals each diner has had or ordered each day: the meals
// served with a subsidy, and the live online orders with one, as Serve counts them.
func (h *historyLoad) recorded(ctx context.Context, tx *db.Tx, dinerIDs []int64) (map[string]bool, map[histDinerDay]int, error) {
	done, subsidised := map[string]bool{}, map[histDinerDay]int{}
	ids := histUnique(dinerIDs)
	for start := 0; start < len(ids); start += historyBatch {
		chunk := ids[start:min(start+historyBatch, len(ids))]
		in, args := db.In("diner_id", chunk)
		args = append(args, h.from.String(), h.to.String())
		rows, err := tx.Query(ctx, `SELECT canteen_id, idempotency_key, diner_id, served_on,
			CASE WHEN status = 'served' AND diner_pays_fen < price_fen THEN 1 ELSE 0 END
			FROM meal_transactions WHERE `+in+` AND served_on >= ? AND served_on <= ?`, args...)
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
		rows, err = tx.Query(ctx, `SELECT diner_id, meal_day, COUNT(*) FROM meal_orders WHERE `+in+`
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
