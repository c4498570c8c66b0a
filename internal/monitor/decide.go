package monitor

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/minzheng/minzheng/internal/apperr"
	"github.com/minzheng/minzheng/internal/assistance"
	"github.com/minzheng/minzheng/internal/auth"
	"github.com/minzheng/minzheng/internal/db"
	"github.com/minzheng/minzheng/internal/msg"
)

// Decision is the outcome of a verified warning, as the street or district decides it.
type Decision struct {
	// Outcome is OutcomeAssist, OutcomeReview, OutcomeStop or OutcomeDismiss.
	Outcome string
	// Note is why; required to dismiss.
	Note string
	// Program is the assistance program to apply for (assist, required), or the program whose
	// entitlement to review or suspend when the household has several (review, stop).
	Program string
}

// Decide closes visited warning id with an outcome, fed back to the assistance module:
//
//   - assist opens an application for the household (window intake, accepted at once, so it
//     is the street officer's act, as 受理 always is);
//   - review opens a review of the household's running entitlement (the street's act too);
//   - stop suspends that entitlement pending review (暂停发放, the district approver's
//     decision, as the assistance rules have it);
//   - dismiss only records the reason.
//
// A warning cannot be closed without a visit. The assistance store writes in its own
// transaction (it has no way to join ours, and SQLite has one writer), so the step runs first
// and the warning is closed after it against the version the caller saw; should closing fail —
// another act won the race — the step is undone (the application withdrawn, the entitlement
// resumed) and the error returned, so no outcome is left without its warning or the reverse.
func (s *Store) Decide(ctx context.Context, p *auth.Principal, id int64, version int, d Decision, ip string) (*Warning, error) {
	d.Outcome, d.Note, d.Program = strings.TrimSpace(d.Outcome), strings.TrimSpace(d.Note), strings.TrimSpace(d.Program)
	w, err := s.warningIn(ctx, s.DB, p, id)
	if err != nil {
		return nil, err
	}
	if err := mayDecide(p, w, d); err != nil {
		return nil, err
	}
	if w.Version != version {
		return nil, apperr.Msg(apperr.Conflict, "monitor.stale")
	}
	ref, undo, err := s.feedBack(ctx, p, w, d, ip)
	if err != nil {
		return nil, err
	}
	out, err := s.act(ctx, p, id, version, ip, func(tx *db.Tx, w *Warning) (change, error) {
		if err := mayDecide(p, w, d); err != nil {
			return change{}, err
		}
		note := msg.Default().T("monitor.outcome." + d.Outcome)
		if d.Note != "" {
			note += "：" + d.Note
		}
		return change{set: "state = ?, closed_at = ?, outcome = ?, outcome_note = ?, outcome_ref = ?",
			args: []any{StateClosed, s.stamp(), d.Outcome, d.Note, ref}, action: "decide", note: note,
			detail: map[string]any{"outcome": d.Outcome, "ref": ref, "program": d.Program}}, nil
	})
	if err != nil && undo != nil {
		if uerr := undo(); uerr != nil {
			err = errors.Join(err, fmt.Errorf("monitor: undo %s after warning %d was not closed: %w", ref, id, uerr))
		}
	}
	return out, err
}

// mayDecide refuses a decision p may not take on w, or one that is incomplete: who directs the
// warning decides; the warning must have been visited; each outcome is taken at the level the
// assistance rules name; dismissing needs a reason, assisting a program; and every outcome but
// dismissal needs the household to be in the database.
func mayDecide(p *auth.Principal, w *Warning, d Decision) error {
	if !directs(p, w) {
		return apperr.Msg(apperr.Forbidden, "monitor.decide_forbidden")
	}
	switch w.State {
	case StateClosed:
		return apperr.Msg(apperr.Conflict, "monitor.closed")
	case StateVisited:
	default:
		return apperr.Msg(apperr.Conflict, "monitor.not_visited")
	}
	switch d.Outcome {
	case OutcomeAssist, OutcomeReview:
		if p.Role != auth.StreetOfficer {
			return apperr.Msg(apperr.Forbidden, "monitor.outcome_street")
		}
	case OutcomeStop:
		if p.Role != auth.DistrictApprover {
			return apperr.Msg(apperr.Forbidden, "monitor.outcome_district")
		}
	case OutcomeDismiss:
		if d.Note == "" {
			return apperr.FieldMsg("note", "monitor.reason_required")
		}
	default:
		return apperr.FieldMsg("outcome", "monitor.outcome_invalid")
	}
	if utf8.RuneCountInString(d.Note) > maxText {
		return apperr.FieldMsg("note", "monitor.too_long", maxText)
	}
	if d.Outcome == OutcomeAssist && !slices.Contains(assistance.Programs(), d.Program) {
		return apperr.FieldMsg("program", "monitor.program_invalid")
	}
	if d.Outcome != OutcomeDismiss && w.HouseholdID == 0 {
		return apperr.FieldMsg("outcome", "monitor.not_registered")
	}
	return nil
}

// feedBack performs the outcome's step in the assistance module and returns its reference
// ("application:<id>", "entitlement:<id>") and how to undo it.
func (s *Store) feedBack(ctx context.Context, p *auth.Principal, w *Warning, d Decision, ip string) (string, func() error, error) {
	t := msg.Default().T
	reason := feedbackText(t("monitor.feedback_reason", w.ID, w.Summary), d.Note)
	withdraw := func(app *assistance.Application) func() error {
		return func() error {
			_, err := s.Cases.Withdraw(ctx, p, app.ID, app.Version, t("monitor.undo_reason"), ip)
			return err
		}
	}
	switch d.Outcome {
	case OutcomeAssist:
		app, err := s.openApplication(ctx, p, w, d.Program, reason, ip)
		if err != nil {
			return "", nil, err
		}
		return "application:" + strconv.FormatInt(app.ID, 10), withdraw(app), nil
	case OutcomeReview:
		e, err := s.runningEntitlement(ctx, p, w, d.Program, assistance.EntActive, assistance.EntTapering, assistance.EntSuspended)
		if err != nil {
			return "", nil, err
		}
		app, err := s.Cases.StartReview(ctx, p, e.ID, assistance.ReviewChange, reason, ip)
		if err != nil {
			return "", nil, err
		}
		return "application:" + strconv.FormatInt(app.ID, 10), withdraw(app), nil
	case OutcomeStop:
		e, err := s.runningEntitlement(ctx, p, w, d.Program, assistance.EntActive, assistance.EntTapering)
		if err != nil {
			return "", nil, err
		}
		if _, err := s.Cases.Suspend(ctx, p, e.ID, e.Version, reason, ip); err != nil {
			return "", nil, err
		}
		return "entitlement:" + strconv.FormatInt(e.ID, 10), func() error {
			now, err := s.Cases.Entitlement(ctx, p, e.ID)
			if err != nil {
				return err
			}
			_, err = s.Cases.Resume(ctx, p, now.ID, now.Version, t("monitor.undo_reason"), ip)
			return err
		}, nil
	}
	return "", nil, nil
}

// openApplication files an application for program on behalf of w's household at the window
// of its street, in the head's name (the person the registry already holds, so no ID number is
// typed or revealed). A children's allowance names the warned person as the child; 临时救助 is
// filed as 支出型, the kind agency data point to (medical and similar spending), and the street
// completes its amount in the case.
func (s *Store) openApplication(ctx context.Context, p *auth.Principal, w *Warning, program, reason, ip string) (*assistance.Application, error) {
	h, err := s.Registry.Get(ctx, p, w.HouseholdID)
	if err != nil {
		return nil, err
	}
	applicant := w.PersonID
	if head := h.Head(); head != nil {
		applicant = head.ID
	}
	street := h.RegionCode
	if len(street) > 9 {
		street = street[:9]
	}
	in := assistance.Intake{Program: program, RegionCode: street, HouseholdID: h.ID, ApplicantPersonID: applicant,
		Address: h.Address, Hukou: string(h.Hukou), Reason: reason}
	switch program {
	case "temporary":
		in.Subtype = "expense"
	case "orphan", "de_facto_orphan", "vulnerable_child":
		in.Details.ChildPersonID = w.PersonID
	}
	return s.Cases.Submit(ctx, assistance.Applicant{Officer: p, IP: ip}, in)
}

// runningEntitlement picks the entitlement of w's household that a review or a suspension
// concerns: the one of program when named; otherwise the only recurring one in one of statuses,
// or among several the one of the program matching the warned person's tier.
func (s *Store) runningEntitlement(ctx context.Context, p *auth.Principal, w *Warning, program string, statuses ...string) (*assistance.Entitlement, error) {
	all, err := s.Cases.Entitlements(ctx, p, w.HouseholdID)
	if err != nil {
		return nil, err
	}
	var found []*assistance.Entitlement
	for _, e := range all {
		if e.OneOff == 0 && slices.Contains(statuses, e.Status) && (program == "" || e.Program == program) {
			found = append(found, e)
		}
	}
	if len(found) > 1 {
		var byTier []*assistance.Entitlement
		for _, e := range found {
			if e.Program == w.Tier {
				byTier = append(byTier, e)
			}
		}
		if len(byTier) != 1 {
			return nil, apperr.FieldMsg("program", "monitor.entitlement_ambiguous")
		}
		found = byTier
	}
	if len(found) == 0 {
		e := apperr.Msg(apperr.Conflict, "monitor.no_entitlement")
		e.Field = "outcome"
		return nil, e
	}
	return found[0], nil
}

// feedbackText joins the warning's reason and the decider's note into one text that fits an
// application's reason field.
func feedbackText(reason, note string) string {
	if note != "" {
		reason += "；" + note
	}
	if r := []rune(reason); len(r) > maxText {
		reason = string(r[:maxText])
	}
	return reason
}
