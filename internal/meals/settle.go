package meals

// # Monthly settlement
//
// A canteen is reimbursed once a month per funding source (DOMAIN.md §10). Its settlement for
// month M gathers the subsidised meals it served up to the last day of M that no earlier
// settlement took: a meal the diner paid in full owes the canteen nothing and never enters one.
// A meal with an open or confirmed anti-fraud flag is held back — counted on the settlement and
// listed on its statement, but not reimbursed — and enters the first settlement generated after
// its flag is cleared. A settlement is a draft until the district approves it; a draft can be
// generated again (its meals are released and taken afresh), an approved one is final and its
// meals are posted to the funds ledger (ledger.go), one balanced transaction per meal.
//
// Generation is set-based: one UPDATE marks a canteen's meals, one query sums them, so a city
// month (about 260,000 meals over 1,224 canteens) costs a few statements per canteen, each
// canteen in its own transaction.

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
)

// Settlement statuses: a draft may be generated again; an approved settlement is posted and final.
const (
	SettlementDraft    = "draft"
	SettlementApproved = "approved"
)

// Settlement is one canteen's monthly settlement: the meals it is reimbursed for, their totals
// by who pays, and what was held back.
type Settlement struct {
	ID          int64
	CanteenID   int64
	CanteenName string
	Operator    string
	Month       civil.Month
	// RegionCode is the canteen's community when the settlement was generated; its first six
	// digits are the district that approves it.
	RegionCode string
	Status     string
	Meals      int
	// Price is what the meals cost; Diner what the diners paid at the counter; City, District
	// and Street what each funding source reimburses.
	Price, Diner, City, District, Street money.Fen
	// HeldMeals and Held count the meals held back by anti-fraud flags and their subsidy.
	HeldMeals  int
	Held       money.Fen
	Version    int
	CreatedBy  string
	CreatedAt  time.Time
	ApprovedBy string
	ApprovedAt time.Time
}

// Subsidy is what the funding sources reimburse together.
func (s *Settlement) Subsidy() money.Fen { return s.City + s.District + s.Street }

// DistrictCode is the district (county) whose approver approves the settlement.
func (s *Settlement) DistrictCode() string {
	if len(s.RegionCode) < 6 {
		return s.RegionCode
	}
	return s.RegionCode[:6]
}

// SettlementRun is what one generation did for a month: the settlements of the canteens it
// covered, drafts just built or rebuilt and approved ones left as they were.
type SettlementRun struct {
	Month       civil.Month
	Settlements []Settlement
	// Built counts the drafts made or remade; Kept the approved settlements left alone.
	Built, Kept int
}

// settleWhere is the condition on meal_transactions (alias m) of the meals a settlement of
// canteen ? up to day ? may take: served, subsidised, in no settlement yet. A meal held back
// matches it too; heldFlag tells the two apart.
const settleWhere = `m.canteen_id = ? AND m.status = 'served' AND m.settlement_id IS NULL AND m.served_on <= ?
	AND m.diner_pays_fen < m.price_fen`

// heldFlag is true for a meal (alias m) that an open or confirmed anti-fraud flag holds back.
const heldFlag = `EXISTS (SELECT 1 FROM meal_flags f WHERE f.transaction_id = m.id AND f.status IN ('open', 'confirmed'))`

// checkSettleMonth refuses a missing month or one that has not begun: nothing can be settled
// for it yet.
func (s *Store) checkSettleMonth(m civil.Month) error {
	if m.IsZero() || m.After(civil.MonthOf(s.today())) {
		return apperr.FieldMsg("month", "meals.settle.bad_month")
	}
	return nil
}

// settles reports whether p may generate settlements for a canteen in region code: the city and
// the districts (auth.MealsSettle) within their scope.
func settles(p *auth.Principal, code string) bool {
	return p != nil && p.Can(auth.MealsSettle) && p.Sees(code)
}

// GenerateSettlements generates month m's settlement of every canteen in p's scope that has
// meals to settle or a draft for m: drafts are rebuilt, approved settlements left alone. Each
// canteen is settled in its own transaction, so a city run is not one huge lock; a failure stops
// the run and leaves the canteens already done settled.
func (s *Store) GenerateSettlements(ctx context.Context, p *auth.Principal, m civil.Month) (SettlementRun, error) {
	run := SettlementRun{Month: m}
	if err := s.checkSettleMonth(m); err != nil {
		return run, err
	}
	if p == nil || !p.Can(auth.MealsSettle) {
		return run, apperr.Msg(apperr.Forbidden, "meals.settle.forbidden")
	}
	ids, err := s.canteensToSettle(ctx, p, m)
	if err != nil {
		return run, err
	}
	for _, id := range ids {
		st, built, err := s.generateOne(ctx, p, id, m)
		if err != nil {
			return run, err
		}
		if built {
			run.Built++
		} else {
			run.Kept++
		}
		run.Settlements = append(run.Settlements, *st)
	}
	return run, nil
}

// GenerateSettlement generates month m's settlement of canteen cid: a draft is rebuilt, an
// approved settlement returned as it is. A canteen with nothing to settle gets an empty draft,
// which shows that it was looked at.
func (s *Store) GenerateSettlement(ctx context.Context, p *auth.Principal, cid int64, m civil.Month) (*Settlement, error) {
	if err := s.checkSettleMonth(m); err != nil {
		return nil, err
	}
	c, err := s.Canteen(ctx, p, cid)
	if err != nil {
		return nil, err
	}
	if !settles(p, c.RegionCode) {
		return nil, apperr.Msg(apperr.Forbidden, "meals.settle.forbidden")
	}
	st, _, err := s.generateOne(ctx, p, cid, m)
	return st, err
}

// canteensToSettle lists the canteens in p's scope with a meal to settle (or to hold back) by
// the end of m, or a draft of m to rebuild.
func (s *Store) canteensToSettle(ctx context.Context, p *auth.Principal, m civil.Month) ([]int64, error) {
	where, args := p.ScopeCondition("c.region_code")
	args = append(args, m.LastDay().String(), m.String())
	return db.Column[int64](s.DB.Query(ctx, `SELECT c.id FROM canteens c WHERE `+where+` AND (
		EXISTS (SELECT 1 FROM meal_transactions m WHERE m.canteen_id = c.id AND m.status = 'served'
			AND m.settlement_id IS NULL AND m.served_on <= ? AND m.diner_pays_fen < m.price_fen)
		OR EXISTS (SELECT 1 FROM meal_settlements s WHERE s.canteen_id = c.id AND s.month = ? AND s.status = 'draft'))
		ORDER BY c.region_code, c.id`, args...))
}

// generateOne settles canteen cid for month m in one transaction and reports whether it built a
// draft (false: the settlement was approved already and is returned untouched).
func (s *Store) generateOne(ctx context.Context, p *auth.Principal, cid int64, m civil.Month) (*Settlement, bool, error) {
	var id int64
	built := false
	err := s.DB.InTx(ctx, func(tx *db.Tx) error {
		var region string
		if err := tx.QueryRow(ctx, `SELECT region_code FROM canteens WHERE id = ?`, cid).Scan(&region); err != nil {
			return err
		}
		now := s.stamp()
		if _, err := tx.Exec(ctx, `INSERT INTO meal_settlements (canteen_id, month, region_code, status, created_by, created_at)
			VALUES (?, ?, ?, 'draft', ?, ?) ON CONFLICT (canteen_id, month) DO NOTHING`, cid, m.String(), region, p.Login, now); err != nil {
			return err
		}
		// An UPDATE, not a SELECT: it holds the settlement's row until commit, so that another
		// generation or an approval of it waits and then sees what this one did.
		var status string
		if err := tx.QueryRow(ctx, `UPDATE meal_settlements SET version = version WHERE canteen_id = ? AND month = ?
			RETURNING id, status`, cid, m.String()).Scan(&id, &status); err != nil {
			return err
		}
		if status != SettlementDraft {
			return nil
		}
		built = true
		if _, err := tx.Exec(ctx, `UPDATE meal_transactions SET settlement_id = NULL WHERE settlement_id = ?`, id); err != nil {
			return err
		}
		last := m.LastDay().String()
		if _, err := tx.Exec(ctx, `UPDATE meal_transactions SET settlement_id = ? WHERE id IN (
			SELECT m.id FROM meal_transactions m WHERE `+settleWhere+` AND NOT `+heldFlag+`)`, id, cid, last); err != nil {
			return err
		}
		var t settleTotals
		if err := tx.QueryRow(ctx, `SELECT COUNT(*), COALESCE(SUM(price_fen), 0), COALESCE(SUM(diner_pays_fen), 0),
			COALESCE(SUM(city_fen), 0), COALESCE(SUM(district_fen), 0), COALESCE(SUM(street_fen), 0)
			FROM meal_transactions WHERE settlement_id = ?`, id).Scan(&t.meals, &t.price, &t.diner, &t.city, &t.district,
			&t.street); err != nil {
			return err
		}
		if err := tx.QueryRow(ctx, `SELECT COUNT(*), COALESCE(SUM(m.price_fen - m.diner_pays_fen), 0)
			FROM meal_transactions m WHERE `+settleWhere+` AND `+heldFlag, cid, last).Scan(&t.heldMeals, &t.held); err != nil {
			return err
		}
		_, err := tx.Exec(ctx, `UPDATE meal_settlements SET region_code = ?, meals = ?, price_fen = ?, diner_fen = ?,
			city_fen = ?, district_fen = ?, street_fen = ?, held_meals = ?, held_fen = ?, created_by = ?, created_at = ?,
			version = version + 1 WHERE id = ?`, region, t.meals, t.price, t.diner, t.city, t.district, t.street,
			t.heldMeals, t.held, p.Login, now, id)
		return err
	})
	if err != nil {
		return nil, false, err
	}
	st, err := settlementByID(ctx, s.DB, id)
	return st, built, err
}

// settleTotals are the sums of a settlement's meals and of those held back.
type settleTotals struct {
	meals, heldMeals                           int
	price, diner, city, district, street, held int64
}

// settlementColumns reads a settlement with its canteen's name and operator (aliases s and c).
const settlementColumns = `s.id, s.canteen_id, c.name, c.operator, s.month, s.region_code, s.status, s.meals, s.price_fen,
	s.diner_fen, s.city_fen, s.district_fen, s.street_fen, s.held_meals, s.held_fen, s.version, s.created_by, s.created_at,
	s.approved_by, s.approved_at`

func scanSettlement(row interface{ Scan(...any) error }) (*Settlement, error) {
	var st Settlement
	var created, approved string
	if err := row.Scan(&st.ID, &st.CanteenID, &st.CanteenName, &st.Operator, &st.Month, &st.RegionCode, &st.Status,
		&st.Meals, &st.Price, &st.Diner, &st.City, &st.District, &st.Street, &st.HeldMeals, &st.Held, &st.Version,
		&st.CreatedBy, &created, &st.ApprovedBy, &approved); err != nil {
		return nil, err
	}
	st.CreatedAt, _ = db.ParseTime(created)
	if approved != "" {
		st.ApprovedAt, _ = db.ParseTime(approved)
	}
	return &st, nil
}

// settlementByID reads settlement id whoever asks; callers check sight.
func settlementByID(ctx context.Context, q db.Querier, id int64) (*Settlement, error) {
	st, err := scanSettlement(q.QueryRow(ctx, `SELECT `+settlementColumns+` FROM meal_settlements s
		JOIN canteens c ON c.id = s.canteen_id WHERE s.id = ?`, id))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, apperr.Msg(apperr.NotFound, "meals.settle.notfound")
	}
	return st, err
}
