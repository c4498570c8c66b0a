package meals

import (
	"context"
	"strings"

	"github.com/minzheng/minzheng/internal/apperr"
	"github.com/minzheng/minzheng/internal/auth"
	"github.com/minzheng/minzheng/internal/db"
	"github.com/minzheng/minzheng/internal/region"
)

// Read-only lists and look-ups for the staff pages and the staff API. This file holds paging,
// the questions a page asks before offering a form, and the list of canteens; the diners, the
// meals served and the counter's preview have files of their own (list_diners.go,
// list_meals.go, counter_quote.go). Nothing in them writes; every method applies the same sight
// rules as the single-record reads (staff by region, a canteen operator only their own canteen,
// diners only for staff of their home area).

// maxPerPage bounds a page, so that a hand-written per_page cannot ask for a whole city at once.
const maxPerPage = 200

// pageOf normalises a page number and size: page from 1, size 50 by default.
func pageOf(page, perPage int) (int, int) {
	if perPage <= 0 {
		perPage = 50
	}
	return max(page, 1), min(perPage, maxPerPage)
}

// ManagesCanteensIn reports whether p may create and change canteens in region code, so a page
// offers only the forms the store will accept.
func ManagesCanteensIn(p *auth.Principal, code string) bool { return managesCanteens(p, code) }

// RegistersDinersIn reports whether p may register diners living in region code (and link their
// relatives).
func RegistersDinersIn(p *auth.Principal, code string) bool { return registersDiners(p, code) }

// KeepsMenuOf reports whether p may change canteen c's menu and terminal tokens: its own
// operator, or staff who manage its area.
func KeepsMenuOf(p *auth.Principal, c *Canteen) bool { return keepsMenu(p, c) }

// ReadsDiners reports whether p reads diners at all (staff and auditors by region); a canteen
// operator does not browse the elderly of their street.
func ReadsDiners(p *auth.Principal) bool { return readsByRegion(p) }

// CanteenFilter chooses canteens for a list: an area within the caller's scope (a region code
// prefix) and a status; empty fields do not restrict.
type CanteenFilter struct {
	Region        string
	Status        string
	Page, PerPage int // 1-based; PerPage 0 = 50
}

// CanteenRow is a canteen as a list shows it, with the meals it has served today.
type CanteenRow struct {
	Canteen
	MealsToday int
}

// ListCanteens lists a page of the canteens p sees by f, by region and id, and how many match.
func (s *Store) ListCanteens(ctx context.Context, p *auth.Principal, f CanteenFilter) ([]CanteenRow, int, error) {
	conds, args := []string{"1 = 0"}, []any(nil)
	switch {
	case p != nil && p.Role == auth.CanteenOperator:
		conds, args = []string{"id = ?"}, []any{p.OrgID}
	case readsByRegion(p):
		w, a := p.ScopeCondition("region_code")
		conds, args = []string{w}, a
	}
	if f.Region != "" {
		if region.ValidCode(f.Region) != nil {
			return nil, 0, apperr.FieldMsg("region", "meals.region_invalid")
		}
		w, a := db.PrefixRange("region_code", f.Region)
		conds, args = append(conds, w), append(args, a...)
	}
	if f.Status != "" {
		conds, args = append(conds, "status = ?"), append(args, f.Status)
	}
	where := strings.Join(conds, " AND ")
	var total int
	if err := s.DB.QueryRow(ctx, `SELECT COUNT(*) FROM canteens WHERE `+where, args...).Scan(&total); err != nil {
		return nil, 0, err
	}
	page, per := pageOf(f.Page, f.PerPage)
	rows, err := s.DB.Query(ctx, `SELECT `+canteenColumns+` FROM canteens WHERE `+where+` ORDER BY region_code, id
		LIMIT ? OFFSET ?`, append(args, per, (page-1)*per)...)
	if err != nil {
		return nil, 0, err
	}
	defer rows.Close()
	var out []CanteenRow
	index := map[int64]int{}
	for rows.Next() {
		c, err := scanCanteen(rows)
		if err != nil {
			return nil, 0, err
		}
		index[c.ID] = len(out)
		out = append(out, CanteenRow{Canteen: *c})
	}
	if err := rows.Err(); err != nil {
		return nil, 0, err
	}
	rows.Close()
	if len(out) == 0 {
		return out, total, nil
	}
	// Today's counts for the page's canteens in one query; the (canteen_id, served_on) index
	// answers it.
	marks, ids := make([]string, 0, len(out)), []any{s.today().String()}
	for _, c := range out {
		marks, ids = append(marks, "?"), append(ids, c.ID)
	}
	counts, err := s.DB.Query(ctx, `SELECT canteen_id, COUNT(*) FROM meal_transactions WHERE served_on = ? AND status = 'served'
		AND canteen_id IN (`+strings.Join(marks, ", ")+`) GROUP BY canteen_id`, ids...)
	if err != nil {
		return nil, 0, err
	}
	defer counts.Close()
	for counts.Next() {
		var id int64
		var n int
		if err := counts.Scan(&id, &n); err != nil {
			return nil, 0, err
		}
		out[index[id]].MealsToday = n
	}
	return out, total, counts.Err()
}
