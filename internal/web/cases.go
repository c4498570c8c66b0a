package web

import (
	"net/http"
	"net/url"
	"slices"
	"time"

	"github.com/minzheng/minzheng/internal/assistance"
	"github.com/minzheng/minzheng/internal/auth"
	"github.com/minzheng/minzheng/internal/db"
	"github.com/minzheng/minzheng/internal/region"
)

// casesContent is the work-queue page (工作台): the tabs with their counts, the chosen queue, the
// caller's reminders and, for a supervisor, the overdue cases of the whole scope.
type casesContent struct {
	Tabs  []queueTab
	Queue string
	Rows  []taskRow
	pager
	Reminders    []taskRow
	Overdue      []taskRow
	OverdueTotal int
	CanIntake    bool
}

// queueTab is one tab of the work queues with its count.
type queueTab struct {
	Key    string
	Count  int
	Active bool
	URL    string
}

// taskRow is one open step in a queue, with its region named below the caller's scope.
type taskRow struct {
	assistance.Task
	RegionName string
	RaisedAt   time.Time
}

const (
	casesPerPage = 50
	// supervisorOverdue is how many overdue cases a supervisor sees above the fold.
	supervisorOverdue = 10
)

// registerCases registers the case pages of the 社会救助 module: the work queues, the case list,
// window intake and, through registerCase, the case page with its actions.
func (s *Site) registerCases() {
	s.page("GET", "/cases", auth.CaseView, s.casesPage,
		&NavEntry{Section: "nav.section.cases", Label: "nav.case_queue", Order: 300})
	s.registerCaseIntake()
	s.registerCaseSearch()
}

// defaultQueue is the tab a caller lands on: their own tasks when their role handles steps, the
// overdue list otherwise (a city administrator or an auditor oversees but does not act).
func defaultQueue(p *auth.Principal) string {
	switch p.Role {
	case auth.StreetOfficer, auth.GridWorker, auth.DistrictApprover:
		return assistance.QueueMine
	}
	return assistance.QueueOverdue
}

// supervisor reports whether p oversees several streets (a district or the city), whose work
// queue page also lists the overdue cases of the whole scope.
func supervisor(p *auth.Principal) bool {
	return p.Scope.Level() < region.Street
}

// casesPage is the officer's first page: what is waiting, what is about to be late and what is
// late already, one click from each case.
func (s *Site) casesPage(w http.ResponseWriter, r *http.Request) {
	p := auth.FromContext(r.Context())
	ctx := r.Context()
	q := r.URL.Query()
	queue := q.Get("queue")
	if !slices.Contains(assistance.Queues(), queue) {
		queue = defaultQueue(p)
	}
	c := casesContent{Queue: queue, pager: pager{Page: max(1, atoi(q.Get("page")))}, CanIntake: p.Can(auth.CaseHandle)}
	counts, err := s.deps.Cases.QueueCounts(ctx, p)
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	for _, k := range assistance.Queues() {
		c.Tabs = append(c.Tabs, queueTab{Key: k, Count: counts[k], Active: k == queue, URL: "/cases?queue=" + k})
	}
	names := s.regionNamer(r, p)
	tasks, total, err := s.deps.Cases.Queue(ctx, p, queue, c.Page, casesPerPage)
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	c.Rows = taskRows(tasks, names)
	c.pager = paging(total, c.Page, casesPerPage, pageLink("/cases", url.Values{"queue": {queue}}))
	reminders, err := s.deps.Cases.Reminders(ctx, p)
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	for _, rm := range reminders {
		raised, _ := db.ParseTime(rm.RaisedAt)
		c.Reminders = append(c.Reminders, taskRow{Task: rm.Task, RegionName: names(rm.RegionCode), RaisedAt: raised})
	}
	if supervisor(p) && queue != assistance.QueueOverdue && counts[assistance.QueueOverdue] > 0 {
		overdue, n, err := s.deps.Cases.Queue(ctx, p, assistance.QueueOverdue, 1, supervisorOverdue)
		if err != nil {
			s.renderError(w, r, err)
			return
		}
		c.Overdue, c.OverdueTotal = taskRows(overdue, names), n
	}
	s.render(w, r, http.StatusOK, "cases", s.msg.T("nav.case_queue"), c)
}

func taskRows(tasks []assistance.Task, names func(string) string) []taskRow {
	out := make([]taskRow, 0, len(tasks))
	for _, t := range tasks {
		out = append(out, taskRow{Task: t, RegionName: names(t.RegionCode)})
	}
	return out
}

// regionNamer names regions below p's scope, looking each code up once per request.
func (s *Site) regionNamer(r *http.Request, p *auth.Principal) func(string) string {
	seen := map[string]string{}
	return func(code string) string {
		if n, ok := seen[code]; ok {
			return n
		}
		n := s.regionBelow(r, p, code)
		seen[code] = n
		return n
	}
}

// statusClass is the badge colour of a case status; the badge always carries the status text.
func statusClass(status string) string {
	switch status {
	case assistance.StatusSubmitted:
		return "warn"
	case assistance.StatusDecided:
		return "ok"
	case assistance.StatusNotAccepted:
		return "danger"
	}
	return ""
}
