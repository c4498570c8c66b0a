package meals

import (
	"context"
	"time"

	"github.com/minzheng/minzheng/internal/civil"
	"github.com/minzheng/minzheng/internal/db"
	"github.com/minzheng/minzheng/internal/money"
	"github.com/minzheng/minzheng/internal/pii"
)

// Receipt is a served meal as the counter prints it: what it cost, who pays what, the rule that
// applied or why none did, and any flags. It is read back from the stored row, so a replayed
// request gets exactly the first answer.
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
	var r Receipt
	var flags, created string
	err := q.QueryRow(ctx, `SELECT t.id, t.canteen_id, t.diner_id, d.name, d.card_no, t.menu_item_id, m.name, t.meal_type,
		t.served_on, t.price_fen, t.diner_pays_fen, t.city_fen, t.district_fen, t.street_fen, t.policy_id, t.rule,
		t.reason, t.flags, t.channel, t.created_at
		FROM meal_transactions t JOIN diners d ON d.id = t.diner_id JOIN menu_items m ON m.id = t.menu_item_id
		WHERE t.canteen_id = ? AND t.idempotency_key = ?`, cid, key).Scan(&r.TransactionID, &r.CanteenID, &r.DinerID,
		&r.DinerName, &r.CardNo, &r.MenuItemID, &r.ItemName, &r.MealType, &r.ServedOn, &r.Price, &r.DinerPays, &r.City,
		&r.District, &r.Street, &r.PolicyID, &r.Rule, &r.Reason, &flags, &r.Channel, &created)
	if err != nil {
		return nil, err
	}
	r.DinerName = pii.MaskName(r.DinerName)
	r.Flags = splitList(flags)
	r.CreatedAt, _ = db.ParseTime(created)
	return &r, nil
}
