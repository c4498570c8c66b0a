package monitor

import (
	"context"

	"github.com/minzheng/minzheng/internal/audit"
	"github.com/minzheng/minzheng/internal/civil"
	"github.com/minzheng/minzheng/internal/db"
	"github.com/minzheng/minzheng/internal/msg"
	"github.com/minzheng/minzheng/internal/policy"
)

// DefaultEscalationDays is the district's deadline, in working days from the escalation, for a
// warning the street let run past its own: a default of this project [D], not an official
// figure. A city that sets the policy parameter EscalationParam (count, by region) overrides
// it without a release.
const DefaultEscalationDays = 5

// EscalationParam is the policy parameter that, when present, gives the district's deadline
// in working days for an escalated warning.
const EscalationParam = "monitor.escalation_days"

// Escalate is the scheduled sweep: every warning still at street level, not closed and past its
// due date moves to the district, with a new deadline counted from today, a history event and
// an audit row. It escalates a warning once (the level is part of the condition, and each row
// is moved against its version, so two processes sweeping at once do it once), and returns how
// many it moved.
func (s *Store) Escalate(ctx context.Context) (int, error) {
	today := s.today()
	var set *policy.Set
	if s.Params != nil {
		var err error
		if set, err = s.Params.Load(ctx); err != nil {
			return 0, err
		}
	}
	type due struct {
		id      int64
		region  string
		version int
	}
	n := 0
	err := s.DB.InTx(ctx, func(tx *db.Tx) error {
		rows, err := tx.Query(ctx, `SELECT id, region_code, version FROM monitor_warnings
			WHERE state IN ('open', 'assigned', 'visited') AND due_date < ? AND level = 'street' ORDER BY id`, today.String())
		if err != nil {
			return err
		}
		var overdue []due
		for rows.Next() {
			var d due
			if err := rows.Scan(&d.id, &d.region, &d.version); err != nil {
				rows.Close()
				return err
			}
			overdue = append(overdue, d)
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return err
		}
		now := s.stamp()
		for _, d := range overdue {
			newDue := s.cal().AddWorkingDays(today, escalationDays(set, d.region, today))
			res, err := tx.Exec(ctx, `UPDATE monitor_warnings SET level = 'district', escalated_at = ?, due_date = ?,
				version = version + 1, updated_at = ? WHERE id = ? AND version = ? AND level = 'street'`,
				now, newDue.String(), now, d.id, d.version)
			if err != nil {
				return err
			}
			if k, _ := res.RowsAffected(); k != 1 {
				continue
			}
			w := &Warning{ID: d.id, RegionCode: d.region}
			if err := s.logAct(ctx, tx, 0, audit.System, "", "", w, "escalate", msg.Default().T("monitor.escalate_note", newDue.String()),
				map[string]any{"due": newDue.String()}); err != nil {
				return err
			}
			n++
		}
		return nil
	})
	if err != nil {
		return 0, err
	}
	return n, nil
}

// escalationDays is the district's deadline for a warning of region on day: the policy
// parameter where the city set one, DefaultEscalationDays otherwise.
func escalationDays(set *policy.Set, region string, on civil.Date) int {
	if set == nil {
		return DefaultEscalationDays
	}
	p, err := set.Lookup(EscalationParam, region, "", on)
	if err != nil || p.Value <= 0 { // no value for this area and day: the default applies
		return DefaultEscalationDays
	}
	return int(p.Value)
}
