package monitor

import (
	"context"
	"database/sql"
	"errors"
	"slices"
	"strconv"

	"github.com/minzheng/minzheng/internal/apperr"
	"github.com/minzheng/minzheng/internal/audit"
	"github.com/minzheng/minzheng/internal/auth"
	"github.com/minzheng/minzheng/internal/civil"
	"github.com/minzheng/minzheng/internal/db"
	"github.com/minzheng/minzheng/internal/region"
)

// CommunityProgress is one community's share of a campaign: its tasks and persons, and how many
// of them are done.
type CommunityProgress struct {
	RegionCode, Name                  string
	Tasks, Done, Persons, PersonsDone int
}

// CampaignProgress returns campaign id with its progress per community, both limited to p's
// scope; a campaign that does not overlap the scope is not found.
func (s *Store) CampaignProgress(ctx context.Context, p *auth.Principal, id int64) (*Campaign, []CommunityProgress, error) {
	if !p.Can(auth.MonitorView) {
		return nil, nil, apperr.Msg(apperr.Forbidden, "monitor.forbidden")
	}
	c, err := s.campaignFor(ctx, s.DB, p, id)
	if err != nil {
		return nil, nil, err
	}
	scope, args := p.ScopeCondition("region_code")
	rows, err := s.DB.Query(ctx, `SELECT region_code, COUNT(*), COALESCE(SUM(CASE WHEN state = 'done' THEN 1 ELSE 0 END), 0),
		COALESCE(SUM(persons), 0), COALESCE(SUM(CASE WHEN state = 'done' THEN persons ELSE 0 END), 0)
		FROM monitor_tasks WHERE campaign_id = ? AND `+scope+` GROUP BY region_code ORDER BY region_code`,
		append([]any{id}, args...)...)
	if err != nil {
		return nil, nil, err
	}
	defer rows.Close()
	out := []CommunityProgress{}
	for rows.Next() {
		var cp CommunityProgress
		if err := rows.Scan(&cp.RegionCode, &cp.Tasks, &cp.Done, &cp.Persons, &cp.PersonsDone); err != nil {
			return nil, nil, err
		}
		out = append(out, cp)
	}
	if err := rows.Err(); err != nil {
		return nil, nil, err
	}
	if len(out) > 0 {
		tree, err := region.LoadTree(ctx, s.DB, c.RegionCode)
		if err != nil {
			return nil, nil, err
		}
		for i := range out {
			out[i].Name = tree.Name(out[i].RegionCode)
		}
	}
	return c, out, nil
}

// Task is one household to visit in a campaign.
type Task struct {
	ID, CampaignID, HouseholdID                   int64
	RegionCode                                    string
	Persons                                       int
	State, VisitedBy, VisitedAt, Finding, Outcome string
}

// Task states and the outcomes of a campaign visit.
const (
	TaskPending = "pending"
	TaskDone    = "done"

	TaskNoChange     = "no_change"     // nothing has changed
	TaskRefer        = "refer"         // 转介: handed to another service
	TaskAssistNeeded = "assist_needed" // the household needs assistance
)

// TaskOutcomes lists the outcomes of a campaign visit, in the order a form offers them.
func TaskOutcomes() []string { return []string{TaskNoChange, TaskRefer, TaskAssistNeeded} }

const taskSelect = `id, campaign_id, household_id, region_code, persons, state, visited_by, visited_at, finding, outcome`

// readTask scans one row of taskSelect.
func readTask(row interface{ Scan(...any) error }) (*Task, error) {
	var t Task
	err := row.Scan(&t.ID, &t.CampaignID, &t.HouseholdID, &t.RegionCode, &t.Persons, &t.State, &t.VisitedBy, &t.VisitedAt,
		&t.Finding, &t.Outcome)
	return &t, err
}

// Tasks lists the tasks of campaign id within p's scope, optionally within region and in one
// state, by community and household.
func (s *Store) Tasks(ctx context.Context, p *auth.Principal, campaignID int64, area, state string) ([]Task, error) {
	if !p.Can(auth.MonitorView) {
		return nil, apperr.Msg(apperr.Forbidden, "monitor.forbidden")
	}
	if _, err := s.campaignFor(ctx, s.DB, p, campaignID); err != nil {
		return nil, err
	}
	if state != "" && state != TaskPending && state != TaskDone {
		return nil, apperr.FieldMsg("state", "monitor.filter_invalid")
	}
	prefix, ok, err := narrowRegion(p, area)
	if err != nil || !ok {
		return []Task{}, err
	}
	where, args := db.PrefixRange("region_code", prefix)
	if state != "" {
		where += " AND state = ?"
		args = append(args, state)
	}
	rows, err := s.DB.Query(ctx, `SELECT `+taskSelect+` FROM monitor_tasks WHERE campaign_id = ? AND `+where+
		` ORDER BY region_code, household_id`, append([]any{campaignID}, args...)...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := []Task{}
	for rows.Next() {
		t, err := readTask(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, *t)
	}
	return out, rows.Err()
}

// RecordTaskVisit records the visit of campaign task taskID by street or grid staff within
// whose scope the household lives, with its outcome, and marks the task done. A task is
// visited once: a second record is a conflict, so that two workers sent to the same door do
// not both count it. The visit date may not precede the campaign.
func (s *Store) RecordTaskVisit(ctx context.Context, p *auth.Principal, taskID int64, v VisitInput, outcome, ip string) (*Task, error) {
	var out *Task
	err := s.DB.InTx(ctx, func(tx *db.Tx) error {
		t, err := readTask(tx.QueryRow(ctx, `SELECT `+taskSelect+` FROM monitor_tasks WHERE id = ?`, taskID))
		if errors.Is(err, sql.ErrNoRows) || (err == nil && !p.Sees(t.RegionCode)) {
			return apperr.Msg(apperr.NotFound, "monitor.task_notfound")
		}
		if err != nil {
			return err
		}
		if !p.Can(auth.MonitorHandle) {
			return apperr.Msg(apperr.Forbidden, "monitor.handle_forbidden")
		}
		if t.State == TaskDone {
			return apperr.Msg(apperr.Conflict, "monitor.task_done")
		}
		if !slices.Contains(TaskOutcomes(), outcome) {
			return apperr.FieldMsg("outcome", "monitor.task_outcome_invalid")
		}
		if v, err = s.cleanVisit(v); err != nil {
			return err
		}
		var starts string
		if err := tx.QueryRow(ctx, `SELECT starts_on FROM monitor_campaigns WHERE id = ?`, t.CampaignID).Scan(&starts); err != nil {
			return err
		}
		if first, _ := civil.ParseDate(starts); v.VisitedOn.Before(first) {
			return apperr.FieldMsg("visited_on", "monitor.task_visit_before", first.String())
		}
		now := s.stamp()
		res, err := tx.Exec(ctx, `UPDATE monitor_tasks SET state = 'done', visited_by = ?, visited_at = ?, finding = ?, outcome = ?
			WHERE id = ? AND state = 'pending'`, p.Login, now, v.Findings, outcome, taskID)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n != 1 {
			return apperr.Msg(apperr.Conflict, "monitor.task_done")
		}
		if _, err := tx.Exec(ctx, `INSERT INTO monitor_visits (task_id, visited_on, visitor, findings, latitude, longitude, created_at)
			VALUES (?, ?, ?, ?, ?, ?, ?)`, taskID, v.VisitedOn.String(), p.Login, v.Findings, v.Latitude, v.Longitude, now); err != nil {
			return err
		}
		if _, err := s.Audit.Append(ctx, tx, audit.Event{ActorID: p.UserID, Actor: p.Login, Role: string(p.Role), IP: ip,
			Action: "monitor.task.visit", TargetType: "monitor_task", TargetID: strconv.FormatInt(taskID, 10),
			RegionCode: t.RegionCode, Detail: map[string]any{"campaign": t.CampaignID, "outcome": outcome}}); err != nil {
			return err
		}
		out, err = readTask(tx.QueryRow(ctx, `SELECT `+taskSelect+` FROM monitor_tasks WHERE id = ?`, taskID))
		return err
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}
