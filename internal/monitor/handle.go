package monitor

import (
	"context"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/minzheng/minzheng/internal/apperr"
	"github.com/minzheng/minzheng/internal/audit"
	"github.com/minzheng/minzheng/internal/auth"
	"github.com/minzheng/minzheng/internal/civil"
	"github.com/minzheng/minzheng/internal/db"
)

// maxText is the longest note or finding kept, in characters: a page of text, enough for any
// field report, and a bound on what one request can store.
const maxText = 2000

// directs reports whether p runs the handling of w: the district approver of its district at
// either level (it answers for escalated warnings and may step in earlier), the street officer
// while the warning is at street level — or, once escalated, when the district handed it back
// to that officer by name. A grid worker never directs; it records the visit it was given.
func directs(p *auth.Principal, w *Warning) bool {
	if !p.Can(auth.MonitorHandle) || !p.Sees(w.RegionCode) {
		return false
	}
	switch p.Role {
	case auth.DistrictApprover:
		return true
	case auth.StreetOfficer:
		return w.Level == LevelStreet || w.Assignee == p.Login
	}
	return false
}

// change is what one act does to a warning: the columns it sets besides version and
// updated_at, the rows it adds (write, optional), the history event and the audit detail.
type change struct {
	set    string
	args   []any
	write  func(tx *db.Tx) error
	action string
	note   string
	detail map[string]any
}

// act runs one step on warning id in one transaction against the version p saw. check sees the
// warning as stored (already limited to p's scope: outside it is not found), refuses what p may
// not do and says what changes; the warning, its history event and the audit row are then
// written together, and a concurrent act makes the version check fail (monitor.stale).
func (s *Store) act(ctx context.Context, p *auth.Principal, id int64, version int, ip string,
	check func(tx *db.Tx, w *Warning) (change, error)) (*Warning, error) {
	err := s.DB.InTx(ctx, func(tx *db.Tx) error {
		w, err := s.warningIn(ctx, tx, p, id)
		if err != nil {
			return err
		}
		ch, err := check(tx, w)
		if err != nil {
			return err
		}
		if w.Version != version {
			return apperr.Msg(apperr.Conflict, "monitor.stale")
		}
		now := s.stamp()
		res, err := tx.Exec(ctx, `UPDATE monitor_warnings SET `+ch.set+`, version = version + 1, updated_at = ?
			WHERE id = ? AND version = ?`, append(ch.args, now, id, version)...)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n != 1 {
			return apperr.Msg(apperr.Conflict, "monitor.stale")
		}
		if ch.write != nil {
			if err := ch.write(tx); err != nil {
				return err
			}
		}
		return s.logAct(ctx, tx, p.UserID, p.Login, string(p.Role), ip, w, ch.action, ch.note, ch.detail)
	})
	if err != nil {
		return nil, err
	}
	return s.warningIn(ctx, s.DB, p, id)
}

// logAct writes the history event of an act on w and its audit row, in the act's transaction.
func (s *Store) logAct(ctx context.Context, tx *db.Tx, actorID int64, actor, role, ip string, w *Warning, action, note string,
	detail map[string]any) error {
	if _, err := tx.Exec(ctx, `INSERT INTO monitor_warning_events (warning_id, at, actor, action, note) VALUES (?, ?, ?, ?, ?)`,
		w.ID, s.stamp(), actor, action, note); err != nil {
		return err
	}
	_, err := s.Audit.Append(ctx, tx, audit.Event{ActorID: actorID, Actor: actor, Role: role, IP: ip, Action: "monitor." + action,
		TargetType: "monitor_warning", TargetID: strconv.FormatInt(w.ID, 10), RegionCode: w.RegionCode, Detail: detail})
	return err
}

// Assign gives warning id to a grid worker or street officer for the visit. The street officer
// assigns (the district approver for an escalated warning); the assignee must be an active
// user of either role whose scope covers the warning's area, looked up through the identity
// service within the assigner's own scope. Reassigning before the visit is allowed.
func (s *Store) Assign(ctx context.Context, p *auth.Principal, id int64, version int, assignee, ip string) (*Warning, error) {
	assignee = strings.ToLower(strings.TrimSpace(assignee))
	return s.act(ctx, p, id, version, ip, func(tx *db.Tx, w *Warning) (change, error) {
		if !directs(p, w) {
			return change{}, apperr.Msg(apperr.Forbidden, "monitor.assign_forbidden")
		}
		if w.State != StateOpen && w.State != StateAssigned {
			return change{}, apperr.Msg(apperr.Conflict, "monitor.state_invalid")
		}
		if assignee == "" {
			return change{}, apperr.FieldMsg("assignee", "monitor.assignee_required")
		}
		if err := s.checkAssignee(ctx, p, w, assignee); err != nil {
			return change{}, err
		}
		return change{set: "state = ?, assignee = ?", args: []any{StateAssigned, assignee}, action: "assign", note: assignee,
			detail: map[string]any{"assignee": assignee, "previous": w.Assignee}}, nil
	})
}

// checkAssignee refuses an assignee who is unknown within p's scope, disabled, of another role,
// or whose scope does not cover w's area (a grid worker of another community).
func (s *Store) checkAssignee(ctx context.Context, p *auth.Principal, w *Warning, login string) error {
	users := &auth.Service{DB: s.DB, Keys: s.Keys}
	for page := 1; ; page++ {
		list, total, err := users.ListUsers(ctx, p, auth.UserFilter{Query: login, Page: page, PerPage: 200})
		if err != nil {
			return err
		}
		for _, u := range list {
			if u.Login != login {
				continue
			}
			if u.Disabled || (u.Role != auth.GridWorker && u.Role != auth.StreetOfficer) || !u.Scope.Contains(w.RegionCode) {
				return apperr.FieldMsg("assignee", "monitor.assignee_invalid")
			}
			return nil
		}
		if len(list) == 0 || page*200 >= total {
			return apperr.FieldMsg("assignee", "monitor.assignee_invalid")
		}
	}
}

// VisitInput is a field visit as the phone page sends it.
type VisitInput struct {
	VisitedOn                     civil.Date
	Findings, Latitude, Longitude string
}

// RecordVisit records the visit to the person of warning id: by its assignee, or by whoever
// directs it. The findings are required; the date, today when left empty, may be neither in
// the future nor before the warning was raised. A further visit before the decision is kept
// too (the warning stays visited).
func (s *Store) RecordVisit(ctx context.Context, p *auth.Principal, id int64, version int, v VisitInput, ip string) (*Warning, error) {
	return s.act(ctx, p, id, version, ip, func(tx *db.Tx, w *Warning) (change, error) {
		assignee := p.Role == auth.GridWorker && p.Can(auth.MonitorHandle) && w.Assignee == p.Login
		if !directs(p, w) && !assignee {
			return change{}, apperr.Msg(apperr.Forbidden, "monitor.visit_forbidden")
		}
		if w.State == StateClosed {
			return change{}, apperr.Msg(apperr.Conflict, "monitor.closed")
		}
		v, err := s.cleanVisit(v)
		if err != nil {
			return change{}, err
		}
		if raised := createdOn(w.CreatedAt); v.VisitedOn.Before(raised) {
			return change{}, apperr.FieldMsg("visited_on", "monitor.visit_before_warning", raised.String())
		}
		now := s.stamp()
		write := func(tx *db.Tx) error {
			_, err := tx.Exec(ctx, `INSERT INTO monitor_visits (warning_id, visited_on, visitor, findings, latitude, longitude,
				created_at) VALUES (?, ?, ?, ?, ?, ?, ?)`, w.ID, v.VisitedOn.String(), p.Login, v.Findings, v.Latitude, v.Longitude, now)
			return err
		}
		return change{set: "state = ?, visited_at = CASE WHEN visited_at = '' THEN ? ELSE visited_at END",
			args: []any{StateVisited, now}, write: write, action: "visit", note: v.Findings,
			detail: map[string]any{"visited_on": v.VisitedOn.String()}}, nil
	})
}

// cleanVisit checks a visit's input field by field: findings required and bounded, the date
// today when empty and never in the future, coordinates both or neither and on the globe.
func (s *Store) cleanVisit(v VisitInput) (VisitInput, error) {
	v.Findings = strings.TrimSpace(v.Findings)
	if v.Findings == "" {
		return v, apperr.FieldMsg("findings", "monitor.findings_required")
	}
	if utf8.RuneCountInString(v.Findings) > maxText {
		return v, apperr.FieldMsg("findings", "monitor.too_long", maxText)
	}
	if v.VisitedOn.IsZero() {
		v.VisitedOn = s.today()
	}
	if v.VisitedOn.After(s.today()) {
		return v, apperr.FieldMsg("visited_on", "monitor.visit_future")
	}
	v.Latitude, v.Longitude = strings.TrimSpace(v.Latitude), strings.TrimSpace(v.Longitude)
	if v.Latitude == "" && v.Longitude == "" {
		return v, nil
	}
	if !coordinate(v.Latitude, 90) {
		return v, apperr.FieldMsg("latitude", "monitor.coordinates_invalid")
	}
	if !coordinate(v.Longitude, 180) {
		return v, apperr.FieldMsg("longitude", "monitor.coordinates_invalid")
	}
	return v, nil
}

// coordinate reports whether text is a decimal degree within ±limit, as a phone's location
// gives it.
func coordinate(text string, limit float64) bool {
	f, err := strconv.ParseFloat(text, 64)
	return err == nil && len(text) <= 20 && f >= -limit && f <= limit
}

// createdOn is the day (China time) a record stamped at was created; the zero date when the
// stamp cannot be read, which bounds nothing.
func createdOn(stamp string) civil.Date {
	t, err := db.ParseTime(stamp)
	if err != nil || t.IsZero() {
		return civil.Date{}
	}
	return civil.Today(t)
}
