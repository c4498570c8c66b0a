package meals

import (
	"context"
	"strings"

	"github.com/minzheng/minzheng/internal/apperr"
	"github.com/minzheng/minzheng/internal/auth"
	"github.com/minzheng/minzheng/internal/civil"
	"github.com/minzheng/minzheng/internal/pii"
)

// What the counter shows after reading a card and before charging: the diner and the price of
// each item of the menu for them, priced as Serve will price it.

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
