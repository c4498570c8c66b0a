package meals

import (
	"context"
	"database/sql"
	"errors"
	"strings"
	"time"

	"github.com/minzheng/minzheng/internal/apperr"
	"github.com/minzheng/minzheng/internal/auth"
	"github.com/minzheng/minzheng/internal/civil"
	"github.com/minzheng/minzheng/internal/db"
	"github.com/minzheng/minzheng/internal/money"
	"github.com/minzheng/minzheng/internal/pii"
	"github.com/minzheng/minzheng/internal/region"
)

// Read-only lists and look-ups for the staff pages and the staff API: canteens and diners with
// filters and paging, the meals served at a canteen or to a diner, and what a diner would pay
// for each item at the counter before the operator charges. Nothing here writes; every method
// applies the same sight rules as the single-record reads (staff by region, a canteen operator
// only their own canteen, diners only for staff of their home area).

// maxPerPage bounds a page, so that a hand-written per_page cannot ask for a whole city at once.
const maxPerPage = 200

// pageOf normalises a page number and size: page from 1, size 50 by default.
func pageOf(page, perPage int) (int, int) {
	if perPage <= 0 {
		perPage = 50
	}
	return max(page, 1), min(perPage, maxPerPage)
}

// ManagesCanteensIn reports whether p may create and change canteens in region code, so a page
// offers only the forms the store will accept.
func ManagesCanteensIn(p *auth.Principal, code string) bool { return managesCanteens(p, code) }

// RegistersDinersIn reports whether p may register diners living in region code (and link their
// relatives).
func RegistersDinersIn(p *auth.Principal, code string) bool { return registersDiners(p, code) }

// KeepsMenuOf reports whether p may change canteen c's menu and terminal tokens: its own
// operator, or staff who manage its area.
func KeepsMenuOf(p *auth.Principal, c *Canteen) bool { return keepsMenu(p, c) }

// ReadsDiners reports whether p reads diners at all (staff and auditors by region); a canteen
// operator does not browse the elderly of their street.
func ReadsDiners(p *auth.Principal) bool { return readsByRegion(p) }

// CanteenFilter chooses canteens for a list: an area within the caller's scope (a region code
// prefix) and a status; empty fields do not restrict.
type CanteenFilter struct {
	Region        string
	Status        string
	Page, PerPage int // 1-based; PerPage 0 = 50
}

// CanteenRow is a canteen as a list shows it, with the meals it has served today.
type CanteenRow struct {
	Canteen
	MealsToday int
}

// ListCanteens lists a page of the canteens p sees by f, by region and id, and how many match.
func (s *Store) ListCanteens(ctx context.Context, p *auth.Principal, f CanteenFilter) ([]CanteenRow, int, error) {
	conds, args := []string{"1 = 0"}, []any(nil)
	switch {
	case p != nil && p.Role == auth.CanteenOperator:
		conds, args = []string{"id = ?"}, []any{p.OrgID}
	case readsByRegion(p):
		w, a := p.ScopeCondition("region_code")
		conds, args = []string{w}, a
	}
	if f.Region != "" {
		if region.ValidCode(f.Region) != nil {
			return nil, 0, apperr.FieldMsg("region", "meals.region_invalid")
		}
		w, a := db.PrefixRange("region_code", f.Region)
		conds, args = append(conds, w), append(args, a...)
	}
	if f.Status != "" {
		conds, args = append(conds, "status = ?"), append(args, f.Status)
	}
	where := strings.Join(conds, " AND ")
	var total int
	if err := s.DB.QueryRow(ctx, `SELECT COUNT(*) FROM canteens WHERE `+where, args...).Scan(&total); err != nil {
		return nil, 0, err
	}
	page, per := pageOf(f.Page, f.PerPage)
	rows, err := s.DB.Query(ctx, `SELECT `+canteenColumns+` FROM canteens WHERE `+where+` ORDER BY region_code, id
		LIMIT ? OFFSET ?`, append(args, per, (page-1)*per)...)
	if err != nil {
		return nil, 0, err
	}
	defer rows.Close()
	var out []CanteenRow
	index := map[int64]int{}
	for rows.Next() {
		c, err := scanCanteen(rows)
		if err != nil {
			return nil, 0, err
		}
		index[c.ID] = len(out)
		out = append(out, CanteenRow{Canteen: *c})
	}
	if err := rows.Err(); err != nil {
		return nil, 0, err
	}
	rows.Close()
	if len(out) == 0 {
		return out, total, nil
	}
	// Today's counts for the page's canteens in one query; the (canteen_id, served_on) index
	// answers it.
	marks, ids := make([]string, 0, len(out)), []any{s.today().String()}
	for _, c := range out {
		marks, ids = append(marks, "?"), append(ids, c.ID)
	}
	counts, err := s.DB.Query(ctx, `SELECT canteen_id, COUNT(*) FROM meal_transactions WHERE served_on = ? AND status = 'served'
		AND canteen_id IN (`+strings.Join(marks, ", ")+`) GROUP BY canteen_id`, ids...)
	if err != nil {
		return nil, 0, err
	}
	defer counts.Close()
	for counts.Next() {
		var id int64
		var n int
		if err := counts.Scan(&id, &n); err != nil {
			return nil, 0, err
		}
		out[index[id]].MealsToday = n
	}
	return out, total, counts.Err()
}

// DinerFilter chooses diners for a list. Query is a name (or part of one) or a whole card
// number; Region is a home area within the caller's scope; empty fields do not restrict.
type DinerFilter struct {
	Query         string
	Category      string
	Status        string
	Region        string
	Page, PerPage int // 1-based; PerPage 0 = 50
}

// ListDiners lists a page of the diners whose home lies in p's area, by f, newest first, and how
// many match. A canteen operator reads no diners: the list is empty.
func (s *Store) ListDiners(ctx context.Context, p *auth.Principal, f DinerFilter) ([]DinerRecord, int, error) {
	if !readsByRegion(p) {
		return nil, 0, nil
	}
	w, args := p.ScopeCondition("home_region")
	conds := []string{w}
	if f.Region != "" {
		if region.ValidCode(f.Region) != nil {
			return nil, 0, apperr.FieldMsg("region", "meals.region_invalid")
		}
		w, a := db.PrefixRange("home_region", f.Region)
		conds, args = append(conds, w), append(args, a...)
	}
	if q := strings.TrimSpace(f.Query); q != "" {
		if len(q) == 12 && strings.Trim(q, "0123456789") == "" {
			conds, args = append(conds, "card_no = ?"), append(args, q)
		} else {
			conds, args = append(conds, "name LIKE ? ESCAPE '!'"), append(args, likeContains(q))
		}
	}
	if f.Category != "" {
		conds, args = append(conds, "(',' || categories || ',') LIKE ? ESCAPE '!'"), append(args, likeContains(","+f.Category+","))
	}
	if f.Status != "" {
		conds, args = append(conds, "status = ?"), append(args, f.Status)
	}
	where := strings.Join(conds, " AND ")
	var total int
	if err := s.DB.QueryRow(ctx, `SELECT COUNT(*) FROM diners WHERE `+where, args...).Scan(&total); err != nil {
		return nil, 0, err
	}
	page, per := pageOf(f.Page, f.PerPage)
	rows, err := s.DB.Query(ctx, `SELECT `+dinerColumns+` FROM diners WHERE `+where+` ORDER BY id DESC LIMIT ? OFFSET ?`,
		append(args, per, (page-1)*per)...)
	if err != nil {
		return nil, 0, err
	}
	defer rows.Close()
	var out []DinerRecord
	for rows.Next() {
		d, err := scanDiner(rows)
		if err != nil {
			return nil, 0, err
		}
		out = append(out, *d)
	}
	return out, total, rows.Err()
}

// likeContains is a LIKE pattern (with ! as the escape character) for values containing s.
func likeContains(s string) string {
	return "%" + strings.NewReplacer("!", "!!", "%", "!%", "_", "!_").Replace(s) + "%"
}

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

const mealSelect = `SELECT t.id, t.canteen_id, c.name, t.diner_id, d.name, d.card_no, m.name, t.meal_type, t.served_on,
	t.price_fen, t.diner_pays_fen, t.city_fen, t.district_fen, t.street_fen, t.policy_id, t.rule, t.reason, t.flags,
	t.channel, t.status, t.created_at
	FROM meal_transactions t JOIN canteens c ON c.id = t.canteen_id JOIN diners d ON d.id = t.diner_id
	JOIN menu_items m ON m.id = t.menu_item_id`

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

// CounterOffer is one menu item with what it would cost a diner now.
type CounterOffer struct {
	Item  MenuItem
	Quote Quote
}

// CounterDiner is what the counter shows after a card is read and before anything is charged:
// who it is (name masked), how many subsidised meals they have had today, the flags the meal
// would carry, and the price of each active item of the canteen's menu for them.
type CounterDiner struct {
	DinerID         int64
	CardNo          string
	Name            string // masked
	Age             int
	Categories      []string
	Status          string
	SubsidisedToday int
	// Flags are those a meal now would carry besides the engine's (deceased, closed day).
	Flags  []string
	Offers []CounterOffer
}

// CounterQuote reads the diner holding card cardNo for the counter of p's own canteen (p is
// its operator) and prices every active item of its menu for them today, with the same policy,
// daily count and flags Serve uses. It charges nothing: Serve prices again when the operator
// confirms, so a meal served in between is still counted.
func (s *Store) CounterQuote(ctx context.Context, p *auth.Principal, cardNo string) (*CounterDiner, error) {
	if p == nil || p.Role != auth.CanteenOperator || p.OrgID == 0 {
		return nil, apperr.Msg(apperr.Forbidden, "meals.forbidden")
	}
	cardNo = strings.TrimSpace(cardNo)
	if cardNo == "" {
		return nil, apperr.FieldMsg("card_no", "meals.diner_required")
	}
	if !ValidCardNo(cardNo) {
		return nil, apperr.FieldMsg("card_no", "meals.card_invalid")
	}
	c, err := s.Canteen(ctx, p, p.OrgID)
	if err != nil {
		return nil, err
	}
	if c.Status != CanteenOpen {
		return nil, apperr.Msg(apperr.Conflict, "meals.canteen_closed")
	}
	d, err := scanDiner(s.DB.QueryRow(ctx, `SELECT `+dinerColumns+` FROM diners WHERE card_no = ?`, cardNo))
	if apperr.KindOf(err) == apperr.NotFound {
		return nil, apperr.FieldMsg("card_no", "meals.diner_notfound")
	}
	if err != nil {
		return nil, err
	}
	if d.Status == DinerLeft {
		return nil, apperr.FieldMsg("card_no", "meals.diner_left")
	}
	today := s.today()
	n, err := s.subsidisedOn(ctx, d.ID, today)
	if err != nil {
		return nil, err
	}
	out := &CounterDiner{DinerID: d.ID, CardNo: d.CardNo, Name: pii.MaskName(d.Name), Age: d.AgeOn(today),
		Categories: d.Categories, Status: d.Status, SubsidisedToday: n}
	if d.Status == DinerDeceased {
		out.Flags = append(out.Flags, FlagDeceased)
	}
	if !c.OpensOn(today) {
		out.Flags = append(out.Flags, FlagClosedDay)
	}
	items, err := s.Menu(ctx, p, c.ID, false)
	if err != nil {
		return nil, err
	}
	for _, it := range items {
		out.Offers = append(out.Offers, CounterOffer{Item: it, Quote: s.quote(d, c, &it, today, n)})
	}
	return out, nil
}

// subsidisedOn counts diner id's subsidised meals on day: those served, and the live online
// orders (placed or paid) that carry a subsidy, as the one-a-day rule counts them.
func (s *Store) subsidisedOn(ctx context.Context, id int64, day civil.Date) (int, error) {
	var served, ordered int
	if err := s.DB.QueryRow(ctx, `SELECT COUNT(*) FROM meal_transactions WHERE diner_id = ? AND served_on = ?
		AND status = 'served' AND diner_pays_fen < price_fen`, id, day.String()).Scan(&served); err != nil {
		return 0, err
	}
	if err := s.DB.QueryRow(ctx, `SELECT COUNT(*) FROM meal_orders WHERE diner_id = ? AND meal_day = ?
		AND status IN ('placed', 'paid') AND diner_pays_fen < price_fen`, id, day.String()).Scan(&ordered); err != nil {
		return 0, err
	}
	return served + ordered, nil
}
