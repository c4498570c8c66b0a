package web

import (
	"net/http"
	"slices"
	"strconv"
	"strings"

	"github.com/minzheng/minzheng/internal/apperr"
	"github.com/minzheng/minzheng/internal/auth"
	"github.com/minzheng/minzheng/internal/civil"
	"github.com/minzheng/minzheng/internal/httpx"
	"github.com/minzheng/minzheng/internal/monitor"
)

// monitorCampaignContent is a campaign's progress page: completion per community, and the visit
// tasks (filtered by community and state) with a visit form on each pending one for whoever may
// record it.
type monitorCampaignContent struct {
	C          *monitor.Campaign
	RegionName string
	Percent    int
	Progress   []progressRow
	Tasks      []taskView
	TaskTotal  int
	Region     string
	State      string
	CanVisit   bool
	Outcomes   []string
	Today      civil.Date
	// TaskForm is the visit form of task TaskID, when that one was refused.
	TaskForm *form
	TaskID   int64
	Done     string
}

// progressRow is one community of a campaign with its completion.
type progressRow struct {
	monitor.CommunityProgress
	Percent int
}

// taskView is one visit task with its community named.
type taskView struct {
	monitor.Task
	RegionName string
}

// tasksShown is how many tasks the page lists at once; a district campaign has thousands, which
// are reached by choosing a community.
const tasksShown = 200

// loadCampaign reads campaign id within the caller's scope, its progress and the tasks the
// query's filters choose.
func (s *Site) loadCampaign(r *http.Request, id int64) (*monitorCampaignContent, error) {
	p := auth.FromContext(r.Context())
	cp, progress, err := s.deps.Monitor.CampaignProgress(r.Context(), p, id)
	if err != nil {
		return nil, err
	}
	q := r.URL.Query()
	c := &monitorCampaignContent{C: cp, RegionName: s.regionBelow(r, p, cp.RegionCode), Percent: percent(cp.Done, cp.Tasks),
		Region: q.Get("region"), State: q.Get("state"), CanVisit: p.Can(auth.MonitorHandle), Outcomes: monitor.TaskOutcomes(),
		Today: civil.Today(s.deps.Now()), TaskForm: emptyForm(), Done: q.Get("done")}
	if !slices.Contains([]string{monitor.TaskPending, monitor.TaskDone}, c.State) {
		c.State = ""
	}
	names := s.regionNamer(r, p)
	for _, pr := range progress {
		if pr.Name == "" {
			pr.Name = names(pr.RegionCode)
		}
		c.Progress = append(c.Progress, progressRow{CommunityProgress: pr, Percent: percent(pr.Done, pr.Tasks)})
	}
	tasks, err := s.deps.Monitor.Tasks(r.Context(), p, id, c.Region, c.State)
	if err != nil {
		return nil, err
	}
	c.TaskTotal = len(tasks)
	for _, t := range tasks[:min(len(tasks), tasksShown)] {
		c.Tasks = append(c.Tasks, taskView{Task: t, RegionName: names(t.RegionCode)})
	}
	return c, nil
}

// monitorCampaignPage shows a campaign's progress and tasks.
func (s *Site) monitorCampaignPage(w http.ResponseWriter, r *http.Request) {
	id, err := pathNumber(r, "id", "monitor.ui.campaign_notfound")
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	c, err := s.loadCampaign(r, id)
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	s.showCampaign(w, r, http.StatusOK, c)
}

func (s *Site) showCampaign(w http.ResponseWriter, r *http.Request, status int, c *monitorCampaignContent) {
	s.render(w, r, status, "monitor_campaign", s.msg.T("monitor.ui.campaign_title", c.C.Name), c)
}

// monitorTaskVisit records the visit of a campaign task. The form names its campaign, which is
// read first, so that a campaign outside the caller's scope is not found whatever the form
// holds; the store checks that the task is in scope and belongs there.
func (s *Site) monitorTaskVisit(w http.ResponseWriter, r *http.Request) {
	taskID, err := pathNumber(r, "id", "monitor.ui.task_notfound")
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	f := newForm(r)
	cid, err := strconv.ParseInt(f.Get("campaign_id"), 10, 64)
	if err != nil || cid <= 0 {
		s.renderError(w, r, apperr.Msg(apperr.NotFound, "monitor.ui.campaign_notfound"))
		return
	}
	c, err := s.loadCampaign(r, cid)
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	v, err := visitFrom(f)
	outcome := strings.TrimSpace(f.Get("outcome"))
	if err == nil && !slices.Contains(monitor.TaskOutcomes(), outcome) {
		err = apperr.FieldMsg("outcome", "monitor.ui.outcome_required")
	}
	if err == nil {
		_, err = s.deps.Monitor.RecordTaskVisit(r.Context(), auth.FromContext(r.Context()), taskID, v, outcome, httpx.ClientIP(r))
	}
	if err != nil {
		c.TaskForm, c.TaskID = f, taskID
		s.refused(w, r, f, onlyFields(err, []string{"visited_on", "findings", "outcome"}), func(status int) { s.showCampaign(w, r, status, c) })
		return
	}
	http.Redirect(w, r, doneURL(campaignURL(cid), "visited")+"#task-"+strconv.FormatInt(taskID, 10), http.StatusSeeOther)
}
