package assistance

import (
	"context"

	"github.com/minzheng/minzheng/internal/auth"
	"github.com/minzheng/minzheng/internal/civil"
	"github.com/minzheng/minzheng/internal/db"
)

// Sweep is the periodic job of the platform: it raises a reminder for every open step past its
// due date (once per step), and ends tapering or fixed-term entitlements whose last month has
// passed, suspended or not. It returns the number of reminders raised and entitlements ended.
func (s *Store) Sweep(ctx context.Context) (reminders, ended int, err error) {
	today := s.today()
	err = s.DB.InTx(ctx, func(tx *db.Tx) error {
		// ON CONFLICT: another process's sweep may raise the same reminder at the same moment
		// (PostgreSQL; SQLite has one writer); the NOT EXISTS alone would then fail this sweep.
		res, err := tx.Exec(ctx, `INSERT INTO reminders (step_id, region_code, level, raised_at)
			SELECT st.id, st.region_code, st.level, ? FROM case_steps st
			WHERE st.status = 'open' AND st.due_on <> '' AND st.due_on < ?
			AND NOT EXISTS (SELECT 1 FROM reminders r WHERE r.step_id = st.id)
			ON CONFLICT (step_id) DO NOTHING`, s.stamp(), today.String())
		if err != nil {
			return err
		}
		n, _ := res.RowsAffected()
		reminders = int(n)
		// A suspended entitlement ends at its last month too: suspension pauses payment, it does
		// not extend a fixed term or a 渐退期.
		rows, err := tx.Query(ctx, `SELECT `+entColumns+` FROM entitlements WHERE status IN ('active', 'tapering', 'suspended')
			AND end_month <> '' AND end_month < ?`, civil.MonthOf(today).String())
		if err != nil {
			return err
		}
		var due []*Entitlement
		for rows.Next() {
			e, err := scanEntitlement(rows)
			if err != nil {
				rows.Close()
				return err
			}
			due = append(due, e)
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return err
		}
		for _, e := range due {
			if err := s.change(ctx, tx, auth.System(), e, e.Version, 0, entChange{status: EntEnded}); err != nil {
				return err
			}
			if t, ok := tierOf[e.Program]; ok && e.OneOff == 0 {
				if err := s.Registry.EndTier(ctx, tx, auth.System(), e.HouseholdID, t, e.EndMonth.LastDay()); err != nil {
					return err
				}
			}
		}
		ended = len(due)
		return nil
	})
	return reminders, ended, err
}

// Reminder is an overdue step brought to its responsible officer's attention.
type Reminder struct {
	Task
	RaisedAt string
}

// Reminders lists the unseen reminders of the steps p is responsible for.
func (s *Store) Reminders(ctx context.Context, p *auth.Principal) ([]Reminder, error) {
	level := ""
	switch p.Role {
	case auth.StreetOfficer:
		level = string(Street)
	case auth.DistrictApprover:
		level = string(District)
	default:
		return nil, nil
	}
	cond, args := p.ScopeCondition("r.region_code")
	rows, err := s.DB.Query(ctx, `SELECT a.id, a.kind, a.program, a.subtype, a.region_code, a.applicant_name, st.step, st.level,
		st.due_on, a.version, r.raised_at FROM reminders r JOIN case_steps st ON st.id = r.step_id
		JOIN applications a ON a.id = st.application_id
		WHERE `+cond+` AND r.level = ? AND r.seen_at = '' AND st.status = 'open' ORDER BY st.due_on, a.id LIMIT 200`,
		append(args, level)...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []Reminder
	today := s.today()
	for rows.Next() {
		var r Reminder
		var lv, due string
		if err := rows.Scan(&r.ApplicationID, &r.Kind, &r.Program, &r.Subtype, &r.RegionCode, &r.ApplicantName, &r.Step, &lv,
			&due, &r.Version, &r.RaisedAt); err != nil {
			return nil, err
		}
		r.Level = Level(lv)
		r.DueOn, _ = civil.ParseDate(due)
		r.Overdue = r.DueOn.Before(today)
		out = append(out, r)
	}
	return out, rows.Err()
}
