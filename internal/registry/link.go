package registry

import (
	"context"
	"database/sql"
	"errors"
	"github.com/minzheng/minzheng/internal/apperr"

	"github.com/minzheng/minzheng/internal/auth"
	"github.com/minzheng/minzheng/internal/db"
	"github.com/minzheng/minzheng/internal/idcard"
	"github.com/minzheng/minzheng/internal/pii"
)

// GetIn is Get inside the caller's transaction, for a workflow that reads the household and
// writes its tiers in one unit.
func (s *Store) GetIn(ctx context.Context, q db.Querier, p *auth.Principal, id int64) (*Household, error) {
	return s.get(ctx, q, p, id)
}

// HouseholdOfID returns the household the person with ID number idNumber belongs to, if it lies
// within p's scope; 0 when no such person is registered there. An application links its
// household this way.
func (s *Store) HouseholdOfID(ctx context.Context, p *auth.Principal, idNumber string) (int64, error) {
	id, err := idcard.Parse(idNumber)
	if err != nil {
		return 0, nil
	}
	var hid int64
	var region string
	err = s.DB.QueryRow(ctx, `SELECT household_id, region_code FROM persons WHERE id_hash = ?`,
		s.Keys.Hash(pii.IDNumber, string(id))).Scan(&hid, &region)
	if errors.Is(err, sql.ErrNoRows) || (err == nil && !p.Sees(region)) {
		return 0, nil
	}
	return hid, err
}

// Identity is a registered person's identifiers as stored — sealed, hashed and masked — for a
// record of another module that names the same person (an application's applicant) without
// anyone revealing the ID number.
type Identity struct {
	HouseholdID int64
	Name        string
	IDSealed    string
	IDHash      string
	IDMasked    string
	PhoneSealed string
	PhoneMasked string
}

// IdentityOf returns the identifiers of person id, if the person lies within p's scope. The
// sealed values are sealed under IDField and PhoneField, so a module that stores them keeps those
// field names.
func (s *Store) IdentityOf(ctx context.Context, p *auth.Principal, id int64) (Identity, error) {
	var out Identity
	var region string
	err := s.DB.QueryRow(ctx, `SELECT household_id, region_code, name, id_sealed, id_hash, id_masked, phone_sealed, phone_masked
		FROM persons WHERE id = ?`, id).Scan(&out.HouseholdID, &region, &out.Name, &out.IDSealed, &out.IDHash, &out.IDMasked,
		&out.PhoneSealed, &out.PhoneMasked)
	if errors.Is(err, sql.ErrNoRows) || (err == nil && !p.Sees(region)) {
		return Identity{}, apperr.Msg(apperr.NotFound, "registry.person_notfound")
	}
	return out, err
}

// HouseholdSizes counts the members of every household in the area of region prefix, in one
// query: payout rosters report persons as well as households.
func (s *Store) HouseholdSizes(ctx context.Context, prefix string) (map[int64]int, error) {
	cond, args := db.PrefixRange("region_code", prefix)
	rows, err := s.DB.Query(ctx, `SELECT household_id, COUNT(*) FROM persons WHERE `+cond+` GROUP BY household_id`, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := map[int64]int{}
	for rows.Next() {
		var id int64
		var n int
		if err := rows.Scan(&id, &n); err != nil {
			return nil, err
		}
		out[id] = n
	}
	return out, rows.Err()
}

// HouseholdHukous gives the 户籍 type (urban or rural) of every household in the area of region
// prefix: standards that differ between town and country, such as the price subsidy's base,
// are looked up by it.
func (s *Store) HouseholdHukous(ctx context.Context, prefix string) (map[int64]string, error) {
	cond, args := db.PrefixRange("region_code", prefix)
	rows, err := s.DB.Query(ctx, `SELECT id, hukou FROM households WHERE `+cond, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := map[int64]string{}
	for rows.Next() {
		var id int64
		var hukou string
		if err := rows.Scan(&id, &hukou); err != nil {
			return nil, err
		}
		out[id] = hukou
	}
	return out, rows.Err()
}
