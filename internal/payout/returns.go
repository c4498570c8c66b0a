package payout

import (
	"context"
	"strings"

	"github.com/minzheng/minzheng/internal/apperr"
	"github.com/minzheng/minzheng/internal/audit"
	"github.com/minzheng/minzheng/internal/auth"
	"github.com/minzheng/minzheng/internal/db"
	"github.com/minzheng/minzheng/internal/money"
)

// Return is the bank's verdict on one line: paid, or failed with the bank's reason.
type Return struct {
	LineID int64
	Failed bool
	Reason string
}

// ReturnResult counts what a return file changed.
type ReturnResult struct {
	Paid, Failed int
	// Refunded is the money that came back to the funds.
	Refunded money.Fen
}

// ApplyReturns applies the bank's return file to locked roster id, all or nothing: paid lines
// are marked paid; each failed line is marked failed, its amount goes back to the funds in one
// return transaction, and it is queued for re-issue in the next roster. A line already settled
// keeps its verdict (a return file imported twice changes nothing).
func (s *Store) ApplyReturns(ctx context.Context, p *auth.Principal, id int64, returns []Return, ip string) (ReturnResult, error) {
	var res ReturnResult
	err := s.DB.InTx(ctx, func(tx *db.Tx) error {
		r, err := s.districtRoster(ctx, tx, p, id, Locked, "payout.not_locked")
		if err != nil {
			return err
		}
		for i, rt := range returns {
			l, err := scanLine(tx.QueryRow(ctx, `SELECT `+lineSelect+` FROM roster_lines WHERE id = ? AND roster_id = ?`, rt.LineID, id))
			if err != nil {
				return apperr.FieldMsg("line", "payout.return_unknown_line", i+1, rt.LineID)
			}
			if l.Status != "pending" {
				continue
			}
			if !rt.Failed {
				if _, err := tx.Exec(ctx, `UPDATE roster_lines SET status = 'paid' WHERE id = ?`, l.ID); err != nil {
					return err
				}
				res.Paid++
				continue
			}
			reason := strings.TrimSpace(rt.Reason)
			if reason == "" {
				reason = "银行退回"
			}
			if _, err := tx.Exec(ctx, `UPDATE roster_lines SET status = 'failed', failure = ? WHERE id = ?`, reason, l.ID); err != nil {
				return err
			}
			res.Failed++
			if l.Amount == 0 {
				continue
			}
			// The household's transfer was its lines' net: a recovery deducted from it comes
			// back as less money, and is owed again.
			res.Refunded += l.Amount
			kind, text := "reissue", "重新发放："
			if l.Amount < 0 {
				kind, text = "recovery", "重新追回："
			}
			if _, err := tx.Exec(ctx, `INSERT INTO adjustments (entitlement_id, household_id, region_code, program, kind, amount_fen,
				from_month, to_month, reason, created_by, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
				l.EntitlementID, l.HouseholdID, l.RegionCode, r.Program, kind, int64(l.Amount), l.From.String(), l.To.String(),
				text+reason, p.Login, s.stamp()); err != nil {
				return err
			}
		}
		if res.Refunded > 0 {
			entries, err := s.split(ctx, r.Program, r.District, r.Month, res.Refunded)
			if err != nil {
				return err
			}
			if err := s.post(ctx, tx, r.Month, "return", id, "银行退回 "+r.Month.Chinese(), p.Login, negate(entries)); err != nil {
				return err
			}
		}
		_, err = s.Audit.Append(ctx, tx, audit.Event{ActorID: p.UserID, Actor: p.Login, Role: string(p.Role), IP: ip,
			Action: "payout.returns", TargetType: "roster", TargetID: itoa(id), RegionCode: r.District,
			Detail: map[string]any{"paid": res.Paid, "failed": res.Failed, "refunded_fen": int64(res.Refunded)}})
		return err
	})
	return res, err
}
