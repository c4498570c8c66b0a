package web

import (
	"net/http"
	"sort"

	"github.com/minzheng/minzheng/internal/apperr"
	"github.com/minzheng/minzheng/internal/assistance"
	"github.com/minzheng/minzheng/internal/auth"
	"github.com/minzheng/minzheng/internal/civil"
	"github.com/minzheng/minzheng/internal/db"
	"github.com/minzheng/minzheng/internal/monitor"
	"github.com/minzheng/minzheng/internal/monitor/feed"
	"github.com/minzheng/minzheng/internal/pii"
)

// monitorWarningContent is the warning page: what the rule found, the person and household,
// what has been done so far, and the forms the caller may use. Each form has its own *form so
// that a failed submit re-shows what was typed in it, with each error beside its field.
type monitorWarningContent struct {
	W        *monitor.Warning
	Row      warningRow
	IDMasked string
	Rule     *monitor.Rule
	// Sources names the agency data the rule reads (医保个人自付费用 · 医疗保障局).
	Sources  []string
	Evidence []evidenceItem
	Events   []warningEvent
	Visits   []monitor.Visit
	Today    civil.Date
	// What the caller may do now; the store checks again on submit.
	CanAssign, CanVisit, CanDecide bool
	Assignees                      []assigneeChoice
	Programs                       []string
	Outcomes                       []string
	Assign, Visit, Decide          *form
	TopError                       string
	Done                           string
}

// evidenceItem is one value the rule read or compared, labelled in Chinese where a label exists.
type evidenceItem struct{ Field, Label, Value string }

// warningEvent is one step of the warning's history, its action named.
type warningEvent struct {
	monitor.Event
	ActionLabel string
	AtText      string
}

// assigneeChoice is a user a warning may be assigned to.
type assigneeChoice struct {
	Login, Name string
	Role        auth.Role
}

// monitorWarningNotFound is the message of a warning that does not exist or lies outside the
// caller's scope.
const monitorWarningNotFound = "monitor.ui.warning_notfound"

// loadWarning reads the warning of the path within the caller's scope (out of scope is not
// found) and prepares what the page shows.
func (s *Site) loadWarning(r *http.Request) (*monitorWarningContent, error) {
	p := auth.FromContext(r.Context())
	id, err := pathNumber(r, "id", monitorWarningNotFound)
	if err != nil {
		return nil, err
	}
	wn, events, visits, err := s.deps.Monitor.Warning(r.Context(), p, id)
	if err != nil {
		return nil, err
	}
	today := civil.Today(s.deps.Now())
	c := &monitorWarningContent{W: wn, Row: s.warningRows(r, p, []monitor.Warning{*wn})[0], Visits: visits, Today: today,
		Programs: assistance.Programs(), Outcomes: warningOutcomes(p, wn),
		Assign: emptyForm(), Visit: emptyForm(), Decide: emptyForm(), Done: r.URL.Query().Get("done")}
	if wn.PersonID > 0 {
		if ident, err := s.deps.Registry.IdentityOf(r.Context(), p, wn.PersonID); err == nil {
			c.IDMasked = ident.IDMasked
		}
	}
	for _, rl := range monitor.Rules() {
		if rl.ID == wn.Rule {
			c.Rule = &rl
			for _, name := range rl.Sources {
				if src, ok := feed.Lookup(name); ok {
					c.Sources = append(c.Sources, src.Label+" · "+src.Agency)
				}
			}
		}
	}
	c.Evidence = s.evidenceItems(wn.Evidence)
	for _, e := range events {
		at, _ := db.ParseTime(e.At)
		c.Events = append(c.Events, warningEvent{Event: e, ActionLabel: s.labelOr("monitor.ui.action."+e.Action, e.Action), AtText: formatTime(at)})
	}
	c.CanAssign, c.CanVisit, c.CanDecide = warningActs(p, wn)
	if c.CanAssign {
		if c.Assignees, err = s.assignees(r, p, wn.RegionCode); err != nil {
			return nil, err
		}
	}
	return c, nil
}

// warningActs says which forms the warning page offers p, mirroring the store: whoever directs
// the warning (the district approver; the street officer while it is at street level, or once
// the district handed it back by name) assigns it, records visits until it is closed and, after
// a visit, decides; a grid worker records the visit of a warning assigned to it.
func warningActs(p *auth.Principal, wn *monitor.Warning) (assign, visit, decide bool) {
	if !p.Can(auth.MonitorHandle) {
		return false, false, false
	}
	directs := p.Role == auth.DistrictApprover ||
		(p.Role == auth.StreetOfficer && (wn.Level == monitor.LevelStreet || wn.Assignee == p.Login))
	open := wn.State == monitor.StateOpen || wn.State == monitor.StateAssigned
	visit = wn.State != monitor.StateClosed && (directs || (p.Role == auth.GridWorker && wn.Assignee != "" && wn.Assignee == p.Login))
	return directs && open, visit, directs && wn.State == monitor.StateVisited
}

// warningOutcomes are the outcomes p may decide on wn, as the assistance rules assign them: the
// street opens applications and reviews (受理 is the street's), the district suspends payment;
// either may dismiss. Someone not in the database can only be dismissed until registered.
func warningOutcomes(p *auth.Principal, wn *monitor.Warning) []string {
	var out []string
	if wn.HouseholdID > 0 {
		switch p.Role {
		case auth.StreetOfficer:
			out = append(out, monitor.OutcomeAssist, monitor.OutcomeReview)
		case auth.DistrictApprover:
			out = append(out, monitor.OutcomeStop)
		}
	}
	return append(out, monitor.OutcomeDismiss)
}

// assignees lists the active grid workers and street officers whose scope covers code, among the
// users the caller's scope covers: those are whom the store accepts as assignee.
func (s *Site) assignees(r *http.Request, p *auth.Principal, code string) ([]assigneeChoice, error) {
	var out []assigneeChoice
	for _, role := range []auth.Role{auth.GridWorker, auth.StreetOfficer} {
		users, _, err := s.deps.Auth.ListUsers(r.Context(), p, auth.UserFilter{Role: role, PerPage: 200})
		if err != nil {
			return nil, err
		}
		for _, u := range users {
			if !u.Disabled && u.Scope.Contains(code) {
				out = append(out, assigneeChoice{Login: u.Login, Name: u.Name, Role: u.Role})
			}
		}
	}
	return out, nil
}

// evidenceItems lists the evidence in field order, each labelled by the catalogue, else by the
// agency feed that has a field of that name, else by the field's own name.
func (s *Site) evidenceItems(ev map[string]string) []evidenceItem {
	labels := map[string]string{}
	for _, src := range feed.Sources() {
		for _, f := range src.Fields {
			if _, ok := labels[f.Name]; !ok {
				labels[f.Name] = f.Label
			}
		}
	}
	out := make([]evidenceItem, 0, len(ev))
	for k, v := range ev {
		label := labels[k]
		if key := "monitor.evidence." + k; s.msg.Has(key) {
			label = s.msg.T(key)
		}
		if label == "" {
			label = k
		}
		if k == "id" || k == "id_number" {
			v = pii.MaskID(v)
		}
		out = append(out, evidenceItem{Field: k, Label: label, Value: v})
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Field < out[j].Field })
	return out
}

// labelOr is the catalogue text of key, or fallback when the catalogue has no such key.
func (s *Site) labelOr(key, fallback string) string {
	if s.msg.Has(key) {
		return s.msg.T(key)
	}
	return fallback
}

// monitorWarningPage shows a warning and, to whoever may act on it, its forms.
func (s *Site) monitorWarningPage(w http.ResponseWriter, r *http.Request) {
	c, err := s.loadWarning(r)
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	s.showWarning(w, r, http.StatusOK, c)
}

func (s *Site) showWarning(w http.ResponseWriter, r *http.Request, status int, c *monitorWarningContent) {
	for _, f := range []*form{c.Assign, c.Visit, c.Decide} {
		if f.Error != "" && c.TopError == "" {
			c.TopError = f.Error
		}
	}
	s.render(w, r, status, "monitor_warning", s.msg.T("monitor.ui.warning_title", c.W.ID, c.Row.RuleLabel), c)
}

// warningFailed re-shows the warning page after form which ("assign", "visit" or "decide") was
// refused: what was typed stays, each error beside its field (fields lists the ones the form
// shows; any other goes on top). After a conflict — someone else acted first — the page shows
// the warning as it stands now, with the message on top.
func (s *Site) warningFailed(w http.ResponseWriter, r *http.Request, c *monitorWarningContent, which string, f *form, err error, fields ...string) {
	err = onlyFields(err, fields)
	if apperr.KindOf(err) == apperr.Conflict {
		if fresh, lerr := s.loadWarning(r); lerr == nil {
			c = fresh
		}
		err = onTop(err)
	}
	switch which {
	case "assign":
		c.Assign = f
	case "visit":
		c.Visit = f
	default:
		c.Decide = f
	}
	s.refused(w, r, f, err, func(status int) { s.showWarning(w, r, status, c) })
}

// onlyFields moves an error about a field the form does not show to the top of the form, so that
// no message is lost.
func onlyFields(err error, fields []string) error {
	e := apperr.As(err)
	if e.Field == "" || e.Kind == apperr.Internal {
		return err
	}
	for _, f := range fields {
		if f == e.Field {
			return err
		}
	}
	return onTop(err)
}
