package assistance

import (
	"context"
	"strings"

	"github.com/minzheng/minzheng/internal/auth"
	"github.com/minzheng/minzheng/internal/civil"
)

// Case is everything the case page shows: the application, its workflow, the steps so far, and
// the objections, decisions and documents that belong to it.
type Case struct {
	*Application
	Workflow   *Workflow
	Steps      []Step
	Objections []Objection
	Decisions  []Decision
	Documents  []Document
	// Current is the open step, if any, and CanAct whether the caller may perform it.
	Current *Step
	CanAct  bool
}

// Get returns case id with its steps, objections, decisions and documents, if it lies within
// p's scope.
func (s *Store) Get(ctx context.Context, p *auth.Principal, id int64) (*Case, error) {
	a, err := s.load(ctx, s.DB, p, id)
	if err != nil {
		return nil, err
	}
	return s.assemble(ctx, p, a)
}

func (s *Store) assemble(ctx context.Context, p *auth.Principal, a *Application) (*Case, error) {
	wf, err := WorkflowFor(a.Kind, a.Program, a.Subtype)
	if err != nil {
		return nil, err
	}
	c := &Case{Application: a, Workflow: wf}
	if c.Steps, err = s.steps(ctx, s.DB, a.ID); err != nil {
		return nil, err
	}
	if c.Objections, err = s.objections(ctx, s.DB, a.ID); err != nil {
		return nil, err
	}
	if c.Decisions, err = s.decisionsWhere(ctx, s.DB, `application_id = ?`, a.ID); err != nil {
		return nil, err
	}
	if c.Documents, err = s.documents(ctx, a.ID); err != nil {
		return nil, err
	}
	if st, ok := openStep(c.Steps); ok && (a.Status == StatusOpen || a.Status == StatusSubmitted) {
		c.Current = &st
		c.CanAct = p != nil && mayAct(p, st.Level, st.Step, a.RegionCode)
	}
	return c, nil
}

// The work queues.
const (
	QueueMine     = "mine"     // 我的待办: open steps the caller may perform
	QueueDueSoon  = "due_soon" // 即将超期: open steps due within 3 working days
	QueueOverdue  = "overdue"  // 已超期: open steps past their due date, for supervisors too
	QueueApproval = "approval" // 待审批: open district approvals
)

// Queues lists the work queues in display order.
func Queues() []string { return []string{QueueMine, QueueDueSoon, QueueOverdue, QueueApproval} }

// Task is one row of a work queue: an open step of a case.
type Task struct {
	ApplicationID int64
	Kind          string
	Program       string
	Subtype       string
	RegionCode    string
	ApplicantName string
	Step          string
	Level         Level
	DueOn         civil.Date
	Overdue       bool
	Version       int
}

// Queue lists queue of the caller's scope, most urgent first, a page of perPage rows, with the
// total.
func (s *Store) Queue(ctx context.Context, p *auth.Principal, queue string, page, perPage int) ([]Task, int, error) {
	scope, args := p.ScopeCondition("st.region_code")
	today := s.today()
	where := []string{scope, "st.status = 'open'", "a.status IN ('submitted', 'open')"}
	switch queue {
	case QueueMine:
		levels := []string{}
		switch p.Role {
		case auth.StreetOfficer:
			levels = append(levels, "st.level = 'street'")
		case auth.GridWorker:
			levels = append(levels, "(st.level = 'street' AND st.step = 'visit')")
		case auth.DistrictApprover:
			levels = append(levels, "st.level = 'district'")
		}
		if len(levels) == 0 {
			return nil, 0, nil
		}
		where = append(where, strings.Join(levels, " OR "))
	case QueueDueSoon:
		where = append(where, "st.due_on >= ?", "st.due_on <= ?")
		args = append(args, today.String(), s.cal().AddWorkingDays(today, 3).String())
	case QueueOverdue:
		where = append(where, "st.due_on < ?")
		args = append(args, today.String())
	case QueueApproval:
		where = append(where, "st.step = 'approve'", "st.level = 'district'")
	default:
		return nil, 0, nil
	}
	cond := strings.Join(where, " AND ")
	var total int
	if err := s.DB.QueryRow(ctx, `SELECT COUNT(*) FROM case_steps st JOIN applications a ON a.id = st.application_id WHERE `+cond,
		args...).Scan(&total); err != nil {
		return nil, 0, err
	}
	if perPage <= 0 || perPage > 200 {
		perPage = 50
	}
	if page < 1 {
		page = 1
	}
	rows, err := s.DB.Query(ctx, `SELECT a.id, a.kind, a.program, a.subtype, a.region_code, a.applicant_name, st.step, st.level,
		st.due_on, a.version FROM case_steps st JOIN applications a ON a.id = st.application_id WHERE `+cond+`
		ORDER BY st.due_on, a.id LIMIT ? OFFSET ?`, append(args, perPage, (page-1)*perPage)...)
	if err != nil {
		return nil, 0, err
	}
	defer rows.Close()
	var out []Task
	for rows.Next() {
		var t Task
		var level, due string
		if err := rows.Scan(&t.ApplicationID, &t.Kind, &t.Program, &t.Subtype, &t.RegionCode, &t.ApplicantName, &t.Step, &level,
			&due, &t.Version); err != nil {
			return nil, 0, err
		}
		t.Level = Level(level)
		t.DueOn, _ = civil.ParseDate(due)
		t.Overdue = t.DueOn.Before(today)
		out = append(out, t)
	}
	return out, total, rows.Err()
}

// QueueCounts counts every queue for the caller, for the badges of the work-queue tabs.
func (s *Store) QueueCounts(ctx context.Context, p *auth.Principal) (map[string]int, error) {
	out := map[string]int{}
	for _, q := range Queues() {
		_, n, err := s.Queue(ctx, p, q, 1, 1)
		if err != nil {
			return nil, err
		}
		out[q] = n
	}
	return out, nil
}
