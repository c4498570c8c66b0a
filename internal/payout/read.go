package payout

import (
	"context"
	"database/sql"
	"errors"
	"strings"

	"github.com/minzheng/minzheng/internal/apperr"
	"github.com/minzheng/minzheng/internal/auth"
	"github.com/minzheng/minzheng/internal/civil"
	"github.com/minzheng/minzheng/internal/db"
	"github.com/minzheng/minzheng/internal/money"
)

const rosterColumns = `id, month, program, district, status, lines, households, persons, total_fen, generated_by, generated_at,
	approved_by, approved_at, locked_at, version`

func scanRoster(row interface{ Scan(...any) error }) (*Roster, error) {
	var r Roster
	var month, gen, appr, locked string
	var total int64
	if err := row.Scan(&r.ID, &month, &r.Program, &r.District, &r.Status, &r.Lines, &r.Households, &r.Persons, &total,
		&r.GeneratedBy, &gen, &r.ApprovedBy, &appr, &locked, &r.Version); err != nil {
		return nil, err
	}
	r.Month, _ = civil.ParseMonth(month)
	r.Total = money.Fen(total)
	r.GeneratedAt, _ = db.ParseTime(gen)
	if appr != "" {
		r.ApprovedAt, _ = db.ParseTime(appr)
	}
	if locked != "" {
		r.LockedAt, _ = db.ParseTime(locked)
	}
	return &r, nil
}

func (s *Store) roster(ctx context.Context, q db.Querier, p *auth.Principal, id int64) (*Roster, error) {
	r, err := scanRoster(q.QueryRow(ctx, `SELECT `+rosterColumns+` FROM rosters WHERE id = ?`, id))
	if errors.Is(err, sql.ErrNoRows) || (err == nil && !seesRoster(p, r.District)) {
		return nil, apperr.Msg(apperr.NotFound, "payout.notfound")
	}
	return r, err
}

// seesRoster reports whether p may see a district's roster: a user of the district or above, or
// of a street within it (who then sees the lines of their own streets only).
func seesRoster(p *auth.Principal, district string) bool {
	return p != nil && (p.Sees(district) || strings.HasPrefix(p.Scope.Code(), district))
}

// Roster returns roster id if its district lies within p's scope.
func (s *Store) Roster(ctx context.Context, p *auth.Principal, id int64) (*Roster, error) {
	return s.roster(ctx, s.DB, p, id)
}

// RosterQuery filters the roster list.
type RosterQuery struct {
	Month   civil.Month
	Program string
	Status  string
}

// Rosters lists the rosters of p's scope, newest month first. A street or community user sees
// the rosters of its district, since payments are made per district.
func (s *Store) Rosters(ctx context.Context, p *auth.Principal, q RosterQuery) ([]*Roster, error) {
	scope := p.Scope.Code()
	if len(scope) > 6 {
		scope = scope[:6]
	}
	cond, args := "1 = 1", []any(nil)
	if p.Scope.Level() > 0 {
		cond, args = db.PrefixRange("district", scope)
	}
	if !q.Month.IsZero() {
		cond, args = cond+" AND month = ?", append(args, q.Month.String())
	}
	if q.Program != "" {
		cond, args = cond+" AND program = ?", append(args, q.Program)
	}
	if q.Status != "" {
		cond, args = cond+" AND status = ?", append(args, q.Status)
	}
	rows, err := s.DB.Query(ctx, `SELECT `+rosterColumns+` FROM rosters WHERE `+cond+` ORDER BY month DESC, district, program LIMIT 500`, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []*Roster
	for rows.Next() {
		r, err := scanRoster(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, r)
	}
	return out, rows.Err()
}

const lineSelect = `id, roster_id, entitlement_id, household_id, region_code, kind, amount_fen, persons, from_month, to_month,
	reason, COALESCE(adjustment_id, 0), payee_name, bank, account_masked, status, failure`

// scanLine reads a row of lineSelect, and into extra any columns selected after it.
func scanLine(row interface{ Scan(...any) error }, extra ...any) (Line, error) {
	var l Line
	var amount int64
	var from, to string
	err := row.Scan(append([]any{&l.ID, &l.RosterID, &l.EntitlementID, &l.HouseholdID, &l.RegionCode, &l.Kind, &amount, &l.Persons,
		&from, &to, &l.Reason, &l.AdjustmentID, &l.PayeeName, &l.Bank, &l.AccountMasked, &l.Status, &l.Failure}, extra...)...)
	l.Amount = money.Fen(amount)
	l.From, _ = civil.ParseMonth(from)
	l.To, _ = civil.ParseMonth(to)
	return l, err
}

// Lines returns a page of roster id's lines (in household order) with the total count. Lines
// of a district are visible to the users of the district; a street user sees its own streets'.
func (s *Store) Lines(ctx context.Context, p *auth.Principal, id int64, page, perPage int) ([]Line, int, error) {
	if _, err := s.Roster(ctx, p, id); err != nil {
		return nil, 0, err
	}
	scope, args := p.ScopeCondition("region_code")
	args = append([]any{id}, args...)
	var total int
	if err := s.DB.QueryRow(ctx, `SELECT COUNT(*) FROM roster_lines WHERE roster_id = ? AND `+scope, args...).Scan(&total); err != nil {
		return nil, 0, err
	}
	if perPage <= 0 || perPage > 500 {
		perPage = 100
	}
	if page < 1 {
		page = 1
	}
	rows, err := s.DB.Query(ctx, `SELECT `+lineSelect+` FROM roster_lines WHERE roster_id = ? AND `+scope+`
		ORDER BY household_id, id LIMIT ? OFFSET ?`, append(args, perPage, (page-1)*perPage)...)
	if err != nil {
		return nil, 0, err
	}
	defer rows.Close()
	var out []Line
	for rows.Next() {
		l, err := scanLine(rows)
		if err != nil {
			return nil, 0, err
		}
		out = append(out, l)
	}
	return out, total, rows.Err()
}

// EachLine streams every line of roster id with its sealed account, for the bank file.
func (s *Store) EachLine(ctx context.Context, p *auth.Principal, id int64, fn func(Line, string) error) error {
	if _, err := s.Roster(ctx, p, id); err != nil {
		return err
	}
	rows, err := s.DB.Query(ctx, `SELECT `+lineSelect+`, account_sealed FROM roster_lines WHERE roster_id = ? ORDER BY household_id, id`, id)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		var sealed string
		l, err := scanLine(rows, &sealed)
		if err != nil {
			return err
		}
		if err := fn(l, sealed); err != nil {
			return err
		}
	}
	return rows.Err()
}
