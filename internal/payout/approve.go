package payout

import (
	"context"
	"fmt"
	"strings"

	"github.com/minzheng/minzheng/internal/apperr"
	"github.com/minzheng/minzheng/internal/audit"
	"github.com/minzheng/minzheng/internal/auth"
	"github.com/minzheng/minzheng/internal/db"
)

// Approve is the district's approval of a draft roster seen at version: the roster can no longer
// be regenerated, and its total is posted to the ledger as a payment split by funding source.
func (s *Store) Approve(ctx context.Context, p *auth.Principal, id int64, version int, ip string) (*Roster, error) {
	err := s.DB.InTx(ctx, func(tx *db.Tx) error {
		r, err := s.districtRoster(ctx, tx, p, id, Draft, "payout.not_draft")
		if err != nil {
			return err
		}
		res, err := tx.Exec(ctx, `UPDATE rosters SET status = 'approved', approved_by = ?, approved_at = ?, version = version + 1
			WHERE id = ? AND version = ? AND status = 'draft'`, p.Login, s.stamp(), id, version)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return apperr.Msg(apperr.Conflict, "payout.stale")
		}
		if err := refuseWithoutAccount(ctx, tx, id); err != nil {
			return err
		}
		entries, err := s.split(ctx, r.Program, r.District, r.Month, r.Total)
		if err != nil {
			return err
		}
		if err := s.post(ctx, tx, r.Month, "payment", id, "发放 "+r.Month.Chinese()+" "+r.Program+" "+r.District, p.Login, entries); err != nil {
			return err
		}
		_, err = s.Audit.Append(ctx, tx, audit.Event{ActorID: p.UserID, Actor: p.Login, Role: string(p.Role), IP: ip,
			Action: "payout.approve", TargetType: "roster", TargetID: itoa(id), RegionCode: r.District,
			Detail: map[string]any{"month": r.Month.String(), "program": r.Program, "total_fen": int64(r.Total), "lines": r.Lines}})
		return err
	})
	if err != nil {
		return nil, err
	}
	return s.Roster(ctx, p, id)
}

// Lock marks an approved roster as handed to the bank (its file exported); nothing about it
// changes afterwards except the bank's verdict on each line.
func (s *Store) Lock(ctx context.Context, p *auth.Principal, id int64) error {
	return s.DB.InTx(ctx, func(tx *db.Tx) error {
		r, err := s.roster(ctx, tx, p, id)
		if err != nil {
			return err
		}
		if !p.Can(auth.PayoutManage) {
			return apperr.Msg(apperr.Forbidden, "payout.forbidden")
		}
		switch r.Status {
		case Locked:
			return nil
		case Draft:
			return apperr.Msg(apperr.Conflict, "payout.not_approved")
		}
		_, err = tx.Exec(ctx, `UPDATE rosters SET status = 'locked', locked_at = ?, version = version + 1 WHERE id = ? AND status = 'approved'`,
			s.stamp(), id)
		return err
	})
}

// districtRoster loads roster id for an act of the district's approver on a roster in status
// want: out of scope is not found, another role is forbidden, another status a conflict (notKey).
func (s *Store) districtRoster(ctx context.Context, tx *db.Tx, p *auth.Principal, id int64, want, notKey string) (*Roster, error) {
	r, err := s.roster(ctx, tx, p, id)
	if err != nil {
		return nil, err
	}
	if p.Role != auth.DistrictApprover {
		return nil, apperr.Msg(apperr.Forbidden, "payout.approve_forbidden")
	}
	if r.Status != want {
		return nil, apperr.Msg(apperr.Conflict, notKey)
	}
	return r, nil
}

// refuseWithoutAccount stops the approval of a roster that pays a household without a payee
// account: its bank file could not be written, and an approved roster can no longer be
// regenerated once the account is registered.
func refuseWithoutAccount(ctx context.Context, tx *db.Tx, id int64) error {
	rows, err := tx.Query(ctx, `SELECT DISTINCT household_id FROM roster_lines WHERE roster_id = ? AND amount_fen > 0
		AND account_sealed = '' ORDER BY household_id`, id)
	if err != nil {
		return err
	}
	defer rows.Close()
	var missing []int64
	for rows.Next() {
		var h int64
		if err := rows.Scan(&h); err != nil {
			return err
		}
		missing = append(missing, h)
	}
	if err := rows.Err(); err != nil {
		return err
	}
	if len(missing) > 0 {
		return apperr.Msg(apperr.Conflict, "payout.approve_no_account", len(missing), HouseholdList(missing))
	}
	return nil
}

// HouseholdList names households by number for an error message: the first 20, then how many.
func HouseholdList(ids []int64) string {
	var b strings.Builder
	for i, id := range ids {
		if i == 20 {
			fmt.Fprintf(&b, " 等（共 %d 户）", len(ids))
			break
		}
		if i > 0 {
			b.WriteString("、")
		}
		fmt.Fprint(&b, id)
	}
	return b.String()
}
