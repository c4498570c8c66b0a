package audit

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/minzheng/minzheng/internal/db"
)

// Paging limits for Search: a page an auditor can read, and a cap so one request cannot ask the
// server for the whole log (exports go through their own, audited, path).
const (
	DefaultPerPage = 50
	MaxPerPage     = 500
)

// Filter selects audit records. Empty fields match everything; all set fields must match.
type Filter struct {
	// Scope is the caller's region scope (a region code prefix, "" for the whole city). The web and
	// API layers always set it from the signed-in auditor, so a district auditor sees only events
	// in that district, and no events without a region, whatever the other fields say.
	Scope string
	// RegionPrefix narrows further, as the auditor asks: a district, a street.
	RegionPrefix string
	Actor        string // login name, exact
	// Action is an exact action ("auth.login") or, ending in a dot, a prefix ("auth.").
	Action     string
	TargetType string
	TargetID   string
	From, To   time.Time // From inclusive, To exclusive; zero means open-ended
	Page       int       // from 1; below 1 means 1
	PerPage    int       // 0 means DefaultPerPage; capped at MaxPerPage
}

// Search returns one page of matching records, newest first, and the number of all matches for
// the pager. Newest first is by id, the order of the chain, which is also time order because
// Append reads the clock while it holds the chain head.
//
// Prefix matches use LIKE with escaped wildcards, written once for both engines. The plain
// indexes serve the exact matches; on PostgreSQL with a non-C collation a prefix match scans,
// which a city's log can afford — a province would add text_pattern_ops indexes.
func Search(ctx context.Context, q db.Querier, f Filter) ([]Record, int, error) {
	where, args := f.where()
	var total int
	if err := q.QueryRow(ctx, `SELECT COUNT(*) FROM audit_log`+where, args...).Scan(&total); err != nil {
		return nil, 0, fmt.Errorf("audit search: count: %w", err)
	}
	perPage := f.PerPage
	if perPage <= 0 {
		perPage = DefaultPerPage
	}
	perPage = min(perPage, MaxPerPage)
	page := max(f.Page, 1)
	offset := (page - 1) * perPage
	if total == 0 || offset >= total {
		return nil, total, nil
	}
	rows, err := q.Query(ctx, `SELECT `+columns+` FROM audit_log`+where+` ORDER BY id DESC LIMIT ? OFFSET ?`,
		append(args, perPage, offset)...)
	if err != nil {
		return nil, 0, fmt.Errorf("audit search: %w", err)
	}
	defer rows.Close()
	out := make([]Record, 0, min(perPage, total-offset))
	for rows.Next() {
		r, err := scan(rows)
		if err != nil {
			return nil, 0, err
		}
		out = append(out, r.record())
	}
	if err := rows.Err(); err != nil {
		return nil, 0, fmt.Errorf("audit search: %w", err)
	}
	return out, total, nil
}

// where builds the WHERE clause (with its leading space) and its arguments.
func (f Filter) where() (string, []any) {
	var conds []string
	var args []any
	add := func(cond string, arg any) {
		conds = append(conds, cond)
		args = append(args, arg)
	}
	prefix := func(column, p string) {
		add(column+` LIKE ? ESCAPE '!'`, escapeLike(p)+"%")
	}
	if f.Scope != "" {
		prefix("region_code", f.Scope)
	}
	if f.RegionPrefix != "" {
		prefix("region_code", f.RegionPrefix)
	}
	if f.Actor != "" {
		add("actor = ?", f.Actor)
	}
	// Actions are lower case; folding the filter keeps SQLite's case-blind LIKE and PostgreSQL's
	// case-sensitive one answering alike.
	switch action := strings.ToLower(f.Action); {
	case strings.HasSuffix(action, "."):
		prefix("action", action)
	case action != "":
		add("action = ?", action)
	}
	if f.TargetType != "" {
		add("target_type = ?", f.TargetType)
	}
	if f.TargetID != "" {
		add("target_id = ?", f.TargetID)
	}
	if !f.From.IsZero() {
		add("at >= ?", formatTime(f.From))
	}
	if !f.To.IsZero() {
		add("at < ?", formatTime(f.To))
	}
	if len(conds) == 0 {
		return "", nil
	}
	return " WHERE " + strings.Join(conds, " AND "), args
}

// escapeLike makes every character of s literal in a LIKE pattern with ESCAPE '!'.
func escapeLike(s string) string {
	return strings.NewReplacer("!", "!!", "%", "!%", "_", "!_").Replace(s)
}
