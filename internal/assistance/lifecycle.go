package assistance

import (
	"context"
	"strings"
	"unicode/utf8"

	"github.com/minzheng/minzheng/internal/apperr"
	"github.com/minzheng/minzheng/internal/auth"
	"github.com/minzheng/minzheng/internal/civil"
	"github.com/minzheng/minzheng/internal/db"
)

// The reasons a review is opened.
const (
	ReviewScheduled = "scheduled" // the yearly or half-yearly review (DOMAIN.md §3)
	ReviewChange    = "change"    // a change of circumstances
	ReviewDeath     = "death"     // a member died: review within 3 months
)

// StartReview opens a review of entitlement entID: a street officer starts it for a scheduled
// review, a change of circumstances or a death. Its household check runs at once.
func (s *Store) StartReview(ctx context.Context, p *auth.Principal, entID int64, reason, note, ip string) (*Application, error) {
	return s.derived(ctx, p, KindReview, ip, func(tx *db.Tx) (int64, int64, string, error) {
		e, err := s.entitlement(ctx, tx, p, entID)
		if err != nil {
			return 0, 0, "", err
		}
		if reason != ReviewScheduled && reason != ReviewChange && reason != ReviewDeath {
			return 0, 0, "", apperr.FieldMsg("reason", "case.bad_review_reason")
		}
		if e.Status == EntEnded || e.OneOff > 0 {
			return 0, 0, "", apperr.Msg(apperr.Conflict, "case.entitlement_ended")
		}
		var open int
		if err := tx.QueryRow(ctx, `SELECT COUNT(*) FROM applications WHERE entitlement_id = ? AND kind = 'review'
			AND status = 'open'`, e.ID).Scan(&open); err != nil {
			return 0, 0, "", err
		}
		if open > 0 {
			return 0, 0, "", apperr.Msg(apperr.Conflict, "case.review_open")
		}
		return e.DecisionID, e.ID, reason, nil
	}, note)
}

// StartAppeal opens a 复核 of decision decisionID — a refusal, a refusal to accept, or a
// termination — on the applicant's request, recorded by the street officer.
func (s *Store) StartAppeal(ctx context.Context, p *auth.Principal, decisionID int64, note, ip string) (*Application, error) {
	return s.derived(ctx, p, KindAppeal, ip, func(tx *db.Tx) (int64, int64, string, error) {
		d, err := s.decisionIn(ctx, tx, decisionID)
		if err != nil || !p.Sees(d.RegionCode) {
			return 0, 0, "", apperr.Msg(apperr.NotFound, "case.decision_notfound")
		}
		if d.Kind != DecisionReject && d.Kind != DecisionNotAccepted && d.Kind != DecisionTerminate {
			return 0, 0, "", apperr.Msg(apperr.Conflict, "case.appeal_kind")
		}
		var open int
		if err := tx.QueryRow(ctx, `SELECT COUNT(*) FROM applications WHERE appeal_of = ? AND status = 'open'`, d.ID).Scan(&open); err != nil {
			return 0, 0, "", err
		}
		if open > 0 {
			return 0, 0, "", apperr.Msg(apperr.Conflict, "case.appeal_open")
		}
		var corrected int
		if err := tx.QueryRow(ctx, `SELECT COUNT(*) FROM decisions WHERE corrects = ?`, d.ID).Scan(&corrected); err != nil {
			return 0, 0, "", err
		}
		if corrected > 0 {
			return 0, 0, "", apperr.Msg(apperr.Conflict, "case.appeal_corrected")
		}
		return d.ID, d.EntitlementID, "", nil
	}, note)
}

// derived opens a review or an appeal: a case copied from the application behind a decision,
// accepted at once, whose first (system) step runs immediately. It keeps the facts of that
// application (the child of a children's allowance, the 支出型 route of 低保), which the
// calculator needs again; a review adds why it was opened (find's third result).
func (s *Store) derived(ctx context.Context, p *auth.Principal, kind, ip string, find func(*db.Tx) (int64, int64, string, error), note string) (*Application, error) {
	note = strings.TrimSpace(note)
	var id int64
	err := s.DB.InTx(ctx, func(tx *db.Tx) error {
		// Scope first (not found), then the caller's role, then the input.
		decisionID, entID, reviewReason, err := find(tx)
		if err != nil {
			return err
		}
		if p == nil || p.Role != auth.StreetOfficer {
			return apperr.Msg(apperr.Forbidden, "case.step_forbidden.street")
		}
		if note == "" || utf8.RuneCountInString(note) > 2000 {
			return apperr.FieldMsg("note", "case.reason_required")
		}
		orig, err := s.decisionIn(ctx, tx, decisionID)
		if err != nil {
			return err
		}
		appealOf := any(nil)
		if kind == KindAppeal {
			appealOf = decisionID
		}
		var raw string
		if err := tx.QueryRow(ctx, `SELECT details FROM applications WHERE id = ?`, orig.ApplicationID).Scan(&raw); err != nil {
			return err
		}
		var facts Details
		if err := unmarshal(raw, &facts); err != nil {
			return err
		}
		if kind == KindReview {
			facts.ReviewReason = reviewReason
		}
		now, today := s.stamp(), s.today()
		wf, err := WorkflowFor(kind, orig.Program, "")
		if err != nil {
			return err
		}
		due := s.cal().AddWorkingDays(today, wf.CaseDays)
		if err := tx.QueryRow(ctx, `INSERT INTO applications (kind, program, subtype, region_code, household_id, entitlement_id,
			appeal_of, channel, applicant_name, applicant_id_sealed, applicant_id_hash, applicant_id_masked, phone_sealed,
			phone_masked, address, hukou, reason, details, status, accepted_on, case_due, created_by, created_at, updated_at)
			SELECT ?, program, subtype, region_code, household_id, ?, ?, 'system', applicant_name, applicant_id_sealed,
			applicant_id_hash, applicant_id_masked, phone_sealed, phone_masked, address, hukou, ?, ?, 'open', ?, ?, ?, ?, ?
			FROM applications WHERE id = ? RETURNING id`, kind, nullID(entID), appealOf, note, mustJSON(facts), today.String(),
			due.String(), p.Login, now, now, orig.ApplicationID).Scan(&id); err != nil {
			return err
		}
		a, err := s.load(ctx, tx, p, id)
		if err != nil {
			return err
		}
		c, err := s.begin(ctx, tx, p, a, a.Version)
		if err != nil {
			return err
		}
		if err := c.open(ctx, wf.Steps[0]); err != nil {
			return err
		}
		if err := c.commit(ctx); err != nil {
			return err
		}
		_, err = s.Audit.Append(ctx, tx, event(p, "case."+kind, a, ip, map[string]any{"decision": decisionID}))
		return err
	})
	if err != nil {
		return nil, err
	}
	return s.load(ctx, s.DB, p, id)
}

// Extend lengthens the statutory limit of case id to its workflow's extended limit, with a
// reason, as the rules allow for complicated cases (低保: 30 → 45 working days).
func (s *Store) Extend(ctx context.Context, p *auth.Principal, id int64, version int, reason, ip string) (*Application, error) {
	reason = strings.TrimSpace(reason)
	if reason == "" || utf8.RuneCountInString(reason) > 2000 {
		return nil, apperr.FieldMsg("reason", "case.reason_required")
	}
	return s.onCase(ctx, p, id, version, ip, "case.extend", func(c *caseTx) error {
		if c.a.Status != StatusOpen || c.a.Extended {
			return apperr.Msg(apperr.Conflict, "case.cannot_extend")
		}
		if p.Role != auth.DistrictApprover && p.Role != auth.StreetOfficer {
			return apperr.Msg(apperr.Forbidden, "case.step_forbidden.street")
		}
		c.a.Extended, c.a.ExtensionNote = true, reason
		c.a.CaseDue = c.s.cal().AddWorkingDays(c.a.AcceptedOn, c.wf.ExtendedDays)
		if st, ok := openStep(c.steps); ok {
			def, _ := c.wf.Step(st.Step)
			due := def.dueFrom(c.s.cal(), civil.DateOf(st.OpenedAt.In(civil.China)))
			if st.Data.Notice != nil {
				due = c.s.cal().AddWorkingDays(st.Data.Notice.To, 1)
			}
			if c.a.CaseDue.Before(due) {
				due = c.a.CaseDue
			}
			if _, err := c.tx.Exec(ctx, `UPDATE case_steps SET due_on = ? WHERE id = ?`, due.String(), st.ID); err != nil {
				return err
			}
			_, err := c.tx.Exec(ctx, `DELETE FROM reminders WHERE step_id = ?`, st.ID)
			return err
		}
		return nil
	})
}

// Withdraw closes case id at the applicant's request, before a decision.
func (s *Store) Withdraw(ctx context.Context, p *auth.Principal, id int64, version int, reason, ip string) (*Application, error) {
	reason = strings.TrimSpace(reason)
	if reason == "" || utf8.RuneCountInString(reason) > 2000 {
		return nil, apperr.FieldMsg("reason", "case.reason_required")
	}
	return s.onCase(ctx, p, id, version, ip, "case.withdraw", func(c *caseTx) error {
		if c.a.Status != StatusOpen && c.a.Status != StatusSubmitted {
			return apperr.Msg(apperr.Conflict, "case.closed")
		}
		if p.Role != auth.StreetOfficer {
			return apperr.Msg(apperr.Forbidden, "case.step_forbidden.street")
		}
		if st, ok := openStep(c.steps); ok {
			if err := c.markDone(ctx, st, p, "withdrawn", reason, st.Data); err != nil {
				return err
			}
		}
		c.a.Status, c.a.ClosedAt = StatusWithdrawn, c.s.now()
		return nil
	})
}

// onCase runs fn on case id in one transaction against the version the caller saw, and audits it.
func (s *Store) onCase(ctx context.Context, p *auth.Principal, id int64, version int, ip, action string, fn func(*caseTx) error) (*Application, error) {
	err := s.DB.InTx(ctx, func(tx *db.Tx) error {
		a, err := s.load(ctx, tx, p, id)
		if err != nil {
			return err
		}
		if a.Version != version {
			return errStale()
		}
		c, err := s.begin(ctx, tx, p, a, version)
		if err != nil {
			return err
		}
		if err := fn(c); err != nil {
			return err
		}
		if err := c.commit(ctx); err != nil {
			return err
		}
		_, err = s.Audit.Append(ctx, tx, event(p, action, a, ip, nil))
		return err
	})
	if err != nil {
		return nil, err
	}
	return s.load(ctx, s.DB, p, id)
}

// resubmit files application appID again, as submitted and waiting at 受理, when an appeal
// overturns the refusal to accept it. The refused application stays as it was decided.
func (s *Store) resubmit(ctx context.Context, tx *db.Tx, p *auth.Principal, appID int64) (int64, error) {
	var open int
	if err := tx.QueryRow(ctx, `SELECT COUNT(*) FROM applications o JOIN applications a ON a.applicant_id_hash = o.applicant_id_hash
		AND a.program = o.program WHERE o.id = ? AND a.kind = 'apply' AND a.status IN ('submitted', 'open')`, appID).Scan(&open); err != nil {
		return 0, err
	}
	if open > 0 {
		return 0, apperr.Msg(apperr.Conflict, "case.duplicate_open")
	}
	now := s.stamp()
	var id int64
	if err := tx.QueryRow(ctx, `INSERT INTO applications (kind, program, subtype, region_code, channel, citizen_id,
		applicant_name, applicant_id_sealed, applicant_id_hash, applicant_id_masked, phone_sealed, phone_masked, agent_name,
		address, hukou, reason, details, status, created_by, created_at, updated_at)
		SELECT 'apply', program, subtype, region_code, channel, citizen_id, applicant_name, applicant_id_sealed,
		applicant_id_hash, applicant_id_masked, phone_sealed, phone_masked, agent_name, address, hukou, reason, details,
		'submitted', ?, ?, ? FROM applications WHERE id = ? RETURNING id`, p.Login, now, now, appID).Scan(&id); err != nil {
		if db.IsUniqueViolation(err) {
			return 0, apperr.Msg(apperr.Conflict, "case.duplicate_open")
		}
		return 0, err
	}
	a, err := s.load(ctx, tx, auth.System(), id)
	if err != nil {
		return 0, err
	}
	c, err := s.begin(ctx, tx, p, a, a.Version)
	if err != nil {
		return 0, err
	}
	if err := c.open(ctx, c.wf.Steps[0]); err != nil {
		return 0, err
	}
	if err := c.commit(ctx); err != nil {
		return 0, err
	}
	_, err = s.Audit.Append(ctx, tx, event(p, "case.resubmit", c.a, "", map[string]any{"of": appID}))
	return id, err
}
