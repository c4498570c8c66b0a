package meals

import (
	"context"
	"database/sql"
	"errors"
	"slices"
	"strings"
	"unicode/utf8"

	"github.com/minzheng/minzheng/internal/apperr"
	"github.com/minzheng/minzheng/internal/auth"
	"github.com/minzheng/minzheng/internal/db"
)

// fraudMaxNote bounds a review note, in characters.
const fraudMaxNote = 500

// fraudMaxBatch bounds how many flags one review decides: a day's excess meals of one
// canteen, not a month of a city.
const fraudMaxBatch = 500

// ReviewFlag decides flag id: cleared lets its meal be settled, confirmed keeps it out. The
// reviewer holds MealsSettle (city or district) and sees the flag's canteen; the note saying why
// is required. A flag may be decided again (a mistake corrected) until its meal is in an
// approved settlement. Each decision is an audit event.
func (s *Store) ReviewFlag(ctx context.Context, p *auth.Principal, flagID int64, status, note string) error {
	_, err := s.ReviewFlags(ctx, p, []int64{flagID}, status, note)
	return err
}

// ReviewFlags decides several flags at once with one note, all or none: one flag that cannot be
// decided (not found, out of scope, already settled, changed meanwhile) leaves every flag as it
// was. It returns how many were decided.
func (s *Store) ReviewFlags(ctx context.Context, p *auth.Principal, ids []int64, status, note string) (int, error) {
	note = strings.TrimSpace(note)
	switch {
	case status != FlagCleared && status != FlagConfirmed:
		return 0, apperr.FieldMsg("status", "meals.fraud.status_invalid")
	case note == "":
		return 0, apperr.FieldMsg("note", "meals.fraud.note_required")
	case utf8.RuneCountInString(note) > fraudMaxNote:
		return 0, apperr.FieldMsg("note", "meals.fraud.note_too_long", fraudMaxNote)
	case len(ids) == 0:
		return 0, apperr.FieldMsg("ids", "meals.fraud.none_chosen")
	case len(ids) > fraudMaxBatch:
		return 0, apperr.FieldMsg("ids", "meals.fraud.too_many", fraudMaxBatch)
	}
	ids = slices.Clone(ids)
	slices.Sort(ids)
	ids = slices.Compact(ids)
	err := s.DB.InTx(ctx, func(tx *db.Tx) error {
		for _, id := range ids {
			if err := s.reviewFraudFlag(ctx, tx, p, id, status, note); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return 0, err
	}
	return len(ids), nil
}

// reviewFraudFlag decides one flag within the review's transaction.
func (s *Store) reviewFraudFlag(ctx context.Context, tx *db.Tx, p *auth.Principal, id int64, status, note string) error {
	var before, rule, region, settlement string
	var canteen, txID int64
	err := tx.QueryRow(ctx, `SELECT f.status, f.rule, f.region_code, f.canteen_id, f.transaction_id, COALESCE(m.status, '')
		FROM meal_flags f JOIN meal_transactions t ON t.id = f.transaction_id
		LEFT JOIN meal_settlements m ON m.id = t.settlement_id WHERE f.id = ?`, id).Scan(&before, &rule, &region, &canteen, &txID, &settlement)
	if errors.Is(err, sql.ErrNoRows) || err == nil && !seesCanteen(p, canteen, region) {
		return apperr.Msg(apperr.NotFound, "meals.fraud.notfound", id)
	}
	if err != nil {
		return err
	}
	if !p.Can(auth.MealsSettle) {
		return apperr.Msg(apperr.Forbidden, "meals.forbidden")
	}
	if settlement == "approved" {
		return apperr.Msg(apperr.Conflict, "meals.fraud.settled", id)
	}
	res, err := tx.Exec(ctx, `UPDATE meal_flags SET status = ?, note = ?, reviewed_by = ?, reviewed_at = ? WHERE id = ? AND status = ?`,
		status, note, p.Login, s.stamp(), id, before)
	if err != nil {
		return err
	}
	if n, _ := res.RowsAffected(); n != 1 {
		return apperr.Msg(apperr.Conflict, "meals.stale")
	}
	_, err = s.Audit.Append(ctx, tx, event(p, "meals.flag.review", "meal_flag", id, region,
		map[string]any{"rule": rule, "transaction": txID, "before": before, "status": status, "note": note}))
	return err
}
