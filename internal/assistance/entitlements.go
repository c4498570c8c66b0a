package assistance

import (
	"context"
	"database/sql"
	"errors"

	"github.com/minzheng/minzheng/internal/apperr"
	"github.com/minzheng/minzheng/internal/auth"
	"github.com/minzheng/minzheng/internal/civil"
	"github.com/minzheng/minzheng/internal/db"
	"github.com/minzheng/minzheng/internal/money"
)

const entColumns = `id, household_id, region_code, program, status, monthly_fen, one_off_fen, start_month, end_month,
	next_review, review_months, calculation, decision_id, version, created_at, updated_at`

func scanEntitlement(row interface{ Scan(...any) error }) (*Entitlement, error) {
	var e Entitlement
	var monthly, oneOff int64
	var start, end, review, created, updated string
	if err := row.Scan(&e.ID, &e.HouseholdID, &e.RegionCode, &e.Program, &e.Status, &monthly, &oneOff, &start, &end, &review,
		&e.ReviewMonths, &e.Calculation, &e.DecisionID, &e.Version, &created, &updated); err != nil {
		return nil, err
	}
	e.Monthly, e.OneOff = money.Fen(monthly), money.Fen(oneOff)
	e.StartMonth, _ = civil.ParseMonth(start)
	e.EndMonth, _ = civil.ParseMonth(end)
	e.NextReview, _ = civil.ParseDate(review)
	e.CreatedAt, _ = db.ParseTime(created)
	e.UpdatedAt, _ = db.ParseTime(updated)
	return &e, nil
}

func (s *Store) entitlement(ctx context.Context, q db.Querier, p *auth.Principal, id int64) (*Entitlement, error) {
	e, err := scanEntitlement(q.QueryRow(ctx, `SELECT `+entColumns+` FROM entitlements WHERE id = ?`, id))
	if errors.Is(err, sql.ErrNoRows) || (err == nil && !p.Sees(e.RegionCode)) {
		return nil, apperr.Msg(apperr.NotFound, "case.entitlement_notfound")
	}
	return e, err
}

// Entitlement returns entitlement id if it lies within p's scope.
func (s *Store) Entitlement(ctx context.Context, p *auth.Principal, id int64) (*Entitlement, error) {
	return s.entitlement(ctx, s.DB, p, id)
}

// Entitlements lists a household's entitlements, newest first.
func (s *Store) Entitlements(ctx context.Context, p *auth.Principal, householdID int64) ([]*Entitlement, error) {
	scope, args := p.ScopeCondition("region_code")
	return s.entitlementsWhere(ctx, `SELECT `+entColumns+` FROM entitlements WHERE household_id = ? AND `+scope+` ORDER BY id DESC`,
		append([]any{householdID}, args...)...)
}

// entitlementsWhere runs a query selecting entColumns and scans every row.
func (s *Store) entitlementsWhere(ctx context.Context, query string, args ...any) ([]*Entitlement, error) {
	rows, err := s.DB.Query(ctx, query, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []*Entitlement
	for rows.Next() {
		e, err := scanEntitlement(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, e)
	}
	return out, rows.Err()
}

// entChange is a change to an entitlement, written with its history rows.
type entChange struct {
	status     string
	monthly    money.Fen
	end        civil.Month
	clearEnd   bool
	nextReview civil.Date
	// calculation is the calculator's explanation of a new amount.
	calculation string
}

// change applies ch to e against version, writing one history row per changed field.
func (s *Store) change(ctx context.Context, tx *db.Tx, p *auth.Principal, e *Entitlement, version int, decisionID int64, ch entChange) error {
	next := *e
	if ch.status != "" {
		next.Status = ch.status
	}
	if ch.monthly > 0 {
		next.Monthly = ch.monthly
	}
	if !ch.end.IsZero() {
		next.EndMonth = ch.end
	}
	if ch.clearEnd {
		next.EndMonth = civil.Month{}
	}
	if !ch.nextReview.IsZero() {
		next.NextReview = ch.nextReview
	}
	if ch.calculation != "" {
		next.Calculation = ch.calculation
	}
	res, err := tx.Exec(ctx, `UPDATE entitlements SET status = ?, monthly_fen = ?, end_month = ?, next_review = ?,
		calculation = ?, version = version + 1, updated_at = ? WHERE id = ? AND version = ?`, next.Status, int64(next.Monthly),
		monthText(next.EndMonth), dateText(next.NextReview), next.Calculation, s.stamp(), e.ID, version)
	if err != nil {
		return err
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return apperr.Msg(apperr.Conflict, "case.entitlement_stale")
	}
	for _, f := range []struct{ name, old, new string }{
		{"status", e.Status, next.Status},
		{"monthly", e.Monthly.String(), next.Monthly.String()},
		{"end_month", monthText(e.EndMonth), monthText(next.EndMonth)},
		{"next_review", dateText(e.NextReview), dateText(next.NextReview)},
		{"calculation", e.Calculation, next.Calculation},
	} {
		if f.old != f.new {
			if err := s.history(ctx, tx, p, e.ID, decisionID, f.name, f.old, f.new); err != nil {
				return err
			}
		}
	}
	*e = next
	e.Version = version + 1
	return nil
}

// EntitlementChange is one row of an entitlement's history.
type EntitlementChange struct {
	At         string
	Actor      string
	Field      string
	Old, New   string
	DecisionID int64
}

// EntitlementHistory lists the changes of entitlement id, oldest first.
func (s *Store) EntitlementHistory(ctx context.Context, p *auth.Principal, id int64) ([]EntitlementChange, error) {
	if _, err := s.Entitlement(ctx, p, id); err != nil {
		return nil, err
	}
	rows, err := s.DB.Query(ctx, `SELECT at, actor, field, old_value, new_value, COALESCE(decision_id, 0)
		FROM entitlement_history WHERE entitlement_id = ? ORDER BY id`, id)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []EntitlementChange
	for rows.Next() {
		var c EntitlementChange
		if err := rows.Scan(&c.At, &c.Actor, &c.Field, &c.Old, &c.New, &c.DecisionID); err != nil {
			return nil, err
		}
		out = append(out, c)
	}
	return out, rows.Err()
}
