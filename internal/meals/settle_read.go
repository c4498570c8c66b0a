package meals

import (
	"context"
	"strings"

	"github.com/minzheng/minzheng/internal/apperr"
	"github.com/minzheng/minzheng/internal/auth"
	"github.com/minzheng/minzheng/internal/civil"
	"github.com/minzheng/minzheng/internal/db"
	"github.com/minzheng/minzheng/internal/money"
	"github.com/minzheng/minzheng/internal/pii"
)

// SettlementQuery chooses settlements: of a month, a status, a district or a canteen (each
// optional; zero values choose all).
type SettlementQuery struct {
	Month     civil.Month
	Status    string
	District  string // a district (county) code prefix of the canteen's region
	CanteenID int64
}

// settlementSight is the condition on meal_settlements (alias s) of what p may read: staff
// their area, a canteen operator their own canteen, anyone else nothing.
func settlementSight(p *auth.Principal) (string, []any) {
	switch {
	case p != nil && p.Role == auth.CanteenOperator:
		return "s.canteen_id = ?", []any{p.OrgID}
	case readsByRegion(p):
		return p.ScopeCondition("s.region_code")
	}
	return "1 = 0", nil
}

// Settlements lists the settlements p may read that q chooses, newest month first and then by
// region and canteen.
func (s *Store) Settlements(ctx context.Context, p *auth.Principal, q SettlementQuery) ([]Settlement, error) {
	where, args := settlementSight(p)
	conds := []string{where}
	if !q.Month.IsZero() {
		conds, args = append(conds, "s.month = ?"), append(args, q.Month.String())
	}
	if q.Status != "" {
		conds, args = append(conds, "s.status = ?"), append(args, q.Status)
	}
	if q.District != "" {
		if strings.Trim(q.District, "0123456789") != "" {
			return nil, apperr.FieldMsg("district", "meals.settle.bad_district")
		}
		cond, more := db.PrefixRange("s.region_code", q.District)
		conds, args = append(conds, cond), append(args, more...)
	}
	if q.CanteenID != 0 {
		conds, args = append(conds, "s.canteen_id = ?"), append(args, q.CanteenID)
	}
	rows, err := s.DB.Query(ctx, `SELECT `+settlementColumns+` FROM meal_settlements s JOIN canteens c ON c.id = s.canteen_id
		WHERE `+strings.Join(conds, " AND ")+` ORDER BY s.month DESC, s.region_code, s.canteen_id`, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []Settlement
	for rows.Next() {
		st, err := scanSettlement(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, *st)
	}
	return out, rows.Err()
}

// Settlement reads settlement id; one p may not read is not found, like one that does not exist.
func (s *Store) Settlement(ctx context.Context, p *auth.Principal, id int64) (*Settlement, error) {
	st, err := settlementByID(ctx, s.DB, id)
	if err != nil {
		return nil, err
	}
	if !seesCanteen(p, st.CanteenID, st.RegionCode) {
		return nil, apperr.Msg(apperr.NotFound, "meals.settle.notfound")
	}
	return st, nil
}

// SettledMeal is a meal as a settlement statement lists it; the diner's name is masked.
type SettledMeal struct {
	ID        int64
	ServedOn  civil.Date
	DinerName string
	CardNo    string
	MealType  string
	ItemName  string
	Channel   string
	Price     money.Fen
	DinerPays money.Fen
	City      money.Fen
	District  money.Fen
	Street    money.Fen
	// LedgerTransactionID is the meal's posting once the settlement is approved, else 0.
	LedgerTransactionID int64
}

// Subsidy is what the funding sources pay for the meal.
func (m *SettledMeal) Subsidy() money.Fen { return m.City + m.District + m.Street }

// HeldMeal is a meal held back from settlement, with the anti-fraud rules whose open or
// confirmed flags hold it.
type HeldMeal struct {
	SettledMeal
	Rules []string
}

const settledMealColumns = `m.id, m.served_on, d.name, d.card_no, m.meal_type, i.name, m.channel, m.price_fen, m.diner_pays_fen,
	m.city_fen, m.district_fen, m.street_fen, COALESCE(m.ledger_transaction_id, 0)`

const settledMealJoins = `FROM meal_transactions m JOIN diners d ON d.id = m.diner_id JOIN menu_items i ON i.id = m.menu_item_id`

func scanSettledMeal(row interface{ Scan(...any) error }, extra ...any) (SettledMeal, error) {
	var m SettledMeal
	err := row.Scan(append([]any{&m.ID, &m.ServedOn, &m.DinerName, &m.CardNo, &m.MealType, &m.ItemName, &m.Channel, &m.Price,
		&m.DinerPays, &m.City, &m.District, &m.Street, &m.LedgerTransactionID}, extra...)...)
	m.DinerName = pii.MaskName(m.DinerName)
	return m, err
}

// SettlementMeals returns page (from 1) of settlement id's meals, perPage to a page (every meal
// when perPage is 0), by day and id, and how many there are.
func (s *Store) SettlementMeals(ctx context.Context, p *auth.Principal, id int64, page, perPage int) ([]SettledMeal, int, error) {
	st, err := s.Settlement(ctx, p, id)
	if err != nil {
		return nil, 0, err
	}
	limit := ""
	args := []any{st.ID}
	if perPage > 0 {
		limit = " LIMIT ? OFFSET ?"
		args = append(args, perPage, (max(page, 1)-1)*perPage)
	}
	rows, err := s.DB.Query(ctx, `SELECT `+settledMealColumns+` `+settledMealJoins+` WHERE m.settlement_id = ?
		ORDER BY m.served_on, m.id`+limit, args...)
	if err != nil {
		return nil, 0, err
	}
	defer rows.Close()
	var out []SettledMeal
	for rows.Next() {
		m, err := scanSettledMeal(rows)
		if err != nil {
			return nil, 0, err
		}
		out = append(out, m)
	}
	if err := rows.Err(); err != nil {
		return nil, 0, err
	}
	var total int
	err = s.DB.QueryRow(ctx, `SELECT COUNT(*) FROM meal_transactions WHERE settlement_id = ?`, st.ID).Scan(&total)
	return out, total, err
}

// HeldMeals lists the meals settlement id's canteen served by the end of its month that an open
// or confirmed anti-fraud flag holds back now, each with the rules that hold it. A meal whose
// flag has been cleared since is no longer listed: it waits for the next settlement.
func (s *Store) HeldMeals(ctx context.Context, p *auth.Principal, id int64) ([]HeldMeal, error) {
	st, err := s.Settlement(ctx, p, id)
	if err != nil {
		return nil, err
	}
	rows, err := s.DB.Query(ctx, `SELECT `+settledMealColumns+`, f.rule `+settledMealJoins+`
		JOIN meal_flags f ON f.transaction_id = m.id AND f.status IN ('open', 'confirmed')
		WHERE `+settleWhere+` ORDER BY m.served_on, m.id, f.rule`, st.CanteenID, st.Month.LastDay().String())
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []HeldMeal
	for rows.Next() {
		var rule string
		m, err := scanSettledMeal(rows, &rule)
		if err != nil {
			return nil, err
		}
		if n := len(out); n > 0 && out[n-1].ID == m.ID {
			out[n-1].Rules = append(out[n-1].Rules, rule)
			continue
		}
		out = append(out, HeldMeal{SettledMeal: m, Rules: []string{rule}})
	}
	return out, rows.Err()
}
