package assistance

import (
	"context"
	"database/sql"
	"errors"
	"strings"
	"unicode/utf8"

	"github.com/minzheng/minzheng/internal/apperr"
	"github.com/minzheng/minzheng/internal/audit"
	"github.com/minzheng/minzheng/internal/auth"
	"github.com/minzheng/minzheng/internal/civil"
	"github.com/minzheng/minzheng/internal/db"
)

// Suspend stops payments of entitlement id from next month (暂停发放), pending a review; a
// district approver decides, with a reason, and a decision notice is issued.
func (s *Store) Suspend(ctx context.Context, p *auth.Principal, id int64, version int, reason, ip string) (Decision, error) {
	return s.decideEntitlement(ctx, p, id, version, reason, ip, DecisionSuspend, func(tx *db.Tx, e *Entitlement) (entChange, string, error) {
		if e.Status != EntActive && e.Status != EntTapering {
			return entChange{}, "", apperr.Msg(apperr.Conflict, "case.entitlement_not_active")
		}
		return entChange{status: EntSuspended}, "自 " + civil.MonthOf(s.today()).Next().Chinese() + "起暂停发放。", nil
	})
}

// Resume restarts a suspended entitlement.
func (s *Store) Resume(ctx context.Context, p *auth.Principal, id int64, version int, reason, ip string) (Decision, error) {
	return s.decideEntitlement(ctx, p, id, version, reason, ip, DecisionResume, func(tx *db.Tx, e *Entitlement) (entChange, string, error) {
		if e.Status != EntSuspended {
			return entChange{}, "", apperr.Msg(apperr.Conflict, "case.entitlement_not_suspended")
		}
		// Back to what it was when suspended: an entitlement in its 渐退期 goes on tapering.
		status := EntActive
		var was string
		err := tx.QueryRow(ctx, `SELECT old_value FROM entitlement_history WHERE entitlement_id = ? AND field = 'status'
			AND new_value = 'suspended' ORDER BY id DESC LIMIT 1`, e.ID).Scan(&was)
		if err != nil && !errors.Is(err, sql.ErrNoRows) {
			return entChange{}, "", err
		}
		if was == EntTapering {
			status = EntTapering
		}
		return entChange{status: status}, "恢复发放。", nil
	})
}

// Terminate ends entitlement id at the end of this month with a written notice (终止通知书) and
// takes the household out of the program's tier.
func (s *Store) Terminate(ctx context.Context, p *auth.Principal, id int64, version int, reason, ip string) (Decision, error) {
	return s.decideEntitlement(ctx, p, id, version, reason, ip, DecisionTerminate, func(tx *db.Tx, e *Entitlement) (entChange, string, error) {
		if e.Status == EntEnded {
			return entChange{}, "", apperr.Msg(apperr.Conflict, "case.entitlement_ended")
		}
		end := civil.MonthOf(s.today())
		return entChange{status: EntEnded, end: end}, "自 " + end.Next().Chinese() + "起停发。", nil
	})
}

func (s *Store) decideEntitlement(ctx context.Context, p *auth.Principal, id int64, version int, reason, ip, kind string,
	fn func(*db.Tx, *Entitlement) (entChange, string, error)) (Decision, error) {
	reason = strings.TrimSpace(reason)
	if reason == "" || utf8.RuneCountInString(reason) > 2000 {
		return Decision{}, apperr.FieldMsg("reason", "case.reason_required")
	}
	var d Decision
	err := s.DB.InTx(ctx, func(tx *db.Tx) error {
		e, err := s.entitlement(ctx, tx, p, id)
		if err != nil {
			return err
		}
		if err := mustAct(p, District, StepApprove, e.RegionCode); err != nil {
			return err
		}
		if e.Version != version {
			return apperr.Msg(apperr.Conflict, "case.entitlement_stale")
		}
		ch, explanation, err := fn(tx, e)
		if err != nil {
			return err
		}
		orig, err := s.decisionIn(ctx, tx, e.DecisionID)
		if err != nil {
			return err
		}
		d, err = s.issue(ctx, tx, p, orig.ApplicationID, e.HouseholdID, e.RegionCode, e.Program,
			decisionInput{kind: kind, reasons: reason, entitlement: e.ID, amount: e.Monthly, explanation: explanation})
		if err != nil {
			return err
		}
		if err := s.change(ctx, tx, p, e, version, d.ID, ch); err != nil {
			return err
		}
		if t, ok := tierOf[e.Program]; ok && kind == DecisionTerminate {
			if err := s.Registry.EndTier(ctx, tx, p, e.HouseholdID, t, ch.end.LastDay()); err != nil {
				return err
			}
		}
		_, err = s.Audit.Append(ctx, tx, audit.Event{ActorID: p.UserID, Actor: p.Login, Role: string(p.Role), Action: "entitlement." + kind,
			TargetType: "entitlement", TargetID: itoa(e.ID), RegionCode: e.RegionCode, IP: ip, Detail: map[string]any{"decision": d.DocNo}})
		return err
	})
	return d, err
}

// ReportDeath records that a member of the household of entitlement id died on date, which
// brings its next review forward to within three months of the death (DOMAIN.md §3).
func (s *Store) ReportDeath(ctx context.Context, p *auth.Principal, id int64, version int, died civil.Date, note, ip string) error {
	if died.IsZero() || died.After(s.today()) {
		return apperr.FieldMsg("died_on", "case.bad_death_date")
	}
	if note = strings.TrimSpace(note); utf8.RuneCountInString(note) > 2000 {
		return apperr.FieldMsg("note", "case.too_long")
	}
	return s.DB.InTx(ctx, func(tx *db.Tx) error {
		e, err := s.entitlement(ctx, tx, p, id)
		if err != nil {
			return err
		}
		if err := mustAct(p, Street, StepAccept, e.RegionCode); err != nil {
			return err
		}
		if e.Version != version {
			return apperr.Msg(apperr.Conflict, "case.entitlement_stale")
		}
		due := addMonths(died, 3)
		if !e.NextReview.IsZero() && e.NextReview.Before(due) {
			due = e.NextReview
		}
		if err := s.change(ctx, tx, p, e, version, 0, entChange{nextReview: due}); err != nil {
			return err
		}
		if err := s.history(ctx, tx, p, e.ID, 0, "death", "", died.String()+" "+note); err != nil {
			return err
		}
		_, err = s.Audit.Append(ctx, tx, audit.Event{ActorID: p.UserID, Actor: p.Login, Role: string(p.Role), Action: "entitlement.death",
			TargetType: "entitlement", TargetID: itoa(e.ID), RegionCode: e.RegionCode, IP: ip})
		return err
	})
}
