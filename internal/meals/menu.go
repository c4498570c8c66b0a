package meals

import (
	"context"
	"database/sql"
	"errors"
	"slices"
	"strings"
	"unicode/utf8"

	"github.com/minzheng/minzheng/internal/apperr"
	"github.com/minzheng/minzheng/internal/auth"
	"github.com/minzheng/minzheng/internal/db"
	"github.com/minzheng/minzheng/internal/money"
)

// MenuItem is a dish or set meal a canteen offers at a price.
type MenuItem struct {
	ID        int64
	CanteenID int64
	Name      string
	MealType  string
	Price     money.Fen
	Active    bool
}

// maxPrice bounds a menu price: a typo of 1200 yuan for 12 must not reach a subsidy claim.
const maxPrice = money.Fen(1000_00)

// AddMenuItem adds an item to canteen cid's menu. The canteen's operator keeps their own menu;
// staff who manage the canteen's area may too.
func (s *Store) AddMenuItem(ctx context.Context, p *auth.Principal, cid int64, in MenuItem) (int64, error) {
	in.Name = strings.TrimSpace(in.Name)
	switch {
	case in.Name == "" || utf8.RuneCountInString(in.Name) > 60:
		return 0, apperr.FieldMsg("name", "meals.name_invalid")
	case !slices.Contains(MealTypes(), in.MealType):
		return 0, apperr.FieldMsg("meal_type", "meals.meal_type_invalid")
	case in.Price <= 0 || in.Price > maxPrice:
		return 0, apperr.FieldMsg("price", "meals.price_invalid")
	}
	var id int64
	err := s.DB.InTx(ctx, func(tx *db.Tx) error {
		c, err := s.canteen(ctx, tx, p, cid)
		if err != nil {
			return err
		}
		if !keepsMenu(p, c) {
			return apperr.Msg(apperr.Forbidden, "meals.forbidden")
		}
		now := s.stamp()
		if err := tx.QueryRow(ctx, `INSERT INTO menu_items (canteen_id, name, meal_type, price_fen, active, created_at, updated_at)
			VALUES (?, ?, ?, ?, ?, ?, ?) RETURNING id`, cid, in.Name, in.MealType, int64(in.Price), true, now, now).Scan(&id); err != nil {
			return err
		}
		_, err = s.Audit.Append(ctx, tx, event(p, "meals.menu.add", "menu_item", id, c.RegionCode,
			map[string]any{"canteen_id": cid, "name": in.Name, "meal_type": in.MealType, "price_fen": int64(in.Price)}))
		return err
	})
	return id, err
}

// SetMenuItemActive takes an item off the menu (or puts it back); served meals keep their price.
func (s *Store) SetMenuItemActive(ctx context.Context, p *auth.Principal, itemID int64, active bool) error {
	return s.DB.InTx(ctx, func(tx *db.Tx) error {
		it, err := menuItem(ctx, tx, itemID)
		if err != nil {
			return err
		}
		c, err := s.canteen(ctx, tx, p, it.CanteenID)
		if err != nil {
			return apperr.Msg(apperr.NotFound, "meals.item_notfound")
		}
		if !keepsMenu(p, c) {
			return apperr.Msg(apperr.Forbidden, "meals.forbidden")
		}
		if _, err := tx.Exec(ctx, `UPDATE menu_items SET active = ?, updated_at = ? WHERE id = ?`, active, s.stamp(), itemID); err != nil {
			return err
		}
		_, err = s.Audit.Append(ctx, tx, event(p, "meals.menu.active", "menu_item", itemID, c.RegionCode,
			map[string]any{"canteen_id": c.ID, "active": active}))
		return err
	})
}

// keepsMenu reports whether p may change canteen c's menu.
func keepsMenu(p *auth.Principal, c *Canteen) bool {
	if p != nil && p.Role == auth.CanteenOperator {
		return p.OrgID == c.ID
	}
	return managesCanteens(p, c.RegionCode)
}

// Menu lists canteen cid's items by meal type and name; inactive ones only when all is set.
func (s *Store) Menu(ctx context.Context, p *auth.Principal, cid int64, all bool) ([]MenuItem, error) {
	if _, err := s.Canteen(ctx, p, cid); err != nil {
		return nil, err
	}
	q := `SELECT id, canteen_id, name, meal_type, price_fen, active FROM menu_items WHERE canteen_id = ?`
	if !all {
		q += ` AND active = ?`
	}
	q += ` ORDER BY CASE meal_type WHEN 'breakfast' THEN 1 WHEN 'lunch' THEN 2 ELSE 3 END, name, id`
	args := []any{cid}
	if !all {
		args = append(args, true)
	}
	rows, err := s.DB.Query(ctx, q, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []MenuItem
	for rows.Next() {
		var it MenuItem
		if err := rows.Scan(&it.ID, &it.CanteenID, &it.Name, &it.MealType, &it.Price, &it.Active); err != nil {
			return nil, err
		}
		out = append(out, it)
	}
	return out, rows.Err()
}

// menuItem reads one item, whatever its canteen; callers check the canteen.
func menuItem(ctx context.Context, q db.Querier, id int64) (*MenuItem, error) {
	var it MenuItem
	err := q.QueryRow(ctx, `SELECT id, canteen_id, name, meal_type, price_fen, active FROM menu_items WHERE id = ?`, id).
		Scan(&it.ID, &it.CanteenID, &it.Name, &it.MealType, &it.Price, &it.Active)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, apperr.Msg(apperr.NotFound, "meals.item_notfound")
	}
	return &it, err
}
