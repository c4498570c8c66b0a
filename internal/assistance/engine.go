package assistance

import (
	"context"
	"fmt"

	"github.com/minzheng/minzheng/internal/auth"
	"github.com/minzheng/minzheng/internal/civil"
	"github.com/minzheng/minzheng/internal/db"
	"github.com/minzheng/minzheng/internal/money"
)

// caseTx is one act on a case inside a transaction: the case as loaded, its workflow and steps,
// and what the act changes. commit writes the case back against the version it was read at.
type caseTx struct {
	s     *Store
	tx    *db.Tx
	p     *auth.Principal
	a     *Application
	wf    *Workflow
	steps []Step
	// version is the version the caller saw; the update fails if another act came first.
	version int
}

// open inserts the row of step def, due on the earlier of its own deadline and the case's, and
// makes it the current step. A system step runs at once.
func (c *caseTx) open(ctx context.Context, def StepDef) error {
	today := c.s.today()
	level := def.Level
	if level == ByAmount {
		var err error
		if level, err = c.approvalLevel(ctx); err != nil {
			return err
		}
	}
	var data StepData
	due := civil.Date{}
	if def.NoticeDays > 0 {
		data.Notice = &Notice{From: today, To: today.AddDays(def.NoticeDays - 1)}
		due = c.s.cal().AddWorkingDays(data.Notice.To, 1)
	} else {
		due = def.dueFrom(c.s.cal(), today)
	}
	if !c.a.CaseDue.IsZero() && c.a.CaseDue.Before(due) {
		due = c.a.CaseDue
	}
	var id int64
	if err := c.tx.QueryRow(ctx, `INSERT INTO case_steps (application_id, region_code, step, level, status, opened_at, due_on, data)
		VALUES (?, ?, ?, ?, 'open', ?, ?, ?) RETURNING id`, c.a.ID, c.a.RegionCode, def.Step, string(level), c.s.stamp(),
		due.String(), mustJSON(data)).Scan(&id); err != nil {
		return err
	}
	st := Step{ID: id, Step: def.Step, Level: level, Status: "open", OpenedAt: c.s.now(), DueOn: due, Data: data}
	c.steps = append(c.steps, st)
	c.a.CurrentStep = def.Step
	if level == System {
		return c.runSystem(ctx, st)
	}
	return nil
}

// runSystem performs a system step: today only the automatic household check.
func (c *caseTx) runSystem(ctx context.Context, st Step) error {
	if st.Step != StepCheck {
		return fmt.Errorf("assistance: no automatic action for step %s", st.Step)
	}
	report, err := c.s.check(ctx, c.tx, c.a)
	if err != nil {
		return err
	}
	return c.finish(ctx, st, auth.System(), "done", "", StepData{Check: report})
}

// finish marks step st done by p and opens the next step the workflow calls for, or leaves the
// case on no step when the workflow is complete.
func (c *caseTx) finish(ctx context.Context, st Step, p *auth.Principal, outcome, note string, data StepData) error {
	if err := c.markDone(ctx, st, p, outcome, note, data); err != nil {
		return err
	}
	next, ok := c.next(st.Step)
	if !ok {
		c.a.CurrentStep = ""
		return nil
	}
	return c.open(ctx, next)
}

// markDone records step st as done by p, and opens nothing: the act that ends a case uses it.
func (c *caseTx) markDone(ctx context.Context, st Step, p *auth.Principal, outcome, note string, data StepData) error {
	c.a.CurrentStep = ""
	if _, err := c.tx.Exec(ctx, `UPDATE case_steps SET status = 'done', done_at = ?, done_by = ?, done_role = ?, outcome = ?,
		note = ?, data = ? WHERE id = ? AND status = 'open'`, c.s.stamp(), p.Login, string(p.Role), outcome, note,
		mustJSON(data), st.ID); err != nil {
		return err
	}
	for i := range c.steps {
		if c.steps[i].ID == st.ID {
			c.steps[i].Status, c.steps[i].Outcome, c.steps[i].Data = "done", outcome, data
		}
	}
	return nil
}

// next finds the step after key whose condition holds.
func (c *caseTx) next(key string) (StepDef, bool) {
	after := false
	for _, def := range c.wf.Steps {
		if after && c.included(def) {
			return def, true
		}
		if def.Step == key {
			after = true
		}
	}
	return StepDef{}, false
}

// included reports whether a conditional step applies to this case.
func (c *caseTx) included(def StepDef) bool {
	switch def.When {
	case "needs_meeting":
		v, ok := lastDone(c.steps, StepVisit)
		return ok && v.Data.Visit != nil && v.Data.Visit.NeedsMeeting
	case "escalation":
		ch, ok := lastDone(c.steps, StepCheck)
		return ok && ch.Data.Check != nil && ch.Data.Check.Escalation
	}
	return true
}

// approvalLevel is who approves a 临时救助 case: the street up to the town limit, the district
// above it or when the case went to 一事一议.
func (c *caseTx) approvalLevel(ctx context.Context) (Level, error) {
	amount := c.proposedAmount()
	if _, ok := lastDone(c.steps, StepCouncil); ok {
		return District, nil
	}
	set, err := c.s.params(ctx)
	if err != nil {
		return "", err
	}
	limit, err := set.Lookup("temporary.town_limit", c.a.RegionCode, c.a.Hukou, c.s.today())
	if err != nil {
		return District, nil // without a published limit the district decides
	}
	if int64(amount) <= limit.Value {
		return Street, nil
	}
	return District, nil
}

// proposedAmount is the one-off amount the case stands at: the council's, else the check's.
func (c *caseTx) proposedAmount() money.Fen {
	if co, ok := lastDone(c.steps, StepCouncil); ok && co.Data.Council != nil {
		return co.Data.Council.Amount
	}
	if ch, ok := lastDone(c.steps, StepCheck); ok && ch.Data.Check != nil {
		return ch.Data.Check.OneOff
	}
	return 0
}

// commit writes the case back, failing with a conflict if someone else changed it since the
// caller read it.
func (c *caseTx) commit(ctx context.Context) error {
	res, err := c.tx.Exec(ctx, `UPDATE applications SET status = ?, current_step = ?, region_code = ?, household_id = ?, accepted_on = ?,
		case_due = ?, extended = ?, extension_reason = ?, closed_at = ?, version = version + 1, updated_at = ?
		WHERE id = ? AND version = ?`, c.a.Status, c.a.CurrentStep, c.a.RegionCode, nullID(c.a.HouseholdID), dateText(c.a.AcceptedOn),
		dateText(c.a.CaseDue), c.a.Extended, c.a.ExtensionNote, timeText(c.a.ClosedAt), c.s.stamp(), c.a.ID, c.version)
	if err != nil {
		return err
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return errStale()
	}
	c.a.Version = c.version + 1
	return nil
}
