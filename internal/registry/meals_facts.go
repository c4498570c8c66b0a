package registry

import (
	"context"
	"database/sql"
	"errors"
)

// MealFacts is what elderly meal assistance needs to know of a registered person to set their
// subsidy category: the tiers they hold today and where their hukou is.
type MealFacts struct {
	// Tiers are the person's current tiers: their own and their household's, each once.
	Tiers       []Tier
	HukouRegion string
	// RegionCode is the community the person's household lives in.
	RegionCode string
}

// MealFactsOfHash finds the registered person whose keyed ID hash is idHash; false when the
// registry does not hold them (most elderly diners are not low-income). The meals package asks
// by hash, not by ID number, so the plain number never crosses a package boundary, and reads no
// registry table itself.
func (s *Store) MealFactsOfHash(ctx context.Context, idHash string) (MealFacts, bool, error) {
	var f MealFacts
	var personID, householdID int64
	err := s.DB.QueryRow(ctx, `SELECT p.id, p.household_id, h.region_code, h.hukou_region FROM persons p
		JOIN households h ON h.id = p.household_id WHERE p.id_hash = ?`, idHash).
		Scan(&personID, &householdID, &f.RegionCode, &f.HukouRegion)
	if errors.Is(err, sql.ErrNoRows) {
		return MealFacts{}, false, nil
	}
	if err != nil {
		return MealFacts{}, false, err
	}
	// An open span (valid_to = '') that has started holds today; a closed one has ended.
	rows, err := s.DB.Query(ctx, `SELECT DISTINCT tier FROM tiers WHERE household_id = ?
		AND (person_id IS NULL OR person_id = ?) AND valid_to = '' AND valid_from <= ? ORDER BY tier`,
		householdID, personID, s.today().String())
	if err != nil {
		return MealFacts{}, false, err
	}
	defer rows.Close()
	for rows.Next() {
		var t string
		if err := rows.Scan(&t); err != nil {
			return MealFacts{}, false, err
		}
		f.Tiers = append(f.Tiers, Tier(t))
	}
	return f, true, rows.Err()
}
