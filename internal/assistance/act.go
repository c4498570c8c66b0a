package assistance

import (
	"context"
	"strings"
	"unicode/utf8"

	"github.com/minzheng/minzheng/internal/apperr"
	"github.com/minzheng/minzheng/internal/auth"
	"github.com/minzheng/minzheng/internal/db"
	"github.com/minzheng/minzheng/internal/money"
)

// Action is one officer's act on the current step of a case.
type Action struct {
	// Step is the step the officer is acting on; it must be the case's current step.
	Step string
	// Version is the version of the case the officer saw.
	Version int
	// Outcome: accept or refuse (受理); approve or reject (审核确认 of an application); keep,
	// change, taper or terminate (of a review); uphold or overturn (of an appeal); done otherwise.
	Outcome string
	// Note is the reason or remark; a refusal, rejection or termination must give one.
	Note        string
	HouseholdID int64     // accept: the registry household
	Visit       *Visit    // visit
	Meeting     *Meeting  // meeting
	Council     *Council  // council
	Amount      money.Fen // advance: the amount paid at once; approve: a lower one-off amount
	IP          string
}

// begin loads the workflow and steps of case a for an act at version.
func (s *Store) begin(ctx context.Context, tx *db.Tx, p *auth.Principal, a *Application, version int) (*caseTx, error) {
	wf, err := WorkflowFor(a.Kind, a.Program, a.Subtype)
	if err != nil {
		return nil, err
	}
	steps, err := s.steps(ctx, tx, a.ID)
	if err != nil {
		return nil, err
	}
	return &caseTx{s: s, tx: tx, p: p, a: a, wf: wf, steps: steps, version: version}, nil
}

// Act performs an action on the current step of case id. The step must be the current one (no
// step can be skipped), the caller must hold the step's level within scope, and the case must
// still be at the version the caller saw; the whole act — the step, the next step, a decision
// and its entitlement — is one transaction.
func (s *Store) Act(ctx context.Context, p *auth.Principal, id int64, act Action) (*Application, error) {
	if utf8.RuneCountInString(act.Note) > 2000 {
		return nil, apperr.FieldMsg("note", "case.too_long")
	}
	act.Note = strings.TrimSpace(act.Note)
	err := s.DB.InTx(ctx, func(tx *db.Tx) error {
		a, err := s.load(ctx, tx, p, id)
		if err != nil {
			return err
		}
		if a.Version != act.Version {
			return errStale()
		}
		if a.Status != StatusSubmitted && a.Status != StatusOpen {
			return apperr.Msg(apperr.Conflict, "case.closed")
		}
		c, err := s.begin(ctx, tx, p, a, act.Version)
		if err != nil {
			return err
		}
		st, ok := openStep(c.steps)
		if !ok || st.Step != act.Step {
			return apperr.Msg(apperr.Conflict, "case.not_current_step")
		}
		if err := mustAct(p, st.Level, st.Step, a.RegionCode); err != nil {
			return err
		}
		if err := c.do(ctx, st, act); err != nil {
			return err
		}
		if err := c.commit(ctx); err != nil {
			return err
		}
		_, err = s.Audit.Append(ctx, tx, event(p, "case."+st.Step, a, act.IP, map[string]any{"outcome": act.Outcome}))
		return err
	})
	if err != nil {
		return nil, err
	}
	return s.load(ctx, s.DB, p, id)
}

// do dispatches an act to its step.
func (c *caseTx) do(ctx context.Context, st Step, act Action) error {
	switch st.Step {
	case StepAccept:
		if act.Outcome == "refuse" {
			return c.refuse(ctx, st, act.Note)
		}
		if act.Outcome != "accept" {
			return apperr.FieldMsg("outcome", "case.bad_outcome")
		}
		return c.accept(ctx, c.p, act.HouseholdID)
	case StepVisit:
		return c.visit(ctx, st, act)
	case StepMeeting:
		return c.meeting(ctx, st, act)
	case StepNotice:
		return c.closeNotice(ctx, st, act)
	case StepCouncil:
		return c.council(ctx, st, act)
	case StepAdvance:
		return c.advance(ctx, st, act)
	case StepComplete:
		return c.finish(ctx, st, c.p, "done", act.Note, StepData{})
	case StepApprove:
		return c.approve(ctx, st, act)
	}
	return apperr.Msg(apperr.Conflict, "case.not_current_step")
}
