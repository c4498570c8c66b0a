package assistance

import (
	"context"
	"strings"
	"unicode/utf8"

	"github.com/minzheng/minzheng/internal/apperr"
	"github.com/minzheng/minzheng/internal/auth"
)

// accept is 受理: the street links the household of the registry and the statutory clock starts.
// A household that already receives the program cannot apply for it again.
func (c *caseTx) accept(ctx context.Context, p *auth.Principal, householdID int64) error {
	st, ok := openStep(c.steps)
	if !ok || st.Step != StepAccept {
		return apperr.Msg(apperr.Conflict, "case.not_current_step")
	}
	number, err := c.s.applicantID(ctx, c.tx, c.a.ID)
	if err != nil {
		return err
	}
	lookup := registryScope(p, c.a)
	if householdID == 0 {
		if householdID, err = c.s.householdOf(ctx, lookup, number); err != nil {
			return err
		}
		if householdID == 0 {
			return apperr.FieldMsg("household_id", "case.household_required")
		}
	}
	h, err := c.s.Registry.GetIn(ctx, c.tx, lookup, householdID)
	if err != nil {
		if apperr.KindOf(err) == apperr.NotFound {
			return apperr.FieldMsg("household_id", "case.household_notfound")
		}
		return err
	}
	// The family assessed and paid is the applicant's own (共同生活家庭), never another.
	if own, err := c.s.householdOf(ctx, lookup, number); err != nil {
		return err
	} else if own != householdID {
		return apperr.FieldMsg("household_id", "case.applicant_not_member")
	}
	// The case moves to the household's community when it lives in the handling street, so that
	// its grid worker sees it; an emergency elsewhere stays with the street where it happened.
	if strings.HasPrefix(h.RegionCode, c.a.RegionCode) && h.RegionCode != c.a.RegionCode {
		c.a.RegionCode = h.RegionCode
		if _, err := c.tx.Exec(ctx, `UPDATE case_steps SET region_code = ? WHERE application_id = ?`, h.RegionCode, c.a.ID); err != nil {
			return err
		}
	}
	var active int
	if err := c.tx.QueryRow(ctx, `SELECT COUNT(*) FROM entitlements WHERE household_id = ? AND program = ?
		AND status IN ('active', 'suspended', 'tapering') AND one_off_fen = 0`, householdID, c.a.Program).Scan(&active); err != nil {
		return err
	}
	if active > 0 {
		return apperr.FieldMsg("household_id", "case.already_receiving")
	}
	// One household is one case of a program, whichever member applies (共同生活家庭): a second
	// open application, or one beside an open appeal, would end in two entitlements.
	var pending int
	if err := c.tx.QueryRow(ctx, `SELECT COUNT(*) FROM applications WHERE household_id = ? AND program = ?
		AND kind IN ('apply', 'appeal') AND status IN ('submitted', 'open') AND id <> ?`, householdID, c.a.Program, c.a.ID).Scan(&pending); err != nil {
		return err
	}
	if pending > 0 {
		return apperr.FieldMsg("household_id", "case.household_open")
	}
	today := c.s.today()
	c.a.HouseholdID, c.a.Status, c.a.AcceptedOn = householdID, StatusOpen, today
	c.a.CaseDue = c.s.cal().AddWorkingDays(today, c.wf.CaseDays)
	return c.finish(ctx, st, p, "accept", "", StepData{HouseholdID: householdID})
}

// registryScope is the scope in which the street looks up the applicant's family: its own, or —
// for a 急难型 emergency, which the street where it happened handles whoever suffers it (DOMAIN.md
// §6) — the whole registry, and then only the applicant's own family, found by the applicant's
// ID number. The case stays with the handling street.
func registryScope(p *auth.Principal, a *Application) *auth.Principal {
	if a.Program == "temporary" && a.Subtype == "emergency" {
		return auth.System()
	}
	return p
}

// refuse is 不予受理, with the reason in writing.
func (c *caseTx) refuse(ctx context.Context, st Step, note string) error {
	if note == "" {
		return apperr.FieldMsg("note", "case.reason_required")
	}
	d, err := c.issue(ctx, decisionInput{kind: DecisionNotAccepted, reasons: note})
	if err != nil {
		return err
	}
	c.a.Status, c.a.ClosedAt = StatusNotAccepted, c.s.now()
	return c.markDone(ctx, st, c.p, "refuse", note, StepData{DecisionID: d.ID})
}

// visit records 入户调查 by two investigators.
func (c *caseTx) visit(ctx context.Context, st Step, act Action) error {
	v := act.Visit
	if v == nil {
		return apperr.FieldMsg("investigators", "case.visit_required")
	}
	var names []string
	for _, n := range v.Investigators {
		if n = strings.TrimSpace(n); n != "" && utf8.RuneCountInString(n) <= 50 {
			names = append(names, n)
		}
	}
	if len(names) < 2 || names[0] == names[1] {
		return apperr.FieldMsg("investigators", "case.two_investigators")
	}
	v.Investigators = names[:2]
	if v.VisitedOn.IsZero() || v.VisitedOn.After(c.s.today()) || v.VisitedOn.Before(c.a.AcceptedOn) {
		return apperr.FieldMsg("visited_on", "case.bad_visit_date")
	}
	if strings.TrimSpace(v.Findings) == "" || utf8.RuneCountInString(v.Findings) > 4000 || utf8.RuneCountInString(v.Living) > 2000 {
		return apperr.FieldMsg("findings", "case.findings_required")
	}
	return c.finish(ctx, st, c.p, "done", act.Note, StepData{Visit: v})
}

// meeting records 民主评议.
func (c *caseTx) meeting(ctx context.Context, st Step, act Action) error {
	m := act.Meeting
	switch {
	case m == nil || m.HeldOn.IsZero() || m.HeldOn.After(c.s.today()):
		return apperr.FieldMsg("held_on", "case.bad_meeting_date")
	case m.HeldOn.Before(c.a.AcceptedOn):
		return apperr.FieldMsg("held_on", "case.meeting_before_acceptance")
	case m.Attendees < 1 || m.For < 0 || m.Against < 0 || m.For+m.Against > m.Attendees:
		return apperr.FieldMsg("attendees", "case.bad_votes")
	case strings.TrimSpace(m.Record) == "" || utf8.RuneCountInString(m.Record) > 4000:
		return apperr.FieldMsg("record", "case.record_required")
	}
	return c.finish(ctx, st, c.p, "done", act.Note, StepData{Meeting: m})
}

// closeNotice ends 公示 once its seven days have passed with no objection left open.
func (c *caseTx) closeNotice(ctx context.Context, st Step, act Action) error {
	n := st.Data.Notice
	if n == nil || !c.s.today().After(n.To) {
		return apperr.Msg(apperr.Conflict, "case.notice_running")
	}
	var open int
	if err := c.tx.QueryRow(ctx, `SELECT COUNT(*) FROM objections WHERE application_id = ? AND status = 'open'`, c.a.ID).Scan(&open); err != nil {
		return err
	}
	if open > 0 {
		return apperr.Msg(apperr.Conflict, "case.objections_open")
	}
	return c.finish(ctx, st, c.p, "done", act.Note, st.Data)
}

// council records 一事一议: the district meeting that sets an amount above the cap.
func (c *caseTx) council(ctx context.Context, st Step, act Action) error {
	m := act.Council
	switch {
	case m == nil || m.HeldOn.IsZero() || m.HeldOn.After(c.s.today()):
		return apperr.FieldMsg("held_on", "case.bad_meeting_date")
	case m.HeldOn.Before(c.a.AcceptedOn):
		return apperr.FieldMsg("held_on", "case.meeting_before_acceptance")
	case strings.TrimSpace(m.Attendees) == "":
		return apperr.FieldMsg("attendees", "case.attendees_required")
	case strings.TrimSpace(m.Record) == "" || utf8.RuneCountInString(m.Record) > 4000:
		return apperr.FieldMsg("record", "case.record_required")
	case m.Amount <= 0 || m.Amount > maxAmount:
		return apperr.FieldMsg("amount", "case.bad_amount")
	}
	return c.finish(ctx, st, c.p, "done", act.Note, StepData{Council: m})
}

// advance is 先行救助: the street pays an emergency at once, up to its own approval limit, and
// the paperwork follows.
func (c *caseTx) advance(ctx context.Context, st Step, act Action) error {
	limit, err := c.townLimit(ctx)
	if err != nil {
		return err
	}
	if act.Amount <= 0 || act.Amount > limit {
		return apperr.FieldMsg("amount", "case.advance_limit", limit)
	}
	d, err := c.issue(ctx, decisionInput{kind: DecisionAdvance, amount: act.Amount, oneOff: true, reasons: act.Note,
		explanation: "先行救助：街道在审批额度内先行支付，材料于 5 日内补齐。"})
	if err != nil {
		return err
	}
	if _, err := c.grant(ctx, d, 0, act.Amount, ""); err != nil {
		return err
	}
	return c.finish(ctx, st, c.p, "done", act.Note, StepData{Amount: act.Amount, DecisionID: d.ID})
}
