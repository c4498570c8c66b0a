package meals

import (
	"context"
	"strings"

	"github.com/minzheng/minzheng/internal/apperr"
	"github.com/minzheng/minzheng/internal/auth"
	"github.com/minzheng/minzheng/internal/db"
	"github.com/minzheng/minzheng/internal/region"
)

// The staff's list of diners: by name or card, category, status and home area, within the
// caller's sight.

// DinerFilter chooses diners for a list. Query is a name (or part of one) or a whole card
// number; Region is a home area within the caller's scope; empty fields do not restrict.
type DinerFilter struct {
	Query         string
	Category      string
	Status        string
	Region        string
	Page, PerPage int // 1-based; PerPage 0 = 50
}

// ListDiners lists a page of the diners whose home lies in p's area, by f, newest first, and how
// many match. A canteen operator reads no diners: the list is empty.
func (s *Store) ListDiners(ctx context.Context, p *auth.Principal, f DinerFilter) ([]DinerRecord, int, error) {
	if !readsByRegion(p) {
		return nil, 0, nil
	}
	w, args := p.ScopeCondition("home_region")
	conds := []string{w}
	if f.Region != "" {
		if region.ValidCode(f.Region) != nil {
			return nil, 0, apperr.FieldMsg("region", "meals.region_invalid")
		}
		w, a := db.PrefixRange("home_region", f.Region)
		conds, args = append(conds, w), append(args, a...)
	}
	if q := strings.TrimSpace(f.Query); q != "" {
		if len(q) == 12 && strings.Trim(q, "0123456789") == "" {
			conds, args = append(conds, "card_no = ?"), append(args, q)
		} else {
			conds, args = append(conds, "name LIKE ? ESCAPE '!'"), append(args, likeContains(q))
		}
	}
	if f.Category != "" {
		conds, args = append(conds, "(',' || categories || ',') LIKE ? ESCAPE '!'"), append(args, likeContains(","+f.Category+","))
	}
	if f.Status != "" {
		conds, args = append(conds, "status = ?"), append(args, f.Status)
	}
	where := strings.Join(conds, " AND ")
	var total int
	if err := s.DB.QueryRow(ctx, `SELECT COUNT(*) FROM diners WHERE `+where, args...).Scan(&total); err != nil {
		return nil, 0, err
	}
	page, per := pageOf(f.Page, f.PerPage)
	rows, err := s.DB.Query(ctx, `SELECT `+dinerColumns+` FROM diners WHERE `+where+` ORDER BY id DESC LIMIT ? OFFSET ?`,
		append(args, per, (page-1)*per)...)
	if err != nil {
		return nil, 0, err
	}
	defer rows.Close()
	var out []DinerRecord
	for rows.Next() {
		d, err := scanDiner(rows)
		if err != nil {
			return nil, 0, err
		}
		out = append(out, *d)
	}
	return out, total, rows.Err()
}

// likeContains is a LIKE pattern (with ! as the escape character) for values containing s.
func likeContains(s string) string {
	return "%" + strings.NewReplacer("!", "!!", "%", "!%", "_", "!_").Replace(s) + "%"
}
