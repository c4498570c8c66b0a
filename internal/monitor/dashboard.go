package monitor

import (
	"context"
	"sort"

	"github.com/minzheng/minzheng/internal/apperr"
	"github.com/minzheng/minzheng/internal/auth"
	"github.com/minzheng/minzheng/internal/civil"
	"github.com/minzheng/minzheng/internal/msg"
	"github.com/minzheng/minzheng/internal/region"
)

// Count is one bar of a dashboard chart: a key, its label for people, and how many.
type Count struct {
	Key, Label string
	N          int
}

// Funnel is active discovery's result: of all warnings, how many were verified on foot, how
// many led to assistance (an application, a review or a suspension) and how many were
// dismissed.
type Funnel struct{ Warned, Visited, Assisted, Dismissed int }

// Dashboard is the monitoring overview of a caller's area.
type Dashboard struct {
	ByRule, ByDistrict, ByState, ByAge []Count
	Open, Overdue                      int
	Funnel                             Funnel
}

// ageBuckets are the ages of open warnings in working days since raised, against the street's
// 10-working-day deadline: fresh, halfway, due or past.
var ageBuckets = []struct {
	key, label string
	from       int
}{{"0-4", "monitor.age.0_4", 0}, {"5-9", "monitor.age.5_9", 5}, {"10+", "monitor.age.10", 10}}

// Dashboard counts the warnings within p's scope: by rule, district, state and age (open ones),
// how many are open and overdue, and the discovery funnel. Each figure is one grouped query, so
// the cost does not grow with the number of warnings in round trips.
func (s *Store) Dashboard(ctx context.Context, p *auth.Principal) (*Dashboard, error) {
	if !p.Can(auth.MonitorView) {
		return nil, apperr.Msg(apperr.Forbidden, "monitor.forbidden")
	}
	scope, args := p.ScopeCondition("region_code")
	t := msg.Default().T
	d := &Dashboard{}
	var err error
	if d.ByRule, err = s.grouped(ctx, `rule`, scope, args); err != nil {
		return nil, err
	}
	for i, c := range d.ByRule {
		d.ByRule[i].Label = RuleLabel(c.Key)
	}
	// GROUP BY 1: PostgreSQL would not match two separately bound substr(…, ?) expressions.
	if d.ByDistrict, err = s.grouped(ctx, `substr(region_code, 1, 6)`, scope, args); err != nil {
		return nil, err
	}
	for i, c := range d.ByDistrict {
		d.ByDistrict[i].Label = c.Key
		if path, err := region.PathTo(ctx, s.DB, c.Key); err == nil {
			d.ByDistrict[i].Label = path[len(path)-1].Name
		}
	}
	if d.ByState, err = s.grouped(ctx, `state`, scope, args); err != nil {
		return nil, err
	}
	order := map[string]int{StateOpen: 0, StateAssigned: 1, StateVisited: 2, StateClosed: 3}
	sort.SliceStable(d.ByState, func(i, j int) bool { return order[d.ByState[i].Key] < order[d.ByState[j].Key] })
	for i, c := range d.ByState {
		d.ByState[i].Label = t("monitor.state." + c.Key)
		if c.Key != StateClosed {
			d.Open += c.N
		}
	}
	if d.ByAge, err = s.ages(ctx, scope, args); err != nil {
		return nil, err
	}
	if err := s.DB.QueryRow(ctx, `SELECT COUNT(*) FROM monitor_warnings WHERE state <> 'closed' AND due_date < ? AND `+scope,
		append([]any{s.today().String()}, args...)...).Scan(&d.Overdue); err != nil {
		return nil, err
	}
	f := &d.Funnel
	err = s.DB.QueryRow(ctx, `SELECT COUNT(*),
		COALESCE(SUM(CASE WHEN visited_at <> '' THEN 1 ELSE 0 END), 0),
		COALESCE(SUM(CASE WHEN outcome IN ('assist', 'review', 'stop') THEN 1 ELSE 0 END), 0),
		COALESCE(SUM(CASE WHEN outcome = 'dismiss' THEN 1 ELSE 0 END), 0)
		FROM monitor_warnings WHERE `+scope, args...).Scan(&f.Warned, &f.Visited, &f.Assisted, &f.Dismissed)
	if err != nil {
		return nil, err
	}
	return d, nil
}

// grouped counts the warnings in scope by one expression, largest group first (then by key).
func (s *Store) grouped(ctx context.Context, expr, scope string, args []any) ([]Count, error) {
	rows, err := s.DB.Query(ctx, `SELECT `+expr+`, COUNT(*) FROM monitor_warnings WHERE `+scope+` GROUP BY 1 ORDER BY 2 DESC, 1`,
		args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := []Count{}
	for rows.Next() {
		var c Count
		if err := rows.Scan(&c.Key, &c.N); err != nil {
			return nil, err
		}
		out = append(out, c)
	}
	return out, rows.Err()
}

// ages sorts the open warnings in scope into ageBuckets by working days since the day they were
// raised (China time). The database groups them by the hour of creation, the only cut of a UTC
// stamp that maps to one China day whatever the offset, and the calendar is applied here to
// each distinct day once.
func (s *Store) ages(ctx context.Context, scope string, args []any) ([]Count, error) {
	rows, err := s.DB.Query(ctx, `SELECT substr(created_at, 1, 13), COUNT(*) FROM monitor_warnings
		WHERE state <> 'closed' AND `+scope+` GROUP BY 1`, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	byDay := map[civil.Date]int{}
	for rows.Next() {
		var hour string
		var n int
		if err := rows.Scan(&hour, &n); err != nil {
			return nil, err
		}
		byDay[createdOn(hour+":00:00.000000Z")] += n
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	t, today := msg.Default().T, s.today()
	out := make([]Count, len(ageBuckets))
	for i, b := range ageBuckets {
		out[i] = Count{Key: b.key, Label: t(b.label)}
	}
	for day, n := range byDay {
		age := s.cal().WorkingDaysBetween(day, today)
		for i := len(ageBuckets) - 1; i >= 0; i-- {
			if age >= ageBuckets[i].from || i == 0 {
				out[i].N += n
				break
			}
		}
	}
	return out, nil
}

// RuleLabel is the name of rule id for people: its catalogue entry (monitor.rule.<id>) where
// the rules' author wrote one, else the id itself.
func RuleLabel(id string) string {
	if c := msg.Default(); c.Has("monitor.rule." + id) {
		return c.T("monitor.rule." + id)
	}
	return id
}
