package registry

import (
	"context"
	"fmt"

	"github.com/minzheng/minzheng/internal/auth"
	"github.com/minzheng/minzheng/internal/civil"
	"github.com/minzheng/minzheng/internal/db"
)

// StartTier puts the whole household in tier t from date on, unless it is there already, inside
// the caller's transaction, and writes the change to the household's history. The assistance
// module calls it when a decision grants a program, so the database always says who receives what.
func (s *Store) StartTier(ctx context.Context, tx *db.Tx, p *auth.Principal, householdID int64, t Tier, on civil.Date) error {
	var open int
	if err := tx.QueryRow(ctx, `SELECT COUNT(*) FROM tiers WHERE household_id = ? AND person_id IS NULL AND tier = ?
		AND valid_to = ''`, householdID, string(t)).Scan(&open); err != nil {
		return err
	}
	if open > 0 {
		return nil
	}
	var region string
	if err := tx.QueryRow(ctx, `SELECT region_code FROM households WHERE id = ?`, householdID).Scan(&region); err != nil {
		return fmt.Errorf("household %d: %w", householdID, err)
	}
	if _, err := tx.Exec(ctx, `INSERT INTO tiers (household_id, person_id, region_code, tier, valid_from) VALUES (?, NULL, ?, ?, ?)`,
		householdID, region, string(t), on.String()); err != nil {
		return err
	}
	h := &history{at: db.FormatTime(s.now()), actor: p, householdID: householdID}
	if err := bumpVersion(ctx, tx, householdID, h.at); err != nil {
		return err
	}
	h.add("household", 0, "tier."+string(t), "", on.String())
	if err := h.write(ctx, tx); err != nil {
		return err
	}
	return refreshFacts(ctx, tx, householdID, householdID)
}

// EndTier closes the household's open spans of tier t on date (the last day it holds), inside the
// caller's transaction, and writes the change to the history. A decision that terminates a
// program calls it.
func (s *Store) EndTier(ctx context.Context, tx *db.Tx, p *auth.Principal, householdID int64, t Tier, on civil.Date) error {
	res, err := tx.Exec(ctx, `UPDATE tiers SET valid_to = ? WHERE household_id = ? AND person_id IS NULL AND tier = ? AND valid_to = ''`,
		on.String(), householdID, string(t))
	if err != nil {
		return err
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return nil
	}
	h := &history{at: db.FormatTime(s.now()), actor: p, householdID: householdID}
	if err := bumpVersion(ctx, tx, householdID, h.at); err != nil {
		return err
	}
	h.add("household", 0, "tier."+string(t)+".end", "", on.String())
	if err := h.write(ctx, tx); err != nil {
		return err
	}
	return refreshFacts(ctx, tx, householdID, householdID)
}

// bumpVersion marks the household changed, so that a form opened before the tier changed cannot
// save over it.
func bumpVersion(ctx context.Context, tx *db.Tx, householdID int64, at string) error {
	_, err := tx.Exec(ctx, `UPDATE households SET version = version + 1, updated_at = ? WHERE id = ?`, at, householdID)
	return err
}
