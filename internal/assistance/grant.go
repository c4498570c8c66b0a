package assistance

import (
	"context"
	"fmt"

	"github.com/minzheng/minzheng/internal/apperr"
	"github.com/minzheng/minzheng/internal/auth"
	"github.com/minzheng/minzheng/internal/civil"
	"github.com/minzheng/minzheng/internal/db"
	"github.com/minzheng/minzheng/internal/money"
	"github.com/minzheng/minzheng/internal/registry"
)

// tierOf is the registry tier a program puts a household in, if any.
var tierOf = map[string]registry.Tier{
	"dibao": registry.Dibao, "tekun": registry.Tekun, "dibao_edge": registry.DibaoEdge, "rigid_expense": registry.RigidExpense,
}

// grant creates the entitlement a decision grants: monthly from the month after the decision
// (DOMAIN.md §3), or one-off in the decision's month, with its first review date; and puts the
// household in the program's tier.
func (c *caseTx) grant(ctx context.Context, d Decision, monthly, oneOff money.Fen, calculation string) (int64, error) {
	today := c.s.today()
	start := civil.MonthOf(today).Next()
	var end civil.Month
	var review civil.Date
	months := c.reviewMonths(ctx)
	if oneOff > 0 {
		start, end = civil.MonthOf(today), civil.MonthOf(today)
	} else if months > 0 {
		review = addMonths(today, months)
	}
	if c.a.Program == "rigid_expense" {
		if valid, err := c.paramValue(ctx, "rigid_expense.valid_months"); err == nil && valid > 0 {
			end = start.AddMonths(int(valid) - 1)
		}
	}
	if oneOff == 0 {
		// Whatever path leads here (an application, an appeal overturning an old refusal), a
		// household holds one entitlement of a program at a time.
		var active int
		if err := c.tx.QueryRow(ctx, `SELECT COUNT(*) FROM entitlements WHERE household_id = ? AND program = ?
			AND status IN ('active', 'suspended', 'tapering') AND one_off_fen = 0`, c.a.HouseholdID, c.a.Program).Scan(&active); err != nil {
			return 0, err
		}
		if active > 0 {
			return 0, apperr.Msg(apperr.Conflict, "case.already_granted")
		}
	}
	now := c.s.stamp()
	var id int64
	if err := c.tx.QueryRow(ctx, `INSERT INTO entitlements (household_id, region_code, program, status, monthly_fen, one_off_fen,
		start_month, end_month, next_review, review_months, calculation, decision_id, created_at, updated_at)
		VALUES (?, ?, ?, 'active', ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`, c.a.HouseholdID, c.a.RegionCode, c.a.Program,
		int64(monthly), int64(oneOff), start.String(), monthText(end), dateText(review), months, calculation, d.ID, now, now,
	).Scan(&id); err != nil {
		if db.IsUniqueViolation(err) { // a concurrent decision granted the program first
			return 0, apperr.FieldMsg("household_id", "case.already_receiving")
		}
		return 0, err
	}
	if err := c.s.history(ctx, c.tx, c.p, id, d.ID, "created", "", fmt.Sprintf("%s %s", d.Kind, amountText(monthly, oneOff))); err != nil {
		return 0, err
	}
	if t, ok := tierOf[c.a.Program]; ok && oneOff == 0 {
		if err := c.s.Registry.StartTier(ctx, c.tx, c.p, c.a.HouseholdID, t, start.FirstDay()); err != nil {
			return 0, err
		}
	}
	if oneOff == 0 {
		if err := c.supersede(ctx, d, start.Prev()); err != nil {
			return 0, err
		}
	}
	return id, nil
}

// supersedes lists the recognitions a program replaces (DOMAIN.md §5): 低保边缘 is for families
// in neither 低保 nor 特困, 刚性支出困难 for families in none of the three.
var supersedes = map[string][]string{
	"dibao":      {"dibao_edge", "rigid_expense"},
	"tekun":      {"dibao_edge", "rigid_expense"},
	"dibao_edge": {"rigid_expense"},
}

// supersede ends, by decision d and with their history, the household's running entitlements of
// the programs the granted one replaces, at month last (the month before the new one starts),
// and takes the household out of their tiers.
func (c *caseTx) supersede(ctx context.Context, d Decision, last civil.Month) error {
	for _, program := range supersedes[c.a.Program] {
		rows, err := c.tx.Query(ctx, `SELECT `+entColumns+` FROM entitlements WHERE household_id = ? AND program = ?
			AND status IN ('active', 'suspended', 'tapering') AND one_off_fen = 0 ORDER BY id`, c.a.HouseholdID, program)
		if err != nil {
			return err
		}
		var running []*Entitlement
		for rows.Next() {
			e, err := scanEntitlement(rows)
			if err != nil {
				rows.Close()
				return err
			}
			running = append(running, e)
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return err
		}
		for _, e := range running {
			end := last // before its start month if it never took effect, as a termination
			if err := c.s.change(ctx, c.tx, c.p, e, e.Version, d.ID, entChange{status: EntEnded, end: end}); err != nil {
				return err
			}
			if t, ok := tierOf[program]; ok {
				if err := c.s.Registry.EndTier(ctx, c.tx, c.p, e.HouseholdID, t, end.LastDay()); err != nil {
					return err
				}
			}
		}
	}
	return nil
}

// reviewMonths is how often the entitlement is reviewed: the workflow's interval, or every 6
// months for a household with unstable income or members able to work (DOMAIN.md §3).
func (c *caseTx) reviewMonths(ctx context.Context) int {
	months := c.wf.ReviewMonths
	if months == 0 || c.a.Program != "dibao" {
		return months
	}
	h, err := c.s.Registry.GetIn(ctx, c.tx, auth.System(), c.a.HouseholdID)
	if err != nil {
		return months
	}
	today := c.s.today()
	for _, m := range h.Members {
		if age := m.AgeOn(today); age >= 16 && age < 60 && m.WorkCapacity == "full" {
			return 6
		}
	}
	return months
}

func (c *caseTx) paramValue(ctx context.Context, name string) (int64, error) {
	set, err := c.s.params(ctx)
	if err != nil {
		return 0, err
	}
	p, err := set.Lookup(name, c.a.RegionCode, c.a.Hukou, c.s.today())
	return p.Value, err
}

// history writes one change of an entitlement: who, when, what before, what after, and the
// decision that made it.
func (s *Store) history(ctx context.Context, tx *db.Tx, p *auth.Principal, entID, decisionID int64, field, old, new string) error {
	_, err := tx.Exec(ctx, `INSERT INTO entitlement_history (entitlement_id, at, actor, field, old_value, new_value, decision_id)
		VALUES (?, ?, ?, ?, ?, ?, ?)`, entID, s.stamp(), p.Login, field, old, new, nullID(decisionID))
	return err
}

func amountText(monthly, oneOff money.Fen) string {
	if oneOff > 0 {
		return oneOff.String() + " 一次性"
	}
	return monthly.String() + "/月"
}

// addMonths is the same day n months later, clamped to the month's end.
func addMonths(d civil.Date, n int) civil.Date {
	m := civil.MonthOf(d).AddMonths(n)
	last := m.LastDay()
	if d.Day > last.Day {
		return last
	}
	return civil.Date{Year: m.Year, Month: m.Month, Day: d.Day}
}
