package meals

import (
	"context"
	"fmt"

	"github.com/minzheng/minzheng/internal/apperr"
	"github.com/minzheng/minzheng/internal/auth"
	"github.com/minzheng/minzheng/internal/db"
	"github.com/minzheng/minzheng/internal/money"
)

// ApproveSettlement is the district's approval of draft settlement id as seen at version. Only
// a district approver whose scope holds the canteen approves — the city reads and generates,
// the district that pays its share signs — and approval is final: every meal of the settlement
// is posted to the funds ledger as one balanced transaction, in the same database transaction
// as the approval and its audit event. A settlement changed since it was seen (generated again,
// approved already) is a Conflict, as is one whose meals no longer match it (a meal flagged or
// voided after generation): it must be generated again so the approver signs what is paid.
func (s *Store) ApproveSettlement(ctx context.Context, p *auth.Principal, id int64, version int) error {
	return s.DB.InTx(ctx, func(tx *db.Tx) error {
		st, err := settlementByID(ctx, tx, id)
		if err != nil {
			return err
		}
		if !seesCanteen(p, st.CanteenID, st.RegionCode) {
			return apperr.Msg(apperr.NotFound, "meals.settle.notfound")
		}
		if p.Role != auth.DistrictApprover || !p.Can(auth.MealsSettle) {
			return apperr.Msg(apperr.Forbidden, "meals.settle.approve_forbidden")
		}
		if st.Status != SettlementDraft {
			return apperr.Msg(apperr.Conflict, "meals.settle.not_draft")
		}
		res, err := tx.Exec(ctx, `UPDATE meal_settlements SET status = 'approved', approved_by = ?, approved_at = ?,
			version = version + 1 WHERE id = ? AND version = ? AND status = 'draft'`, p.Login, s.stamp(), id, version)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n != 1 {
			return apperr.Msg(apperr.Conflict, "meals.settle.stale")
		}
		meals, err := postingsOf(ctx, tx, st)
		if err != nil {
			return err
		}
		if err := s.postMeals(ctx, tx, st, meals, p.Login); err != nil {
			return err
		}
		_, err = s.Audit.Append(ctx, tx, event(p, "meals.settlement.approve", "meal_settlement", id, st.RegionCode,
			map[string]any{"canteen_id": st.CanteenID, "month": st.Month.String(), "meals": st.Meals,
				"price_fen": int64(st.Price), "diner_fen": int64(st.Diner), "city_fen": int64(st.City),
				"district_fen": int64(st.District), "street_fen": int64(st.Street), "held_meals": st.HeldMeals}))
		return err
	})
}

// mealPosting is what the ledger needs of a meal: where and when it was served, and its split.
type mealPosting struct {
	id                                   int64
	region, servedOn, mealType           string
	price, diner, city, district, street money.Fen
}

// postingsOf reads the meals of settlement st and checks that they are still what it says: the
// same number and sums, none voided, flagged or already posted since it was generated.
func postingsOf(ctx context.Context, tx *db.Tx, st *Settlement) ([]mealPosting, error) {
	rows, err := tx.Query(ctx, `SELECT m.id, m.region_code, m.served_on, m.meal_type, m.price_fen, m.diner_pays_fen,
		m.city_fen, m.district_fen, m.street_fen, m.status, m.ledger_transaction_id IS NOT NULL, `+heldFlag+`
		FROM meal_transactions m WHERE m.settlement_id = ? ORDER BY m.id`, st.ID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []mealPosting
	var sum Settlement
	changed := 0
	for rows.Next() {
		var m mealPosting
		var status string
		var posted, held bool
		if err := rows.Scan(&m.id, &m.region, &m.servedOn, &m.mealType, &m.price, &m.diner, &m.city, &m.district, &m.street,
			&status, &posted, &held); err != nil {
			return nil, err
		}
		if posted {
			return nil, fmt.Errorf("meals: meal %d of draft settlement %d is posted already", m.id, st.ID)
		}
		if status != "served" || held {
			changed++
		}
		sum.Price, sum.Diner, sum.City = sum.Price+m.price, sum.Diner+m.diner, sum.City+m.city
		sum.District, sum.Street = sum.District+m.district, sum.Street+m.street
		out = append(out, m)
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	if changed > 0 || len(out) != st.Meals || sum.Price != st.Price || sum.Diner != st.Diner || sum.City != st.City ||
		sum.District != st.District || sum.Street != st.Street {
		return nil, apperr.Msg(apperr.Conflict, "meals.settle.changed", max(changed, 1))
	}
	return out, nil
}
