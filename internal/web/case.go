package web

import (
	"net/http"
	"strconv"

	"github.com/minzheng/minzheng/internal/assistance"
	"github.com/minzheng/minzheng/internal/auth"
	"github.com/minzheng/minzheng/internal/civil"
)

// caseContent is the case page: the application, every step so far with what it recorded, the
// objections, decisions and documents, and the form of the current step when the caller may act.
// Each form on the page has its own *form so that a failed submit re-shows what was typed in that
// form, with each error beside its field.
type caseContent struct {
	Case        *assistance.Case
	Today       civil.Date
	RegionName  string
	StatusClass string
	Steps       []stepView
	// Check is the latest household check, shown again on the approval form.
	Check *assistance.CheckReport
	// Outcomes are the decisions the approval step may take for this kind of case.
	Outcomes []string
	// LowerAmount says the approver may lower a one-off amount (临时救助 applications).
	LowerAmount    bool
	HasMeeting     bool // the workflow may call a 民主评议 after the visit
	NoticeOver     bool // the notice period has ended, so it may be closed
	OpenObjections int
	CanExtend      bool
	CanWithdraw    bool
	CanUpload      bool
	CanResolve     bool
	ExtendedDays   int
	Docs           []docView
	DocKinds       []string
	MaxDocumentMB  int
	MaxDocuments   int
	// TopError is a message not about one field, from whichever form failed.
	TopError string
	Act      *form
	Extend   *form
	Withdraw *form
	Doc      *form
	// Objection is the resolution form of objection ObjectionID, when that one failed.
	Objection   *form
	ObjectionID int64
}

// docView is one document of the case with its size in words.
type docView struct {
	assistance.Document
	SizeText string
}

// stepView is one step of the case as the page shows it. Its key is .Step.Step in a template:
// the embedded Step shadows the step's own Step field.
type stepView struct {
	assistance.Step
	Overdue bool
	// Doer names who performed the step: the officer's login, or 系统自动 for a system step.
	Doer    string
	RoleKey string
}

func (s *Site) registerCase() {
	s.page("GET", "/cases/{id}", auth.CaseView, s.casePage, nil)
	s.registerCaseActs()
	s.registerCaseDocs()
}

func emptyForm() *form { return &form{Errors: map[string]string{}} }

// loadCase reads the case of the path within the caller's scope (out of scope is not found)
// and prepares what the page shows.
func (s *Site) loadCase(r *http.Request) (*caseContent, error) {
	p, k, err := lookupPath(r, "case.notfound", s.deps.Cases.Get)
	if err != nil {
		return nil, err
	}
	today := civil.Today(s.deps.Now())
	c := &caseContent{Case: k, Today: today, RegionName: s.regionBelow(r, p, k.RegionCode), StatusClass: statusClass(k.Status),
		DocKinds: assistance.DocumentKinds(), MaxDocumentMB: assistance.MaxDocumentBytes >> 20, MaxDocuments: assistance.MaxDocuments,
		ExtendedDays: k.Workflow.ExtendedDays, Act: emptyForm(), Extend: emptyForm(), Withdraw: emptyForm(), Doc: emptyForm(),
		Objection: emptyForm()}
	for _, st := range k.Steps {
		v := stepView{Step: st, Overdue: st.Overdue(today), Doer: st.DoneBy}
		switch {
		case st.Level == assistance.System:
			v.Doer = s.msg.T(st.Level.LevelName())
		case st.DoneRole != "":
			v.RoleKey = auth.Role(st.DoneRole).MessageKey()
		}
		c.Steps = append(c.Steps, v)
		if st.Step == assistance.StepCheck && st.Status == "done" && st.Data.Check != nil {
			c.Check = st.Data.Check
		}
	}
	for _, d := range k.Documents {
		c.Docs = append(c.Docs, docView{Document: d, SizeText: sizeText(d.Size)})
	}
	_, c.HasMeeting = k.Workflow.Step(assistance.StepMeeting)
	switch k.Kind {
	case assistance.KindApply:
		c.Outcomes = []string{assistance.DecisionApprove, assistance.DecisionReject}
		c.LowerAmount = k.Program == "temporary"
	case assistance.KindReview:
		c.Outcomes = []string{assistance.DecisionKeep, assistance.DecisionChange, assistance.DecisionTaper, assistance.DecisionTerminate}
	case assistance.KindAppeal:
		c.Outcomes = []string{assistance.DecisionUphold, assistance.DecisionOverturn}
	}
	for _, o := range k.Objections {
		if o.Status == "open" {
			c.OpenObjections++
		}
	}
	if cur := k.Current; cur != nil && cur.Data.Notice != nil {
		c.NoticeOver = today.After(cur.Data.Notice.To)
	}
	active := k.Status == assistance.StatusOpen || k.Status == assistance.StatusSubmitted
	// What the page offers mirrors what the store allows; the store checks again on submit.
	c.CanExtend = k.Status == assistance.StatusOpen && !k.Extended && (p.Role == auth.StreetOfficer || p.Role == auth.DistrictApprover)
	c.CanWithdraw = active && p.Role == auth.StreetOfficer
	c.CanUpload = p.Can(auth.CaseHandle)
	c.CanResolve = k.CanAct && k.Current != nil && k.Current.Step == assistance.StepNotice
	return c, nil
}

// casePage shows a case and, to whoever may perform it, the form of its current step.
func (s *Site) casePage(w http.ResponseWriter, r *http.Request) {
	c, err := s.loadCase(r)
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	s.showCase(w, r, http.StatusOK, c)
}

func (s *Site) showCase(w http.ResponseWriter, r *http.Request, status int, c *caseContent) {
	for _, f := range []*form{c.Act, c.Extend, c.Withdraw, c.Doc, c.Objection} {
		if f.Error != "" && c.TopError == "" {
			c.TopError = f.Error
		}
	}
	title := s.msg.T("cw.case_title", c.Case.ID, c.Case.ApplicantName)
	s.render(w, r, status, "case", title, c)
}

// caseFailed re-shows the case page after a refused form: its message next to its field (or on
// top), what was typed kept, with the status of the refusal (409 for a conflict, 403 for a step
// the caller may not perform, 422 for bad input). An internal error gets the error page instead.
func (s *Site) caseFailed(w http.ResponseWriter, r *http.Request, c *caseContent, f *form, err error) {
	s.refused(w, r, f, err, func(status int) { s.showCase(w, r, status, c) })
}

// sizeText writes a file size as people read it: 850 KB, 2.4 MB.
func sizeText(n int64) string {
	if n < 1<<20 {
		return strconv.FormatInt((n+1023)/1024, 10) + " KB"
	}
	return strconv.FormatFloat(float64(n)/(1<<20), 'f', 1, 64) + " MB"
}
