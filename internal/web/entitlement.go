package web

import (
	"net/http"
	"strings"
	"time"

	"github.com/minzheng/minzheng/internal/apperr"
	"github.com/minzheng/minzheng/internal/assistance"
	"github.com/minzheng/minzheng/internal/auth"
	"github.com/minzheng/minzheng/internal/civil"
	"github.com/minzheng/minzheng/internal/db"
	"github.com/minzheng/minzheng/internal/money"
)

// entitlementContent is an entitlement with everything a reviewer asks of it: what is paid and
// why (the calculation), who changed it when, and the actions that end or pause it.
type entitlementContent struct {
	E           *assistance.Entitlement
	StatusClass string
	HeadName    string
	RegionName  string
	Lines       []string
	History     []entHistoryRow
	Today       civil.Date
	ReviewLate  bool
	// CanHandle shows the action forms; the store decides which role may do which.
	CanHandle bool
	Forms     map[string]*form // one per action, so an error shows next to its own form
	// Decisions are the decision forms offered for the entitlement's status, in the page's order.
	Decisions     []entDecision
	ReviewReasons []string
	Notice        string
}

// entHistoryRow is one change of an entitlement as the page shows it: values in words.
type entHistoryRow struct {
	At         time.Time
	Actor      string
	FieldKey   string
	Old, New   string
	DecisionID int64
}

// entActions are the forms of the entitlement page.
var entActions = []string{"suspend", "resume", "terminate", "review", "death"}

// entDecision is one of the decision forms of the entitlement page, which differ only in their
// action (the form's path, its key in Forms and in the messages) and their weight.
type entDecision struct {
	Action string // suspend, resume or terminate
	Danger bool   // the decision stops payments
}

// entDecisions lists the decisions an entitlement of status may take: suspending one that pays,
// resuming a suspended one, and ending any that has not ended yet.
func entDecisions(status string) []entDecision {
	var out []entDecision
	switch status {
	case assistance.EntEnded:
		return nil
	case assistance.EntActive, assistance.EntTapering:
		out = append(out, entDecision{Action: "suspend", Danger: true})
	case assistance.EntSuspended:
		out = append(out, entDecision{Action: "resume"})
	}
	return append(out, entDecision{Action: "terminate", Danger: true})
}

func (s *Site) registerEntitlements() {
	s.page("GET", "/entitlements/{id}", auth.CaseView, s.entitlementPage, nil)
	s.page("POST", "/entitlements/{id}/suspend", auth.CaseHandle, s.entitlementDecide("suspend"), nil)
	s.page("POST", "/entitlements/{id}/resume", auth.CaseHandle, s.entitlementDecide("resume"), nil)
	s.page("POST", "/entitlements/{id}/terminate", auth.CaseHandle, s.entitlementDecide("terminate"), nil)
	s.page("POST", "/entitlements/{id}/review", auth.CaseHandle, s.entitlementReview, nil)
	s.page("POST", "/entitlements/{id}/death", auth.CaseHandle, s.entitlementDeath, nil)
	s.registerReviews() // the due-review list is the entitlements' work queue
}

// entStatusClass is the badge colour of an entitlement status; the text is always shown beside it.
func entStatusClass(status string) string {
	switch status {
	case assistance.EntActive:
		return "ok"
	case assistance.EntSuspended, assistance.EntTapering:
		return "warn"
	}
	return ""
}

// entAmount writes an entitlement's amount for tables: "¥1,045.00/月" or "¥3,000.00 一次性".
func (s *Site) entAmount(e *assistance.Entitlement) string {
	if e.OneOff > 0 {
		return e.OneOff.String() + " " + s.msg.T("entitlement.one_off")
	}
	return e.Monthly.String() + s.msg.T("entitlement.per_month")
}

// loadEntitlement builds the page of entitlement {id} within the caller's scope.
func (s *Site) loadEntitlement(r *http.Request) (*entitlementContent, error) {
	ctx := r.Context()
	p, e, err := lookupPath(r, "case.entitlement_notfound", s.deps.Cases.Entitlement)
	if err != nil {
		return nil, err
	}
	hist, err := s.deps.Cases.EntitlementHistory(ctx, p, e.ID)
	if err != nil {
		return nil, err
	}
	c := &entitlementContent{E: e, StatusClass: entStatusClass(e.Status), RegionName: s.regionBelow(r, p, e.RegionCode),
		Today: civil.Today(s.deps.Now()), CanHandle: p.Can(auth.CaseHandle), Forms: map[string]*form{},
		Decisions:     entDecisions(e.Status),
		ReviewReasons: []string{assistance.ReviewScheduled, assistance.ReviewChange, assistance.ReviewDeath}}
	c.ReviewLate = !e.NextReview.IsZero() && e.NextReview.Before(c.Today) && e.Status != assistance.EntEnded
	for _, a := range entActions {
		c.Forms[a] = &form{Errors: map[string]string{}}
	}
	if h, err := s.deps.Registry.Get(ctx, p, e.HouseholdID); err == nil {
		c.HeadName = h.Head().Name
	} else if apperr.KindOf(err) != apperr.NotFound {
		return nil, err
	}
	for _, line := range strings.Split(e.Calculation, "\n") {
		if line = strings.TrimSpace(line); line != "" {
			c.Lines = append(c.Lines, line)
		}
	}
	for _, h := range hist {
		at, _ := db.ParseTime(h.At)
		c.History = append(c.History, entHistoryRow{At: at, Actor: h.Actor, FieldKey: "entitlement.field." + h.Field,
			Old: s.entValue(h.Field, h.Old), New: s.entValue(h.Field, h.New), DecisionID: h.DecisionID})
	}
	return c, nil
}

// entValue writes a history value in words: a status by its name, an amount as money, a month
// and a date as tables show them.
func (s *Site) entValue(field, v string) string {
	if v == "" {
		return "—"
	}
	switch field {
	case "created": // "approve ¥1,045.00/月": the decision kind, then the amount
		if kind, rest, ok := strings.Cut(v, " "); ok {
			return s.msg.T("case.decision."+kind) + " " + rest
		}
	case "status":
		return s.msg.T("case.ent." + v)
	case "monthly":
		if f, err := money.Parse(v); err == nil {
			return f.String()
		}
	case "end_month":
		if m, err := civil.ParseMonth(v); err == nil {
			return m.Chinese()
		}
	}
	return v
}

// entitlementPage shows one entitlement: amount, period, review dates, calculation and history.
func (s *Site) entitlementPage(w http.ResponseWriter, r *http.Request) {
	c, err := s.loadEntitlement(r)
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	if done := r.URL.Query().Get("done"); done == "death" {
		c.Notice = "entitlement.done.death"
	}
	s.render(w, r, http.StatusOK, "entitlement", s.entTitle(c), c)
}

func (s *Site) entTitle(c *entitlementContent) string {
	return s.msg.T("program."+c.E.Program) + " · " + s.msg.T("entitlement.title")
}
