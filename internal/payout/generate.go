package payout

import (
	"context"
	"fmt"
	"github.com/minzheng/minzheng/internal/region"
	"slices"

	"github.com/minzheng/minzheng/internal/apperr"
	"github.com/minzheng/minzheng/internal/auth"
	"github.com/minzheng/minzheng/internal/civil"
	"github.com/minzheng/minzheng/internal/db"
	"github.com/minzheng/minzheng/internal/money"
)

// catchUpMonths bounds how far back a roster looks for months an entitlement missed [D].
const catchUpMonths = 12

// Generate builds the roster of month m for program in district (a county code). A draft is
// rebuilt from scratch — the same entitlements and adjustments give the same lines — and an
// approved or locked roster is returned as it is. Only the system, the city administrator and
// the district's approver generate rosters.
func (s *Store) Generate(ctx context.Context, p *auth.Principal, m civil.Month, program, district string) (*Roster, error) {
	if err := s.checkTarget(ctx, p, m, program, district); err != nil {
		return nil, err
	}
	var id int64
	err := s.DB.InTx(ctx, func(tx *db.Tx) error {
		if _, err := tx.Exec(ctx, `INSERT INTO rosters (month, program, district, status, generated_by, generated_at)
			VALUES (?, ?, ?, 'draft', ?, ?) ON CONFLICT (month, program, district) DO NOTHING`, m.String(), program, district,
			p.Login, s.stamp()); err != nil {
			return err
		}
		var status string
		// An UPDATE, not a SELECT: it holds the roster's row until commit, so that another
		// process's generation or an approval waits and then sees what this one did.
		if err := tx.QueryRow(ctx, `UPDATE rosters SET version = version WHERE month = ? AND program = ? AND district = ?
			RETURNING id, status`, m.String(), program, district).Scan(&id, &status); err != nil {
			return err
		}
		if status != Draft {
			return nil
		}
		if err := clearDraft(ctx, tx, id); err != nil {
			return err
		}
		b := &builder{s: s, tx: tx, rosterID: id, month: m, program: program, district: district, positive: map[int64]money.Fen{}}
		build := b.build
		if program == PriceSubsidy {
			build = b.buildPriceSubsidy
		}
		if err := build(ctx); err != nil {
			return err
		}
		if _, err := tx.Exec(ctx, `UPDATE rosters SET generated_by = ?, generated_at = ?, version = version + 1 WHERE id = ?`,
			p.Login, s.stamp(), id); err != nil {
			return err
		}
		return summarise(ctx, tx, id)
	})
	if err != nil {
		return nil, err
	}
	return s.Roster(ctx, p, id)
}

// checkTarget validates a roster's month, program and district and the caller's right to it.
func (s *Store) checkTarget(ctx context.Context, p *auth.Principal, m civil.Month, program, district string) error {
	if m.IsZero() {
		return apperr.FieldMsg("month", "payout.bad_month")
	}
	if !slices.Contains(Programs(), program) {
		return apperr.FieldMsg("program", "payout.bad_program")
	}
	var n int
	if err := s.DB.QueryRow(ctx, `SELECT COUNT(*) FROM regions WHERE code = ?`, district).Scan(&n); err != nil {
		return err
	}
	if len(district) != 6 || n == 0 {
		return apperr.FieldMsg("district", "payout.bad_district")
	}
	if p == nil || !p.Sees(district) {
		return apperr.Msg(apperr.NotFound, "payout.notfound")
	}
	if p.Role != auth.CityAdmin && p.Role != auth.DistrictApprover {
		return apperr.Msg(apperr.Forbidden, "payout.forbidden")
	}
	return nil
}

// clearDraft removes a draft's lines and gives their adjustments back to the pending queue.
func clearDraft(ctx context.Context, tx *db.Tx, id int64) error {
	if _, err := tx.Exec(ctx, `UPDATE adjustments SET roster_line_id = NULL WHERE roster_line_id IN
		(SELECT id FROM roster_lines WHERE roster_id = ?)`, id); err != nil {
		return err
	}
	_, err := tx.Exec(ctx, `DELETE FROM roster_lines WHERE roster_id = ?`, id)
	return err
}

// summarise writes a roster's counts and total from its lines.
func summarise(ctx context.Context, tx *db.Tx, id int64) error {
	_, err := tx.Exec(ctx, `UPDATE rosters SET lines = (SELECT COUNT(*) FROM roster_lines WHERE roster_id = ?),
		households = (SELECT COUNT(DISTINCT household_id) FROM roster_lines WHERE roster_id = ?),
		persons = COALESCE((SELECT SUM(persons) FROM roster_lines WHERE roster_id = ? AND kind IN ('regular', 'one_off')), 0),
		total_fen = COALESCE((SELECT SUM(amount_fen) FROM roster_lines WHERE roster_id = ?), 0) WHERE id = ?`, id, id, id, id, id)
	return err
}

// monthsText names a span of months for a line's reason.
func monthsText(from, to civil.Month) string {
	if from == to {
		return from.Chinese()
	}
	return fmt.Sprintf("%s至%s", from.Chinese(), to.Chinese())
}

// Districts lists the county-level divisions below city, the districts rosters are made for.
func (s *Store) Districts(ctx context.Context, city string) ([]string, error) {
	tree, err := region.LoadTree(ctx, s.DB, city)
	if err != nil {
		return nil, err
	}
	var out []string
	for _, d := range tree.Children(city) {
		out = append(out, d.Code)
	}
	return out, nil
}
