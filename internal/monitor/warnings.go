package monitor

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/minzheng/minzheng/internal/apperr"
	"github.com/minzheng/minzheng/internal/auth"
	"github.com/minzheng/minzheng/internal/civil"
	"github.com/minzheng/minzheng/internal/db"
)

// Filter narrows the warning queue. Empty fields match everything.
type Filter struct {
	State, Rule, Kind, Level string // "" = any
	Region                   string // a region prefix inside the caller's scope; "" = the whole scope
	Overdue                  bool   // only warnings past their due date and not closed
	Page, PerPage            int    // 1-based; PerPage 0 = 50
}

// Event is one step of what was done with a warning (monitor_warning_events).
type Event struct{ At, Actor, Action, Note string }

// Visit is one field visit (铁脚板), of a warning or of a campaign task.
type Visit struct {
	ID, WarningID, TaskID                             int64
	VisitedOn                                         civil.Date
	Visitor, Findings, Latitude, Longitude, CreatedAt string
}

// warningSelect lists the columns readWarning scans, in its order.
const warningSelect = `id, rule, kind, subject_hash, period, COALESCE(person_id, 0), COALESCE(household_id, 0), region_code,
	tier, COALESCE(batch_id, 0), summary, evidence, state, level, assignee, due_date, escalated_at, outcome, outcome_note,
	outcome_ref, visited_at, closed_at, version, created_at, updated_at`

// readWarning scans one row of warningSelect. Evidence written by an older rule with numbers
// instead of text still reads, each value rendered as text.
func readWarning(row interface{ Scan(...any) error }) (*Warning, error) {
	var w Warning
	var evidence, due string
	if err := row.Scan(&w.ID, &w.Rule, &w.Kind, &w.SubjectHash, &w.Period, &w.PersonID, &w.HouseholdID, &w.RegionCode,
		&w.Tier, &w.BatchID, &w.Summary, &evidence, &w.State, &w.Level, &w.Assignee, &due, &w.EscalatedAt, &w.Outcome,
		&w.OutcomeNote, &w.OutcomeRef, &w.VisitedAt, &w.ClosedAt, &w.Version, &w.CreatedAt, &w.UpdatedAt); err != nil {
		return nil, err
	}
	w.Due, _ = civil.ParseDate(due)
	w.Evidence = map[string]string{}
	if err := json.Unmarshal([]byte(evidence), &w.Evidence); err != nil {
		var loose map[string]any
		if json.Unmarshal([]byte(evidence), &loose) == nil {
			for k, v := range loose {
				w.Evidence[k] = fmt.Sprint(v)
			}
		}
	}
	return &w, nil
}

// Warnings lists the warnings within p's scope that match f, newest first, one page of them,
// with the total for paging. A region filter outside the scope shows nothing rather than an
// error, so that it does not tell which areas exist.
func (s *Store) Warnings(ctx context.Context, p *auth.Principal, f Filter) ([]Warning, int, error) {
	if !p.Can(auth.MonitorView) {
		return nil, 0, apperr.Msg(apperr.Forbidden, "monitor.forbidden")
	}
	where, args, err := s.warningWhere(p, f)
	if err != nil {
		return nil, 0, err
	}
	var total int
	if err := s.DB.QueryRow(ctx, `SELECT COUNT(*) FROM monitor_warnings WHERE `+where, args...).Scan(&total); err != nil {
		return nil, 0, err
	}
	if f.PerPage <= 0 {
		f.PerPage = 50
	}
	f.PerPage, f.Page = min(f.PerPage, 500), max(f.Page, 1)
	rows, err := s.DB.Query(ctx, `SELECT `+warningSelect+` FROM monitor_warnings WHERE `+where+` ORDER BY id DESC LIMIT ? OFFSET ?`,
		append(args, f.PerPage, (f.Page-1)*f.PerPage)...)
	if err != nil {
		return nil, 0, err
	}
	defer rows.Close()
	out := []Warning{}
	for rows.Next() {
		w, err := readWarning(rows)
		if err != nil {
			return nil, 0, err
		}
		out = append(out, *w)
	}
	return out, total, rows.Err()
}

// warningWhere turns a filter into a condition: the scope and the region filter become one
// prefix range, so the region index narrows to the smaller area.
func (s *Store) warningWhere(p *auth.Principal, f Filter) (string, []any, error) {
	prefix, ok, err := narrowRegion(p, f.Region)
	if err != nil || !ok {
		return "1 = 0", nil, err
	}
	where, args := db.PrefixRange("region_code", prefix)
	for _, c := range []struct {
		column, value, field string
		known                []string
	}{
		{"state", f.State, "state", []string{StateOpen, StateAssigned, StateVisited, StateClosed}},
		{"kind", f.Kind, "kind", []string{KindNeed, KindIneligible, KindDiscovery}},
		{"level", f.Level, "level", []string{LevelStreet, LevelDistrict}},
		{"rule", f.Rule, "rule", nil},
	} {
		v := strings.TrimSpace(c.value)
		if v == "" {
			continue
		}
		if c.known != nil && !slices.Contains(c.known, v) {
			return "", nil, apperr.FieldMsg(c.field, "monitor.filter_invalid")
		}
		where += " AND " + c.column + " = ?"
		args = append(args, v)
	}
	if f.Overdue {
		where += " AND state <> 'closed' AND due_date < ?"
		args = append(args, s.today().String())
	}
	return where, args, nil
}

// narrowRegion is the prefix that lies within p's scope and within region ("" = the whole
// scope); false when they do not overlap or the scope is malformed.
func narrowRegion(p *auth.Principal, region string) (string, bool, error) {
	region = strings.TrimSpace(region)
	if strings.Trim(region, "0123456789") != "" {
		return "", false, apperr.FieldMsg("region", "monitor.filter_invalid")
	}
	scope := p.Scope.Code()
	if p.Scope.Level() == 0 && scope != "" {
		return "", false, nil
	}
	switch {
	case strings.HasPrefix(region, scope):
		return region, true, nil
	case strings.HasPrefix(scope, region):
		return scope, true, nil
	}
	return "", false, nil
}

// Warning returns warning id with its history and visits, if it lies within p's scope; outside
// the scope it does not exist for p.
func (s *Store) Warning(ctx context.Context, p *auth.Principal, id int64) (*Warning, []Event, []Visit, error) {
	if !p.Can(auth.MonitorView) {
		return nil, nil, nil, apperr.Msg(apperr.Forbidden, "monitor.forbidden")
	}
	w, err := s.warningIn(ctx, s.DB, p, id)
	if err != nil {
		return nil, nil, nil, err
	}
	events, err := s.warningEvents(ctx, id)
	if err != nil {
		return nil, nil, nil, err
	}
	visits, err := s.visitsWhere(ctx, `warning_id = ?`, id)
	if err != nil {
		return nil, nil, nil, err
	}
	return w, events, visits, nil
}

// warningIn reads warning id on q for p: not found when it is missing or outside p's scope.
func (s *Store) warningIn(ctx context.Context, q db.Querier, p *auth.Principal, id int64) (*Warning, error) {
	w, err := readWarning(q.QueryRow(ctx, `SELECT `+warningSelect+` FROM monitor_warnings WHERE id = ?`, id))
	if errors.Is(err, sql.ErrNoRows) || (err == nil && !p.Sees(w.RegionCode)) {
		return nil, apperr.Msg(apperr.NotFound, "monitor.notfound")
	}
	return w, err
}

// warningEvents is the history of warning id, oldest first.
func (s *Store) warningEvents(ctx context.Context, id int64) ([]Event, error) {
	rows, err := s.DB.Query(ctx, `SELECT at, actor, action, note FROM monitor_warning_events WHERE warning_id = ? ORDER BY id`, id)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := []Event{}
	for rows.Next() {
		var e Event
		if err := rows.Scan(&e.At, &e.Actor, &e.Action, &e.Note); err != nil {
			return nil, err
		}
		out = append(out, e)
	}
	return out, rows.Err()
}

// visitsWhere lists the visits matching a condition on monitor_visits, oldest first.
func (s *Store) visitsWhere(ctx context.Context, cond string, args ...any) ([]Visit, error) {
	rows, err := s.DB.Query(ctx, `SELECT id, COALESCE(warning_id, 0), COALESCE(task_id, 0), visited_on, visitor, findings,
		latitude, longitude, created_at FROM monitor_visits WHERE `+cond+` ORDER BY id`, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := []Visit{}
	for rows.Next() {
		var v Visit
		var on string
		if err := rows.Scan(&v.ID, &v.WarningID, &v.TaskID, &on, &v.Visitor, &v.Findings, &v.Latitude, &v.Longitude,
			&v.CreatedAt); err != nil {
			return nil, err
		}
		v.VisitedOn, _ = civil.ParseDate(on)
		out = append(out, v)
	}
	return out, rows.Err()
}
