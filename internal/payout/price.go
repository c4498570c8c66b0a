package payout

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"

	"github.com/minzheng/minzheng/internal/apperr"
	"github.com/minzheng/minzheng/internal/assistance"
	"github.com/minzheng/minzheng/internal/audit"
	"github.com/minzheng/minzheng/internal/auth"
	"github.com/minzheng/minzheng/internal/civil"
	"github.com/minzheng/minzheng/internal/db"
	"github.com/minzheng/minzheng/internal/money"
	"github.com/minzheng/minzheng/internal/policy"
)

// PriceSubsidy is the program key of the 价格临时补贴 rosters.
const PriceSubsidy = "price_subsidy"

// priceCovered are the monthly programs whose recipients the price subsidy covers (DOMAIN.md §7);
// unemployment-benefit recipients are paid by the human-resources bureau, not here.
var priceCovered = []string{"dibao", "tekun", "orphan", "de_facto_orphan"}

// PriceIndex is a month's consumer price rises, year on year, in per mille.
type PriceIndex struct {
	Month      civil.Month
	CPI        int64
	FoodCPI    int64
	Source     string
	RecordedBy string
	RecordedAt string
}

// SetPriceIndex records (or corrects) a month's CPI and food-CPI rises. Only the city
// administrator enters them: they decide whether the whole city's price subsidy is paid.
func (s *Store) SetPriceIndex(ctx context.Context, p *auth.Principal, x PriceIndex, ip string) error {
	if p == nil || p.Role != auth.CityAdmin {
		return apperr.Msg(apperr.Forbidden, "payout.forbidden")
	}
	switch {
	case x.Month.IsZero():
		return apperr.FieldMsg("month", "payout.bad_month")
	case x.CPI < -500 || x.CPI > 500:
		return apperr.FieldMsg("cpi", "payout.bad_cpi")
	case x.FoodCPI < -500 || x.FoodCPI > 500:
		return apperr.FieldMsg("food_cpi", "payout.bad_cpi")
	case strings.TrimSpace(x.Source) == "":
		return apperr.FieldMsg("source", "payout.cpi_source")
	}
	return s.DB.InTx(ctx, func(tx *db.Tx) error {
		if _, err := tx.Exec(ctx, `INSERT INTO price_indices (month, cpi_yoy_permille, food_cpi_yoy_permille, source, recorded_by, recorded_at)
			VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (month) DO UPDATE SET cpi_yoy_permille = excluded.cpi_yoy_permille,
			food_cpi_yoy_permille = excluded.food_cpi_yoy_permille, source = excluded.source, recorded_by = excluded.recorded_by,
			recorded_at = excluded.recorded_at`, x.Month.String(), x.CPI, x.FoodCPI, strings.TrimSpace(x.Source), p.Login, s.stamp()); err != nil {
			return err
		}
		_, err := s.Audit.Append(ctx, tx, audit.Event{ActorID: p.UserID, Actor: p.Login, Role: string(p.Role), IP: ip,
			Action: "payout.price_index", TargetType: "price_index", TargetID: x.Month.String(),
			Detail: map[string]any{"cpi_permille": x.CPI, "food_cpi_permille": x.FoodCPI, "source": x.Source}})
		return err
	})
}

// PriceIndices lists the recorded months, newest first.
func (s *Store) PriceIndices(ctx context.Context) ([]PriceIndex, error) {
	rows, err := s.DB.Query(ctx, `SELECT month, cpi_yoy_permille, food_cpi_yoy_permille, source, recorded_by, recorded_at
		FROM price_indices ORDER BY month DESC`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []PriceIndex
	for rows.Next() {
		var x PriceIndex
		var m string
		if err := rows.Scan(&m, &x.CPI, &x.FoodCPI, &x.Source, &x.RecordedBy, &x.RecordedAt); err != nil {
			return nil, err
		}
		x.Month, _ = civil.ParseMonth(m)
		out = append(out, x)
	}
	return out, rows.Err()
}

// priceIndex reads month m's rises; a month not yet entered is a conflict naming it.
func priceIndex(ctx context.Context, q db.Querier, m civil.Month) (policy.CPIMonth, error) {
	x := policy.CPIMonth{Month: m}
	err := q.QueryRow(ctx, `SELECT cpi_yoy_permille, food_cpi_yoy_permille FROM price_indices WHERE month = ?`, m.String()).
		Scan(&x.CPI, &x.FoodCPI)
	if errors.Is(err, sql.ErrNoRows) {
		return x, apperr.Msg(apperr.Conflict, "payout.no_cpi", m.Chinese())
	}
	return x, err
}

// priceCoverage is what one household's price subsidy rests on: the entitlement the line names
// (its 低保 one if it has one) and how many of its members are covered.
type priceCoverage struct {
	entitlement int64
	region      string
	dibao       bool
	others      int
}

// buildPriceSubsidy writes the month's price-subsidy lines: one per household with a covered
// entitlement paying that month, the per-person subsidy of the policy calculator (the 低保
// standard of the household's district and 户籍 type × the CPI rise) times the covered persons —
// the whole household under 低保, otherwise one person per other covered entitlement.
func (b *builder) buildPriceSubsidy(ctx context.Context) error {
	cpi, err := priceIndex(ctx, b.tx, b.month)
	if err != nil {
		return err
	}
	set, err := b.s.params(ctx)
	if err != nil {
		return err
	}
	covered := map[int64]*priceCoverage{}
	var order []int64
	for _, program := range priceCovered {
		err := b.s.Cases.EachPayable(ctx, program, b.district, b.month, func(e assistance.Payable) error {
			if e.OneOff > 0 || !e.PaysIn(b.month) {
				return nil
			}
			c := covered[e.HouseholdID]
			if c == nil {
				c = &priceCoverage{entitlement: e.EntitlementID, region: e.RegionCode}
				covered[e.HouseholdID] = c
				order = append(order, e.HouseholdID)
			}
			if program == "dibao" {
				c.dibao, c.entitlement = true, e.EntitlementID
			} else {
				c.others++
			}
			return nil
		})
		if err != nil {
			return err
		}
	}
	if len(covered) == 0 {
		return nil
	}
	if b.sizes, err = b.s.Registry.HouseholdSizes(ctx, b.district); err != nil {
		return err
	}
	hukous, err := b.s.Registry.HouseholdHukous(ctx, b.district)
	if err != nil {
		return err
	}
	if b.payees, err = loadPayees(ctx, b.tx, b.district); err != nil {
		return err
	}
	perPerson := map[string]money.Fen{}
	for _, hid := range order {
		c := covered[hid]
		hukou := hukous[hid]
		each, ok := perPerson[hukou]
		if !ok {
			if each, err = b.pricePerPerson(set, cpi, hukou); err != nil {
				return err
			}
			perPerson[hukou] = each
		}
		persons := c.others
		if c.dibao {
			persons = b.sizes[hid]
		}
		persons = min(max(persons, 1), max(b.sizes[hid], 1))
		b.add(Line{EntitlementID: c.entitlement, HouseholdID: hid, RegionCode: c.region, Kind: OneOff, Amount: each * money.Fen(persons),
			Persons: persons, From: b.month, To: b.month, Reason: fmt.Sprintf("价格临时补贴 %s：每人 %s × %d 人", b.month.Chinese(), each, persons)})
	}
	return b.flush(ctx)
}

// pricePerPerson asks the policy calculator for the month's subsidy per covered person in the
// district for hukou; a month below both thresholds is a conflict carrying the calculator's reason.
func (b *builder) pricePerPerson(set *policy.Set, cpi policy.CPIMonth, hukou string) (money.Fen, error) {
	res, err := policy.Evaluate(set, policy.Request{Program: PriceSubsidy, Date: b.month.FirstDay(), Month: b.month,
		RegionCode: b.district, Hukou: hukou, CPI: []policy.CPIMonth{cpi},
		// One member receiving 低保 (of any age: the subsidy does not depend on it) stands for each.
		Members: []policy.Member{{ID: "1", BirthDate: civil.Date{Year: 1970, Month: 1, Day: 1}, Receives: []string{"dibao"}}}})
	if err != nil {
		return 0, err
	}
	if !res.Eligible {
		return 0, apperr.Msg(apperr.Conflict, "payout.price_not_triggered", strings.Join(res.Reasons, "；"))
	}
	return res.Standard, nil
}
