package meals

import (
	"cmp"
	"context"
	"slices"
	"strings"

	"github.com/minzheng/minzheng/internal/db"
)

// The batched statements of a history load: the priced meals inserted many rows at a time, and
// rows read by many ids at once, in chunks that stay under both engines' parameter limits.

// historyBatch is how many meals one INSERT carries: 18 values each stays well under the
// parameter limits of both engines (SQLite 32,766; PostgreSQL 65,535).
const historyBatch = 500

// insertHistory inserts the priced meals many rows at a time and returns how many were new.
func insertHistory(ctx context.Context, tx *db.Tx, meals []histMeal) (int, error) {
	const row = `(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 'served', ?, ?)`
	n := 0
	for start := 0; start < len(meals); start += historyBatch {
		chunk := meals[start:min(start+historyBatch, len(meals))]
		args := make([]any, 0, len(chunk)*18)
		for _, pm := range chunk {
			by := splitShares(pm.q)
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

// histByIDs reads the rows of ids (each once, in chunks) with query + " WHERE id IN (…)" + suffix,
// keyed by id.
func histByIDs[T any](ctx context.Context, q db.Querier, query string, ids []int64, scan func(interface{ Scan(...any) error }) (int64, *T, error),
	suffix ...string) (map[int64]*T, error) {
	out := map[int64]*T{}
	ids = histUnique(ids)
	for start := 0; start < len(ids); start += historyBatch {
		in, args := db.In("id", ids[start:min(start+historyBatch, len(ids))])
		rows, err := q.Query(ctx, query+` WHERE `+in+strings.Join(suffix, ""), args...)
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

// histScanCanteen reads a canteen's row for histByIDs, with its id as the key.
func histScanCanteen(r interface{ Scan(...any) error }) (int64, *Canteen, error) {
	c, err := scanCanteen(r)
	if err != nil {
		return 0, nil, err
	}
	return c.ID, c, nil
}

// histScanItem reads a menu item without its updated_at, which a load has no use for.
func histScanItem(r interface{ Scan(...any) error }) (int64, *MenuItem, error) {
	var it MenuItem
	err := r.Scan(&it.ID, &it.CanteenID, &it.Name, &it.MealType, &it.Price, &it.Active)
	return it.ID, &it, err
}

// histScanDiner reads a diner's row, as locked by the UPDATE … RETURNING of price.
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
