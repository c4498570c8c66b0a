package payout

import (
	"context"
	"strings"
	"unicode/utf8"

	"github.com/minzheng/minzheng/internal/apperr"
	"github.com/minzheng/minzheng/internal/auth"
	"github.com/minzheng/minzheng/internal/civil"
	"github.com/minzheng/minzheng/internal/db"
	"github.com/minzheng/minzheng/internal/money"
)

// Adjustment is an amount owed to (补发) or recovered from (追回) a household for past months,
// waiting for the next roster of its program and district.
type Adjustment struct {
	EntitlementID int64
	// PerMonth is the difference for each month from From to To: positive is arrears, negative
	// a recovery.
	PerMonth money.Fen
	From, To civil.Month
	Reason   string
}

// Adjust records an adjustment of entitlement e; the next roster of its program and district
// carries it, with its reason and the months it covers. A district approver decides it, after a
// standard changed retroactively or a decision was corrected.
func (s *Store) Adjust(ctx context.Context, p *auth.Principal, adj Adjustment) (int64, error) {
	adj.Reason = strings.TrimSpace(adj.Reason)
	var id int64
	err := s.DB.InTx(ctx, func(tx *db.Tx) error {
		e, err := s.Cases.Entitlement(ctx, p, adj.EntitlementID)
		if err != nil {
			return err
		}
		if p.Role != auth.DistrictApprover {
			return apperr.Msg(apperr.Forbidden, "payout.approve_forbidden")
		}
		switch {
		case adj.PerMonth == 0 || adj.PerMonth > 100_000_00 || adj.PerMonth < -100_000_00:
			return apperr.FieldMsg("per_month", "payout.bad_amount")
		case adj.From.IsZero() || adj.To.IsZero() || adj.To.Before(adj.From) || adj.From.Before(e.StartMonth):
			return apperr.FieldMsg("from", "payout.bad_months")
		case adj.Reason == "" || utf8.RuneCountInString(adj.Reason) > 500:
			return apperr.FieldMsg("reason", "payout.reason_required")
		}
		months := 0
		for x := adj.From; !x.After(adj.To); x = x.Next() {
			months++
		}
		kind := Arrears
		if adj.PerMonth < 0 {
			kind = Recovery
		}
		return tx.QueryRow(ctx, `INSERT INTO adjustments (entitlement_id, household_id, region_code, program, kind, amount_fen,
			from_month, to_month, reason, created_by, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`,
			e.ID, e.HouseholdID, e.RegionCode, e.Program, kind, int64(adj.PerMonth)*int64(months), adj.From.String(), adj.To.String(),
			adj.Reason, p.Login, s.stamp()).Scan(&id)
	})
	return id, err
}
