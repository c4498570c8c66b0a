package payout

import (
	"context"
	"fmt"
	"strings"
	"unicode/utf8"

	"github.com/minzheng/minzheng/internal/apperr"
	"github.com/minzheng/minzheng/internal/auth"
	"github.com/minzheng/minzheng/internal/benefit"
	"github.com/minzheng/minzheng/internal/civil"
	"github.com/minzheng/minzheng/internal/db"
	"github.com/minzheng/minzheng/internal/money"
	"github.com/minzheng/minzheng/internal/policy"
)

// RetroResult counts what a retroactive recalculation queued.
type RetroResult struct {
	Households int
	Arrears    money.Fen // owed to households, carried by the next roster
	Recovered  money.Fen // to recover from households (a positive amount)
}

// Retroactive recalculates, with the parameters as they stand now, the regular payments of
// program already made in district for the months from to to, and queues the difference of
// each entitlement as one adjustment (补发 if the new standard pays more, 追回 if less) with the
// months it covers and the reason. It is how a standard published late, or corrected, reaches
// the households: call it after entering the new value with its real start date. The household
// is taken as the registry holds it today. A district approver runs it; running it twice queues
// nothing new once the difference has been paid or queued.
func (s *Store) Retroactive(ctx context.Context, p *auth.Principal, program, district string, from, to civil.Month, reason string) (RetroResult, error) {
	var res RetroResult
	if err := s.checkTarget(ctx, p, from, program, district); err != nil {
		return res, err
	}
	if p.Role != auth.DistrictApprover {
		return res, apperr.Msg(apperr.Forbidden, "payout.approve_forbidden")
	}
	reason = strings.TrimSpace(reason)
	if reason == "" || utf8.RuneCountInString(reason) > 500 {
		return res, apperr.FieldMsg("reason", "payout.reason_required")
	}
	if to.Before(from) || !civil.MonthOf(s.today()).After(to) {
		return res, apperr.FieldMsg("to", "payout.bad_months")
	}
	set, err := s.params(ctx)
	if err != nil {
		return res, err
	}
	paid, err := s.paidByEntitlement(ctx, program, district, from, to)
	if err != nil {
		return res, err
	}
	tapering := map[int64]bool{}
	for id := range paid {
		ent, err := s.Cases.Entitlement(ctx, auth.System(), id)
		if err != nil {
			return res, err
		}
		tapering[id] = ent.Status == "tapering"
	}
	err = s.DB.InTx(ctx, func(tx *db.Tx) error {
		for _, e := range paid {
			h, err := s.Registry.GetIn(ctx, tx, auth.System(), e.household)
			if err != nil {
				return err
			}
			var diff money.Fen
			first, last := civil.Month{}, civil.Month{}
			for m := from; !m.After(to); m = m.Next() {
				got, ok := e.months[m]
				if !ok {
					continue
				}
				r, err := policy.Evaluate(set, benefit.Request(h, program, m.FirstDay()))
				if err != nil {
					return fmt.Errorf("household %d, %s: %w", e.household, m, err)
				}
				// Today's household is not the month's: one no longer eligible (its 渐退期, a
				// termination after its income rose) was paid rightly then; leave it to Adjust.
				if !r.Eligible || tapering[e.id] {
					continue
				}
				if d := r.MonthlyAmount - got; d != 0 {
					diff += d
					if first.IsZero() {
						first = m
					}
					last = m
				}
			}
			if diff == 0 {
				continue
			}
			kind := Arrears
			if diff < 0 {
				kind = Recovery
				res.Recovered -= diff
			} else {
				res.Arrears += diff
			}
			res.Households++
			if _, err := tx.Exec(ctx, `INSERT INTO adjustments (entitlement_id, household_id, region_code, program, kind, amount_fen,
				from_month, to_month, reason, created_by, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`, e.id, e.household,
				e.region, program, kind, int64(diff), first.String(), last.String(), reason+"（"+monthsText(first, last)+"）",
				p.Login, s.stamp()); err != nil {
				return err
			}
		}
		return nil
	})
	return res, err
}

// paidEntitlement is what one entitlement was paid per month, regular payments and earlier
// adjustments for those months included.
type paidEntitlement struct {
	id, household int64
	region        string
	months        map[civil.Month]money.Fen
}

// paidByEntitlement sums the payments of program in district for months from to to: regular
// lines and missed-month arrears of approved rosters (returned lines count, since they are
// re-issued) plus every adjustment queued or paid for those months, spread evenly over the months
// it covers.
func (s *Store) paidByEntitlement(ctx context.Context, program, district string, from, to civil.Month) (map[int64]*paidEntitlement, error) {
	out := map[int64]*paidEntitlement{}
	rows, err := s.DB.Query(ctx, `SELECT l.entitlement_id, l.household_id, l.region_code, l.from_month, l.to_month, l.amount_fen
		FROM roster_lines l JOIN rosters r ON r.id = l.roster_id
		WHERE r.program = ? AND r.district = ? AND r.status <> 'draft'
		AND (l.kind = 'regular' OR (l.kind = 'arrears' AND l.adjustment_id IS NULL))
		AND l.to_month >= ? AND l.from_month <= ?`, program, district, from.String(), to.String())
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	for rows.Next() {
		var id, hid, amount int64
		var region, f, t string
		if err := rows.Scan(&id, &hid, &region, &f, &t, &amount); err != nil {
			return nil, err
		}
		e := out[id]
		if e == nil {
			e = &paidEntitlement{id: id, household: hid, region: region, months: map[civil.Month]money.Fen{}}
			out[id] = e
		}
		fm, _ := civil.ParseMonth(f)
		tm, _ := civil.ParseMonth(t)
		spread(e.months, fm, tm, money.Fen(amount))
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	rows.Close()
	adj, err := s.DB.Query(ctx, `SELECT entitlement_id, from_month, to_month, amount_fen FROM adjustments
		WHERE program = ? AND kind IN ('arrears', 'recovery') AND to_month >= ? AND from_month <= ?`, program, from.String(), to.String())
	if err != nil {
		return nil, err
	}
	defer adj.Close()
	for adj.Next() {
		var id, amount int64
		var f, t string
		if err := adj.Scan(&id, &f, &t, &amount); err != nil {
			return nil, err
		}
		if e := out[id]; e != nil {
			fm, _ := civil.ParseMonth(f)
			tm, _ := civil.ParseMonth(t)
			spread(e.months, fm, tm, money.Fen(amount))
		}
	}
	return out, adj.Err()
}

// spread adds amount over the months from to to in equal parts, the last month taking the
// remainder of the division.
func spread(months map[civil.Month]money.Fen, from, to civil.Month, amount money.Fen) {
	n := 0
	for m := from; !m.After(to); m = m.Next() {
		n++
	}
	if n == 0 {
		return
	}
	part := amount / money.Fen(n)
	i := 0
	for m := from; !m.After(to); m = m.Next() {
		i++
		if i == n {
			months[m] += amount - part*money.Fen(n-1)
		} else {
			months[m] += part
		}
	}
}
