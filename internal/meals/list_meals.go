package meals

import (
	"context"
	"database/sql"
	"errors"
	"time"

	"github.com/minzheng/minzheng/internal/apperr"
	"github.com/minzheng/minzheng/internal/auth"
	"github.com/minzheng/minzheng/internal/civil"
	"github.com/minzheng/minzheng/internal/db"
	"github.com/minzheng/minzheng/internal/money"
	"github.com/minzheng/minzheng/internal/pii"
)

// The meals served, as the staff pages list them: a canteen's day, a diner's latest meals, and
// one meal; names are masked, and every read applies the canteen's sight rules.

// MealRow is a served meal as the lists show it: where, for whom (name masked), what, and the
// split of its price.
type MealRow struct {
	TransactionID int64
	CanteenID     int64
	CanteenName   string
	DinerID       int64
	DinerName     string // masked
	CardNo        string
	ItemName      string
	MealType      string
	ServedOn      civil.Date
	Price         money.Fen
	DinerPays     money.Fen
	City          money.Fen
	District      money.Fen
	Street        money.Fen
	PolicyID      string
	Rule          string
	Reason        string
	Flags         []string
	Channel       string
	Status        string
	CreatedAt     time.Time
}

// Subsidy is what the funding sources pay together.
func (m *MealRow) Subsidy() money.Fen { return m.City + m.District + m.Street }

// mealSelect reads a served meal with the names a list shows beside it; callers add the
// condition and order, so every list of meals scans the same columns (scanMeal).
const mealSelect = `SELECT t.id, t.canteen_id, c.name, t.diner_id, d.name, d.card_no, m.name, t.meal_type, t.served_on,
	t.price_fen, t.diner_pays_fen, t.city_fen, t.district_fen, t.street_fen, t.policy_id, t.rule, t.reason, t.flags,
	t.channel, t.status, t.created_at
	FROM meal_transactions t JOIN canteens c ON c.id = t.canteen_id JOIN diners d ON d.id = t.diner_id
	JOIN menu_items m ON m.id = t.menu_item_id`

// scanMeal reads one row of mealSelect, masking the diner's name so that no list of meals can
// show it whole.
func scanMeal(row interface{ Scan(...any) error }) (*MealRow, error) {
	var m MealRow
	var flags, created string
	if err := row.Scan(&m.TransactionID, &m.CanteenID, &m.CanteenName, &m.DinerID, &m.DinerName, &m.CardNo, &m.ItemName,
		&m.MealType, &m.ServedOn, &m.Price, &m.DinerPays, &m.City, &m.District, &m.Street, &m.PolicyID, &m.Rule, &m.Reason,
		&flags, &m.Channel, &m.Status, &created); err != nil {
		return nil, err
	}
	m.DinerName = pii.MaskName(m.DinerName)
	m.Flags = splitList(flags)
	m.CreatedAt, _ = db.ParseTime(created)
	return &m, nil
}

// meals runs a query built on mealSelect and returns every row it finds.
func (s *Store) meals(ctx context.Context, query string, args ...any) ([]MealRow, error) {
	rows, err := s.DB.Query(ctx, query, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []MealRow
	for rows.Next() {
		m, err := scanMeal(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, *m)
	}
	return out, rows.Err()
}

// CanteenMeals lists a page of the meals canteen cid served on day, newest first, and how many
// there were; the canteen must be one p sees.
func (s *Store) CanteenMeals(ctx context.Context, p *auth.Principal, cid int64, day civil.Date, page, perPage int) ([]MealRow, int, error) {
	if _, err := s.Canteen(ctx, p, cid); err != nil {
		return nil, 0, err
	}
	var total int
	if err := s.DB.QueryRow(ctx, `SELECT COUNT(*) FROM meal_transactions WHERE canteen_id = ? AND served_on = ?`,
		cid, day.String()).Scan(&total); err != nil {
		return nil, 0, err
	}
	page, perPage = pageOf(page, perPage)
	out, err := s.meals(ctx, mealSelect+` WHERE t.canteen_id = ? AND t.served_on = ? ORDER BY t.id DESC LIMIT ? OFFSET ?`,
		cid, day.String(), perPage, (page-1)*perPage)
	return out, total, err
}

// DinerMeals lists the latest limit meals of diner id, newest first, for staff who see the diner.
func (s *Store) DinerMeals(ctx context.Context, p *auth.Principal, id int64, limit int) ([]MealRow, error) {
	if _, err := s.Diner(ctx, p, id); err != nil {
		return nil, err
	}
	_, limit = pageOf(1, limit)
	if !readsByRegion(p) { // a canteen operator: the meals at their own canteen only
		return s.meals(ctx, mealSelect+` WHERE t.diner_id = ? AND t.canteen_id = ? ORDER BY t.served_on DESC, t.id DESC LIMIT ?`, id, p.OrgID, limit)
	}
	return s.meals(ctx, mealSelect+` WHERE t.diner_id = ? ORDER BY t.served_on DESC, t.id DESC LIMIT ?`, id, limit)
}

// ServedMeal reads served meal id, at a canteen p sees; any other is not found.
func (s *Store) ServedMeal(ctx context.Context, p *auth.Principal, id int64) (*MealRow, error) {
	m, err := scanMeal(s.DB.QueryRow(ctx, mealSelect+` WHERE t.id = ?`, id))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, apperr.Msg(apperr.NotFound, "meals.ui.counter.meal_notfound")
	}
	if err != nil {
		return nil, err
	}
	if _, err := s.Canteen(ctx, p, m.CanteenID); err != nil {
		return nil, apperr.Msg(apperr.NotFound, "meals.ui.counter.meal_notfound")
	}
	return m, nil
}
