package meals

import (
	"context"
	"database/sql"
	"errors"
	"time"

	"github.com/minzheng/minzheng/internal/apperr"
	"github.com/minzheng/minzheng/internal/civil"
	"github.com/minzheng/minzheng/internal/db"
	"github.com/minzheng/minzheng/internal/money"
	"github.com/minzheng/minzheng/internal/pii"
)

// Receipt is a served meal as the counter prints it: what it cost, who pays what, the rule that
// applied or why none did, and any flags. A replayed request reads it back from the stored row
// and gets exactly the first answer.
type Receipt struct {
	TransactionID int64
	CanteenID     int64
	DinerID       int64
	// DinerName is masked (张*明): the receipt lies on a counter.
	DinerName  string
	CardNo     string
	MenuItemID int64
	ItemName   string
	MealType   string
	ServedOn   civil.Date
	Price      money.Fen
	DinerPays  money.Fen
	City       money.Fen
	District   money.Fen
	Street     money.Fen
	PolicyID   string
	Rule       string
	Reason     string
	Flags      []string
	Channel    string
	CreatedAt  time.Time
}

// Subsidy is what the funding sources pay together.
func (r *Receipt) Subsidy() money.Fen { return r.City + r.District + r.Street }

// receiptByKey reads the meal canteen cid recorded under Idempotency-Key key; sql.ErrNoRows
// when there is none.
func receiptByKey(ctx context.Context, q db.Querier, cid int64, key string) (*Receipt, error) {
	r, _, err := storedMeal(ctx, q, cid, key)
	return r, err
}

// storedMeal is receiptByKey that also returns the hash of the diner's QR token, so that a
// replay by QR can be matched to the meal.
func storedMeal(ctx context.Context, q db.Querier, cid int64, key string) (*Receipt, string, error) {
	var r Receipt
	var flags, created, qrHash string
	err := q.QueryRow(ctx, `SELECT t.id, t.canteen_id, t.diner_id, d.name, d.card_no, d.qr_token_hash, t.menu_item_id, m.name,
		t.meal_type, t.served_on, t.price_fen, t.diner_pays_fen, t.city_fen, t.district_fen, t.street_fen, t.policy_id,
		t.rule, t.reason, t.flags, t.channel, t.created_at
		FROM meal_transactions t JOIN diners d ON d.id = t.diner_id JOIN menu_items m ON m.id = t.menu_item_id
		WHERE t.canteen_id = ? AND t.idempotency_key = ?`, cid, key).Scan(&r.TransactionID, &r.CanteenID, &r.DinerID,
		&r.DinerName, &r.CardNo, &qrHash, &r.MenuItemID, &r.ItemName, &r.MealType, &r.ServedOn, &r.Price, &r.DinerPays,
		&r.City, &r.District, &r.Street, &r.PolicyID, &r.Rule, &r.Reason, &flags, &r.Channel, &created)
	if err != nil {
		return nil, "", err
	}
	r.DinerName = pii.MaskName(r.DinerName)
	r.Flags = splitList(flags)
	r.CreatedAt, _ = db.ParseTime(created)
	return &r, qrHash, nil
}

// TerminalOffer is one menu item with what it would cost the diner now.
type TerminalOffer struct {
	Item  MenuItem
	Quote Quote
}

// MealPreview is what a terminal shows after reading a card and before charging: who it is
// (name masked), their categories, how many subsidised meals they have had today and how many
// the policy still allows, the flags a meal now would carry, and what each active item of the
// canteen's menu would cost them.
type MealPreview struct {
	DinerID         int64
	Name            string
	CardNo          string
	Categories      []string
	Status          string
	SubsidisedToday int
	// SubsidisedLeft is how many more subsidised meals the policy allows today; -1 when the
	// policy sets no daily cap.
	SubsidisedLeft int
	Flags          []string
	Offers         []TerminalOffer
}

// PreviewMeal reads the diner in names (by card number or QR token) for canteen cid's terminal
// and prices the canteen's menu for them today, with the policy, daily count and flags Serve
// uses. It charges and locks nothing: Serve prices again, so a meal served in between counts.
func (s *Store) PreviewMeal(ctx context.Context, cid int64, in ServeInput) (*MealPreview, error) {
	if in.CardNo == "" && in.QRToken == "" {
		return nil, apperr.FieldMsg("card_no", "meals.diner_required")
	}
	if err := in.checkDiner(); err != nil {
		return nil, err
	}
	c, items, err := s.TerminalMenu(ctx, cid)
	if err != nil {
		return nil, err
	}
	if c.Status != CanteenOpen {
		return nil, apperr.Msg(apperr.Conflict, "meals.canteen_closed")
	}
	where, arg := in.dinerWhere()
	var d DinerRecord
	var cats string
	err = s.DB.QueryRow(ctx, `SELECT id, name, birth_date, hukou_region, home_region, categories, card_no, status
		FROM diners WHERE `+where, arg).Scan(&d.ID, &d.Name, &d.BirthDate, &d.HukouRegion, &d.HomeRegion, &cats, &d.CardNo,
		&d.Status)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, apperr.Msg(apperr.NotFound, "meals.diner_notfound")
	}
	if err != nil {
		return nil, err
	}
	if d.Status == DinerLeft {
		return nil, apperr.Msg(apperr.Conflict, "meals.diner_left")
	}
	d.Categories = splitList(cats)
	today := s.today()
	n, err := s.subsidisedCount(ctx, s.DB, d.ID, today)
	if err != nil {
		return nil, err
	}
	out := &MealPreview{DinerID: d.ID, Name: pii.MaskName(d.Name), CardNo: d.CardNo, Categories: d.Categories,
		Status: d.Status, SubsidisedToday: n, SubsidisedLeft: -1}
	if p, ok := PolicyFor(s.Policies, c.RegionCode, today); ok && p.DailyCap > 0 {
		out.SubsidisedLeft = max(p.DailyCap-n, 0)
	}
	if d.Status == DinerDeceased {
		out.Flags = append(out.Flags, FlagDeceased)
		out.SubsidisedLeft = 0
	}
	if !c.OpensOn(today) {
		out.Flags = append(out.Flags, FlagClosedDay)
	}
	for _, it := range items {
		out.Offers = append(out.Offers, TerminalOffer{Item: it, Quote: s.quote(&d, c, &it, today, n)})
	}
	return out, nil
}

// TerminalMenu is canteen cid and its active items by meal type and name, for its terminals.
func (s *Store) TerminalMenu(ctx context.Context, cid int64) (*Canteen, []MenuItem, error) {
	c, err := scanCanteen(s.DB.QueryRow(ctx, `SELECT `+canteenColumns+` FROM canteens WHERE id = ?`, cid))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, nil, apperr.Msg(apperr.NotFound, "meals.canteen_notfound")
	}
	if err != nil {
		return nil, nil, err
	}
	rows, err := s.DB.Query(ctx, `SELECT id, canteen_id, name, meal_type, price_fen, active FROM menu_items
		WHERE canteen_id = ? AND active = ?
		ORDER BY CASE meal_type WHEN 'breakfast' THEN 1 WHEN 'lunch' THEN 2 ELSE 3 END, name, id`, cid, true)
	if err != nil {
		return nil, nil, err
	}
	defer rows.Close()
	var items []MenuItem
	for rows.Next() {
		var it MenuItem
		if err := rows.Scan(&it.ID, &it.CanteenID, &it.Name, &it.MealType, &it.Price, &it.Active); err != nil {
			return nil, nil, err
		}
		items = append(items, it)
	}
	return c, items, rows.Err()
}
