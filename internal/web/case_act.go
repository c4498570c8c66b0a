package web

import (
	"net/http"
	"slices"
	"strconv"
	"strings"

	"github.com/minzheng/minzheng/internal/apperr"
	"github.com/minzheng/minzheng/internal/assistance"
	"github.com/minzheng/minzheng/internal/auth"
	"github.com/minzheng/minzheng/internal/civil"
	"github.com/minzheng/minzheng/internal/httpx"
)

func (s *Site) registerCaseActs() {
	s.page("POST", "/cases/{id}/act", auth.CaseHandle, s.caseAct, nil)
	s.page("POST", "/cases/{id}/extend", auth.CaseHandle, s.caseExtend, nil)
	s.page("POST", "/cases/{id}/withdraw", auth.CaseHandle, s.caseWithdraw, nil)
	s.page("POST", "/cases/{id}/objections/{objection}", auth.CaseHandle, s.caseResolveObjection, nil)
}

// caseAct performs the current step of a case from its form. The case is read first, so that a
// case outside the caller's scope is not found whatever the form holds; the store then decides
// whether the step is the current one, whether the caller may perform it, and whether the case is
// still at the version the form was drawn from.
func (s *Site) caseAct(w http.ResponseWriter, r *http.Request) {
	c, err := s.loadCase(r)
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	f := newForm(r)
	act, err := actionFrom(f)
	if err == nil && irreversible(act) && !confirmed(r) {
		err = apperr.FieldMsg("confirm", "action.confirm_required")
	}
	if err == nil {
		act.IP = httpx.ClientIP(r)
		_, err = s.deps.Cases.Act(r.Context(), auth.FromContext(r.Context()), c.Case.ID, act)
	}
	if err != nil {
		if apperr.KindOf(err) == apperr.Conflict {
			// Someone else acted first: show the case as it stands now.
			if fresh, lerr := s.loadCase(r); lerr == nil {
				c = fresh
			}
		}
		shown := f
		if cur := c.Case.Current; cur == nil || cur.Step != act.Step || !c.Case.CanAct {
			// The form is no longer on the page (the case has moved on, or the step is not the
			// caller's): the message goes on top, and the old values stay out of the form of the
			// step that is current now.
			shown, err = emptyForm(), onTop(err)
		}
		c.Act = shown
		s.caseFailed(w, r, c, shown, err)
		return
	}
	http.Redirect(w, r, caseURL(c.Case.ID), http.StatusSeeOther)
}

// onTop turns an error about one field into one about the whole form.
func onTop(err error) error {
	e := apperr.As(err)
	if e.Kind == apperr.Internal || e.Field == "" {
		return err
	}
	top := *e
	top.Field = ""
	return &top
}

func caseURL(id int64) string { return "/cases/" + strconv.FormatInt(id, 10) }

// irreversible reports whether an act issues a decision notice, which can never be changed
// afterwards: a refusal to accept, and every outcome of 审核确认. Such a form carries a
// confirmation box stating the consequence.
func irreversible(act assistance.Action) bool {
	return act.Step == assistance.StepApprove || (act.Step == assistance.StepAccept && act.Outcome == "refuse")
}

// actionFrom reads a step's form. Typed values that cannot be read (a date, a number, an
// amount) are errors naming their field; whether the values make sense is the store's question.
func actionFrom(f *form) (assistance.Action, error) {
	act := assistance.Action{Step: f.Get("step"), Version: atoi(f.Get("version")), Outcome: f.Get("outcome"),
		Note: strings.TrimSpace(f.Get("note"))}
	var err error
	switch act.Step {
	case assistance.StepAccept:
		var hid int
		if hid, err = intField(f.Values, "household_id"); err != nil {
			return act, err
		}
		act.HouseholdID = int64(hid)
	case assistance.StepVisit:
		v := &assistance.Visit{Investigators: []string{f.Get("investigator1"), f.Get("investigator2")},
			Living: strings.TrimSpace(f.Get("living")), Findings: strings.TrimSpace(f.Get("findings")),
			NeedsMeeting: f.Get("needs_meeting") == "1"}
		if v.VisitedOn, err = dateField(f, "visited_on"); err != nil {
			return act, err
		}
		act.Visit = v
	case assistance.StepMeeting:
		m := &assistance.Meeting{Record: strings.TrimSpace(f.Get("record"))}
		if m.HeldOn, err = dateField(f, "held_on"); err != nil {
			return act, err
		}
		for name, dst := range map[string]*int{"attendees": &m.Attendees, "for": &m.For, "against": &m.Against} {
			if *dst, err = intField(f.Values, name); err != nil {
				return act, apperr.FieldMsg("attendees", "field.number_invalid")
			}
		}
		act.Meeting = m
	case assistance.StepCouncil:
		m := &assistance.Council{Attendees: strings.TrimSpace(f.Get("attendees")), Record: strings.TrimSpace(f.Get("record"))}
		if m.HeldOn, err = dateField(f, "held_on"); err != nil {
			return act, err
		}
		if m.Amount, err = yuanField(f.Values, "amount"); err != nil {
			return act, err
		}
		act.Council = m
	case assistance.StepAdvance, assistance.StepApprove:
		if act.Amount, err = yuanField(f.Values, "amount"); err != nil {
			return act, err
		}
	}
	return act, nil
}

// dateField reads a date typed as 2024-03-01; empty is the zero date, which the store refuses
// with its own message where a date is required.
func dateField(f *form, name string) (civil.Date, error) {
	v := strings.TrimSpace(f.Get(name))
	if v == "" {
		return civil.Date{}, nil
	}
	d, err := civil.ParseDate(v)
	if err != nil {
		return d, apperr.FieldMsg(name, "field.date_invalid")
	}
	return d, nil
}

// requiredDate reads a date that must be given, typed as 2024-03-01; anything else is an error on
// its field with the form's own message badKey.
func requiredDate(f *form, name, badKey string) (civil.Date, error) {
	d, err := civil.ParseDate(strings.TrimSpace(f.Get(name)))
	if err != nil {
		return d, apperr.FieldMsg(name, badKey)
	}
	return d, nil
}

// caseExtend lengthens the statutory limit of a case, once, with a reason.
func (s *Site) caseExtend(w http.ResponseWriter, r *http.Request) {
	c, err := s.loadCase(r)
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	f := newForm(r)
	p := auth.FromContext(r.Context())
	if _, err := s.deps.Cases.Extend(r.Context(), p, c.Case.ID, atoi(f.Get("version")), f.Get("reason"), httpx.ClientIP(r)); err != nil {
		c.Extend = f
		s.caseFailed(w, r, c, f, err)
		return
	}
	http.Redirect(w, r, caseURL(c.Case.ID), http.StatusSeeOther)
}

// caseWithdraw closes a case at the applicant's request. It cannot be undone, so its form
// carries a confirmation box.
func (s *Site) caseWithdraw(w http.ResponseWriter, r *http.Request) {
	c, err := s.loadCase(r)
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	f := newForm(r)
	if !confirmed(r) {
		err = apperr.FieldMsg("confirm", "action.confirm_required")
	} else {
		_, err = s.deps.Cases.Withdraw(r.Context(), auth.FromContext(r.Context()), c.Case.ID, atoi(f.Get("version")),
			strings.TrimSpace(f.Get("reason")), httpx.ClientIP(r))
	}
	if err != nil {
		c.Withdraw = f
		s.caseFailed(w, r, c, f, err)
		return
	}
	http.Redirect(w, r, caseURL(c.Case.ID), http.StatusSeeOther)
}

// caseResolveObjection settles an objection to a public notice: upheld reopens the case for a
// new home visit, dismissed lets the notice run on.
func (s *Site) caseResolveObjection(w http.ResponseWriter, r *http.Request) {
	c, err := s.loadCase(r)
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	oid, err := pathNumber(r, "objection", "case.objection_notfound")
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	f := newForm(r)
	upheld := f.Get("upheld")
	if !slices.Contains([]string{"0", "1"}, upheld) {
		err = apperr.FieldMsg("upheld", "cw.upheld_required")
	} else {
		_, err = s.deps.Cases.ResolveObjection(r.Context(), auth.FromContext(r.Context()), c.Case.ID, atoi(f.Get("version")), oid,
			upheld == "1", f.Get("resolution"), httpx.ClientIP(r))
	}
	if err != nil {
		c.Objection, c.ObjectionID = f, oid
		s.caseFailed(w, r, c, f, err)
		return
	}
	http.Redirect(w, r, caseURL(c.Case.ID)+"#objections", http.StatusSeeOther)
}
