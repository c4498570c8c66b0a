package api

import (
	"time"

	"github.com/minzheng/minzheng/internal/civil"
	"github.com/minzheng/minzheng/internal/monitor"
)

// warningJSON is a monitoring warning as the API shows it. The subject's keyed ID hash stays
// inside: it identifies a person across agencies and is of no use to a client.
type warningJSON struct {
	ID          int64             `json:"id"`
	Rule        string            `json:"rule"`
	RuleLabel   string            `json:"rule_label"`
	Kind        string            `json:"kind"`
	Period      string            `json:"period"`
	PersonID    int64             `json:"person_id,omitempty"`
	HouseholdID int64             `json:"household_id,omitempty"`
	RegionCode  string            `json:"region_code"`
	Tier        string            `json:"tier,omitempty"`
	Summary     string            `json:"summary"`
	Evidence    map[string]string `json:"evidence"`
	State       string            `json:"state"`
	Level       string            `json:"level"`
	Assignee    string            `json:"assignee,omitempty"`
	DueOn       civil.Date        `json:"due_on"`
	Overdue     bool              `json:"overdue"`
	EscalatedAt *time.Time        `json:"escalated_at,omitempty"`
	Outcome     string            `json:"outcome,omitempty"`
	OutcomeNote string            `json:"outcome_note,omitempty"`
	OutcomeRef  string            `json:"outcome_ref,omitempty"`
	VisitedAt   *time.Time        `json:"visited_at,omitempty"`
	ClosedAt    *time.Time        `json:"closed_at,omitempty"`
	Version     int               `json:"version"`
	CreatedAt   *time.Time        `json:"created_at,omitempty"`
	UpdatedAt   *time.Time        `json:"updated_at,omitempty"`
}

// toWarningJSON converts a warning; today decides whether it is overdue.
func toWarningJSON(w *monitor.Warning, today civil.Date) warningJSON {
	ev := w.Evidence
	if ev == nil {
		ev = map[string]string{}
	}
	return warningJSON{ID: w.ID, Rule: w.Rule, RuleLabel: monitor.RuleLabel(w.Rule), Kind: w.Kind, Period: w.Period,
		PersonID: w.PersonID, HouseholdID: w.HouseholdID, RegionCode: w.RegionCode, Tier: w.Tier, Summary: w.Summary,
		Evidence: ev, State: w.State, Level: w.Level, Assignee: w.Assignee, DueOn: w.Due, Overdue: w.Overdue(today),
		EscalatedAt: dbStamp(w.EscalatedAt), Outcome: w.Outcome, OutcomeNote: w.OutcomeNote, OutcomeRef: w.OutcomeRef,
		VisitedAt: dbStamp(w.VisitedAt), ClosedAt: dbStamp(w.ClosedAt), Version: w.Version, CreatedAt: dbStamp(w.CreatedAt),
		UpdatedAt: dbStamp(w.UpdatedAt)}
}

// eventJSON is one step of a warning's history.
type eventJSON struct {
	At     *time.Time `json:"at,omitempty"`
	Actor  string     `json:"actor"`
	Action string     `json:"action"`
	Note   string     `json:"note,omitempty"`
}

// visitJSON is one field visit, of a warning or of a campaign task.
type visitJSON struct {
	ID        int64      `json:"id"`
	VisitedOn civil.Date `json:"visited_on"`
	Visitor   string     `json:"visitor"`
	Findings  string     `json:"findings"`
	Latitude  string     `json:"latitude,omitempty"`
	Longitude string     `json:"longitude,omitempty"`
	CreatedAt *time.Time `json:"created_at,omitempty"`
}

// warningDetailJSON is a warning with its history and visits.
type warningDetailJSON struct {
	warningJSON
	Events []eventJSON `json:"events"`
	Visits []visitJSON `json:"visits"`
}

func toWarningDetailJSON(w *monitor.Warning, events []monitor.Event, visits []monitor.Visit, today civil.Date) warningDetailJSON {
	out := warningDetailJSON{warningJSON: toWarningJSON(w, today), Events: []eventJSON{}, Visits: []visitJSON{}}
	for _, e := range events {
		out.Events = append(out.Events, eventJSON{At: dbStamp(e.At), Actor: e.Actor, Action: e.Action, Note: e.Note})
	}
	for _, v := range visits {
		out.Visits = append(out.Visits, visitJSON{ID: v.ID, VisitedOn: v.VisitedOn, Visitor: v.Visitor, Findings: v.Findings,
			Latitude: v.Latitude, Longitude: v.Longitude, CreatedAt: dbStamp(v.CreatedAt)})
	}
	return out
}

// countJSON is one figure of the dashboard.
type countJSON struct {
	Key   string `json:"key"`
	Label string `json:"label"`
	N     int    `json:"n"`
}

func toCountsJSON(cs []monitor.Count) []countJSON {
	out := make([]countJSON, 0, len(cs))
	for _, c := range cs {
		out = append(out, countJSON{Key: c.Key, Label: c.Label, N: c.N})
	}
	return out
}

// campaignJSON is a screening campaign with its counts within the caller's scope.
type campaignJSON struct {
	ID         int64      `json:"id"`
	Name       string     `json:"name"`
	RegionCode string     `json:"region_code"`
	Tiers      []string   `json:"tiers"`
	MinAge     int        `json:"min_age,omitempty"`
	StartsOn   civil.Date `json:"starts_on"`
	EndsOn     civil.Date `json:"ends_on"`
	CreatedBy  string     `json:"created_by"`
	CreatedAt  *time.Time `json:"created_at,omitempty"`
	Tasks      int        `json:"tasks"`
	Done       int        `json:"done"`
	Persons    int        `json:"persons"`
}

func toCampaignJSON(c *monitor.Campaign) campaignJSON {
	tiers := c.Target.Tiers
	if tiers == nil {
		tiers = []string{}
	}
	return campaignJSON{ID: c.ID, Name: c.Name, RegionCode: c.RegionCode, Tiers: tiers, MinAge: c.Target.MinAge,
		StartsOn: c.StartsOn, EndsOn: c.EndsOn, CreatedBy: c.CreatedBy, CreatedAt: dbStamp(c.CreatedAt), Tasks: c.Tasks,
		Done: c.Done, Persons: c.Persons}
}

// progressJSON is one community's progress in a campaign.
type progressJSON struct {
	RegionCode  string `json:"region_code"`
	Name        string `json:"name"`
	Tasks       int    `json:"tasks"`
	Done        int    `json:"done"`
	Persons     int    `json:"persons"`
	PersonsDone int    `json:"persons_done"`
}

// campaignTaskJSON is one household to visit in a campaign.
type campaignTaskJSON struct {
	ID          int64      `json:"id"`
	CampaignID  int64      `json:"campaign_id"`
	HouseholdID int64      `json:"household_id"`
	RegionCode  string     `json:"region_code"`
	Persons     int        `json:"persons"`
	State       string     `json:"state"`
	VisitedBy   string     `json:"visited_by,omitempty"`
	VisitedAt   *time.Time `json:"visited_at,omitempty"`
	Finding     string     `json:"finding,omitempty"`
	Outcome     string     `json:"outcome,omitempty"`
}

func toCampaignTaskJSON(t *monitor.Task) campaignTaskJSON {
	return campaignTaskJSON{ID: t.ID, CampaignID: t.CampaignID, HouseholdID: t.HouseholdID, RegionCode: t.RegionCode, Persons: t.Persons,
		State: t.State, VisitedBy: t.VisitedBy, VisitedAt: dbStamp(t.VisitedAt), Finding: t.Finding, Outcome: t.Outcome}
}
