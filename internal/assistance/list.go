package assistance

import (
	"context"
	"strings"

	"github.com/minzheng/minzheng/internal/apperr"
	"github.com/minzheng/minzheng/internal/auth"
	"github.com/minzheng/minzheng/internal/db"
)

// CaseQuery filters the case list.
type CaseQuery struct {
	Status  string
	Program string
	Kind    string
	Region  string // a region code prefix within the caller's scope
	Page    int
	PerPage int
}

// Search lists the cases of the caller's scope that match q, newest first, with the total.
func (s *Store) Search(ctx context.Context, p *auth.Principal, q CaseQuery) ([]*Application, int, error) {
	scope, args := p.ScopeCondition("region_code")
	where := []string{scope}
	if q.Region != "" {
		cond, more := db.PrefixRange("region_code", q.Region)
		where, args = append(where, cond), append(args, more...)
	}
	for _, f := range []struct{ col, v string }{{"status", q.Status}, {"program", q.Program}, {"kind", q.Kind}} {
		if f.v != "" {
			where, args = append(where, f.col+" = ?"), append(args, f.v)
		}
	}
	cond := strings.Join(where, " AND ")
	var total int
	if err := s.DB.QueryRow(ctx, `SELECT COUNT(*) FROM applications WHERE `+cond, args...).Scan(&total); err != nil {
		return nil, 0, err
	}
	if q.PerPage <= 0 || q.PerPage > 200 {
		q.PerPage = 50
	}
	if q.Page < 1 {
		q.Page = 1
	}
	out, err := s.applications(ctx, `SELECT `+appColumns+` FROM applications WHERE `+cond+` ORDER BY id DESC LIMIT ? OFFSET ?`,
		append(args, q.PerPage, (q.Page-1)*q.PerPage)...)
	return out, total, err
}

func (s *Store) applications(ctx context.Context, query string, args ...any) ([]*Application, error) {
	rows, err := s.DB.Query(ctx, query, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []*Application
	for rows.Next() {
		a, err := scanApplication(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, a)
	}
	return out, rows.Err()
}

// CitizenApplications lists the applications a citizen submitted online, newest first.
func (s *Store) CitizenApplications(ctx context.Context, citizenID int64) ([]*Application, error) {
	return s.applications(ctx, `SELECT `+appColumns+` FROM applications WHERE citizen_id = ? ORDER BY id DESC`, citizenID)
}

// CitizenCase returns case id to the citizen who submitted it; to anyone else it does not exist.
func (s *Store) CitizenCase(ctx context.Context, citizenID, id int64) (*Case, error) {
	a, err := s.load(ctx, s.DB, auth.System(), id)
	if err != nil {
		return nil, err
	}
	if citizenID == 0 || a.CitizenID != citizenID {
		return nil, apperr.Msg(apperr.NotFound, "case.notfound")
	}
	c, err := s.assemble(ctx, nil, a)
	if err != nil {
		return nil, err
	}
	// Who objected during the notice is not the applicant's to know (公示 protects the objector
	// as it protects the applicant); what was objected is.
	for i := range c.Objections {
		c.Objections[i].Filer = ""
	}
	return c, nil
}

// CitizenDecision returns decision id to the citizen whose application it decided.
func (s *Store) CitizenDecision(ctx context.Context, citizenID, id int64) (Decision, error) {
	d, err := s.decisionIn(ctx, s.DB, id)
	if err != nil {
		return d, err
	}
	if d.ApplicationID != 0 {
		if _, err := s.CitizenCase(ctx, citizenID, d.ApplicationID); err == nil {
			return d, nil
		}
	}
	return Decision{}, apperr.Msg(apperr.NotFound, "case.decision_notfound")
}

// DueReviews lists the caller's entitlements whose review falls due within days, with no
// review open, soonest first.
func (s *Store) DueReviews(ctx context.Context, p *auth.Principal, days int) ([]*Entitlement, error) {
	scope, args := p.ScopeCondition("e.region_code")
	limit := s.today().AddDays(days).String()
	return s.entitlementsWhere(ctx, `SELECT `+db.Qualify("e", entColumns)+` FROM entitlements e WHERE `+scope+`
		AND e.status IN ('active', 'tapering') AND e.next_review <> '' AND e.next_review <= ?
		AND NOT EXISTS (SELECT 1 FROM applications a WHERE a.entitlement_id = e.id AND a.kind = 'review' AND a.status = 'open')
		ORDER BY e.next_review, e.id LIMIT 500`, append(args, limit)...)
}
