package web

import (
	"net/http"
	"strings"

	"github.com/minzheng/minzheng/internal/apperr"
	"github.com/minzheng/minzheng/internal/assistance"
	"github.com/minzheng/minzheng/internal/auth"
	"github.com/minzheng/minzheng/internal/civil"
	"github.com/minzheng/minzheng/internal/httpx"
)

// decisionContent is a decision notice as it is printed and handed to the family: the bureau,
// the kind of notice, its number, the applicant by full name (a notice is addressed to them) with
// the ID number masked, and what was decided, why and how the amount was reached.
type decisionContent struct {
	D          assistance.Decision
	TitleKey   string
	Case       *assistance.Case // the case behind the decision; nil when it is out of the caller's sight
	RegionName string
	RoleKey    string // the issuing officer's role, when it is a person's
	IssuedOn   string // 2024年3月1日
	Lines      []string
	Corrects   *assistance.Decision
	Appealable bool // a refusal, a refusal to accept or a termination: the family may ask for 复核
	CanAppeal  bool
	Form       *form
	Notice     string
}

func (s *Site) registerDecisions() {
	s.page("GET", "/decisions/{id}", auth.CaseView, s.decisionPage, nil)
	s.page("POST", "/decisions/{id}/appeal", auth.CaseHandle, s.decisionAppeal, nil)
}

// decisionTitleKey names the printed notice of a decision kind: a grant is a 决定通知书, each
// refusal, ending and appeal answer has its own title.
func decisionTitleKey(d assistance.Decision) string {
	switch d.Kind {
	case assistance.DecisionUphold, assistance.DecisionOverturn:
		return "decision.title.appeal"
	case assistance.DecisionSuspend:
		return "decision.title.suspend"
	case assistance.DecisionTerminate:
		return "decision.title.terminate"
	case assistance.DecisionNotAccepted:
		return "decision.title.not_accepted"
	case assistance.DecisionReject:
		return "decision.title.reject"
	}
	if d.Approving() {
		return "decision.title.approve"
	}
	return "decision.title.other"
}

// appealable reports whether the notice must tell the family of its right to 复核: the decisions
// the store accepts an appeal against.
func appealable(kind string) bool {
	return kind == assistance.DecisionReject || kind == assistance.DecisionNotAccepted || kind == assistance.DecisionTerminate
}

// loadDecision builds the notice of decision {id} within the caller's scope.
func (s *Site) loadDecision(r *http.Request) (*decisionContent, error) {
	ctx := r.Context()
	p, d, err := lookupPath(r, "case.decision_notfound", s.deps.Cases.Decision)
	if err != nil {
		return nil, err
	}
	c := &decisionContent{D: d, TitleKey: decisionTitleKey(d), RegionName: s.scopeName(r, d.RegionCode),
		IssuedOn: civil.DateOf(d.IssuedAt.In(civil.China)).Chinese(), Appealable: appealable(d.Kind),
		Form: &form{Errors: map[string]string{}}}
	c.CanAppeal = c.Appealable && p.Can(auth.CaseHandle)
	if role := auth.Role(d.IssuedRole); role.Valid() {
		c.RoleKey = role.MessageKey()
	}
	for _, line := range strings.Split(d.Explanation, "\n") {
		if line = strings.TrimSpace(line); line != "" {
			c.Lines = append(c.Lines, line)
		}
	}
	if d.ApplicationID != 0 {
		cs, err := s.deps.Cases.Get(ctx, p, d.ApplicationID)
		if err != nil && apperr.KindOf(err) != apperr.NotFound {
			return nil, err
		}
		c.Case = cs
	}
	if d.Corrects != 0 {
		orig, err := s.deps.Cases.Decision(ctx, p, d.Corrects)
		if err != nil && apperr.KindOf(err) != apperr.NotFound {
			return nil, err
		}
		if err == nil {
			c.Corrects = &orig
		}
	}
	return c, nil
}

// decisionPage shows a decision notice; the same page prints on A4 as the paper original that is
// signed, sealed and handed to the family.
func (s *Site) decisionPage(w http.ResponseWriter, r *http.Request) {
	c, err := s.loadDecision(r)
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	if r.URL.Query().Get("done") == "issued" {
		c.Notice = "decision.done.issued"
	}
	s.render(w, r, http.StatusOK, "decision", s.msg.T(c.TitleKey)+" "+c.D.DocNo, c)
}

// decisionAppeal records the family's request for 复核 of a refusal or termination and opens the
// appeal case, which the officer then carries through its steps.
func (s *Site) decisionAppeal(w http.ResponseWriter, r *http.Request) {
	c, err := s.loadDecision(r)
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	f := newForm(r)
	reason := strings.TrimSpace(f.Get("reason"))
	var a *assistance.Application
	if reason == "" {
		// Checked here as well as in the store so that an empty form is answered as bad input
		// whoever sends it, before the store weighs who may open an appeal.
		err = apperr.FieldMsg("reason", "case.reason_required")
	} else {
		a, err = s.deps.Cases.StartAppeal(r.Context(), auth.FromContext(r.Context()), c.D.ID, reason, httpx.ClientIP(r))
	}
	if err != nil {
		s.refused(w, r, f, err, func(status int) {
			c.Form = f
			s.render(w, r, status, "decision", s.msg.T(c.TitleKey)+" "+c.D.DocNo, c)
		})
		return
	}
	http.Redirect(w, r, caseURL(a.ID), http.StatusSeeOther)
}
