package registry

import (
	"context"
	"fmt"

	"github.com/minzheng/minzheng/internal/apperr"
	"github.com/minzheng/minzheng/internal/auth"
	"github.com/minzheng/minzheng/internal/db"
	"github.com/minzheng/minzheng/internal/pii"
)

// AEAD field names of the sealed columns, for key rotation.
const (
	IDField    = "persons.id_number"
	PhoneField = "persons.phone"
)

// SealedColumns lists the encrypted columns this package owns, for key rotation.
func SealedColumns() []pii.Column {
	return []pii.Column{
		{Table: "persons", Key: "id", Sealed: "id_sealed", Field: IDField},
		{Table: "persons", Key: "id", Sealed: "phone_sealed", Field: PhoneField},
	}
}

// Create adds a household with its members. An ID number already registered in any household is
// a Conflict naming the member's field. The creation is recorded in the history.
func (s *Store) Create(ctx context.Context, p *auth.Principal, in HouseholdInput) (int64, error) {
	var id int64
	err := s.DB.InTx(ctx, func(tx *db.Tx) error {
		var err error
		id, _, err = s.create(ctx, tx, p, in, "")
		return err
	})
	return id, err
}

func (s *Store) create(ctx context.Context, tx *db.Tx, p *auth.Principal, in HouseholdInput, importKey string) (int64, []int64, error) {
	v, err := s.validate(ctx, tx, p, in)
	if err != nil {
		return 0, nil, err
	}
	now := db.FormatTime(s.now())
	var id int64
	a := v.Assets
	if err := tx.QueryRow(ctx, `INSERT INTO households (region_code, address, hukou, hukou_region, import_key,
		financial_assets_fen, vehicles, homes, floor_area_m2, business_registered, created_at, updated_at)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`, v.RegionCode, v.Address, string(v.Hukou), v.HukouRegion,
		importKey, int64(a.FinancialAssets), a.Vehicles, a.Homes, a.FloorAreaM2, a.BusinessRegistered, now, now).Scan(&id); err != nil {
		return 0, nil, err
	}
	personIDs, err := s.writeMembers(ctx, tx, id, v, nil)
	if err != nil {
		return 0, nil, err
	}
	if err := s.writeDetails(ctx, tx, id, v, personIDs, true); err != nil {
		return 0, nil, err
	}
	// The first row of the timeline: the record itself holds the initial values, and every later
	// change records its old value, so the history is complete without copying each field here.
	h := history{at: now, actor: p, householdID: id}
	h.add("household", 0, "created", "", fmt.Sprintf("%d", len(v.members)))
	if err := h.write(ctx, tx); err != nil {
		return 0, nil, err
	}
	return id, personIDs, s.findDuplicates(ctx, tx, personIDs)
}

// Update replaces household id with in. version must be the version the editor saw: a household
// changed meanwhile by someone else is a Conflict, so no edit is silently overwritten. Members are
// matched by ID number; members missing from in leave the household. Every changed field is
// recorded in the history.
func (s *Store) Update(ctx context.Context, p *auth.Principal, id int64, version int, in HouseholdInput) error {
	return s.DB.InTx(ctx, func(tx *db.Tx) error {
		_, err := s.update(ctx, tx, p, id, version, in)
		return err
	})
}

// update applies in and reports whether anything changed.
func (s *Store) update(ctx context.Context, tx *db.Tx, p *auth.Principal, id int64, version int, in HouseholdInput) (bool, error) {
	old, err := s.get(ctx, tx, p, id)
	if err != nil {
		return false, err
	}
	if version != 0 && old.Version != version {
		return false, apperr.Msg(apperr.Conflict, "registry.stale")
	}
	v, err := s.validate(ctx, tx, p, in)
	if err != nil {
		return false, err
	}
	hashes, err := memberHashes(ctx, tx, id)
	if err != nil {
		return false, err
	}
	changes := diff(s.snapshotStored(old, hashes), s.snapshotInput(v))
	if len(changes) == 0 {
		return false, nil
	}
	now := db.FormatTime(s.now())
	a := v.Assets
	// The version in the WHERE makes the check and the write one step: of two saves of the same
	// version at once, the second changes no row and is a Conflict.
	res, err := tx.Exec(ctx, `UPDATE households SET region_code = ?, address = ?, hukou = ?, hukou_region = ?,
		financial_assets_fen = ?, vehicles = ?, homes = ?, floor_area_m2 = ?, business_registered = ?,
		version = version + 1, updated_at = ? WHERE id = ? AND version = ?`, v.RegionCode, v.Address, string(v.Hukou), v.HukouRegion,
		int64(a.FinancialAssets), a.Vehicles, a.Homes, a.FloorAreaM2, a.BusinessRegistered, now, id, old.Version)
	if err != nil {
		return false, err
	}
	if n, _ := res.RowsAffected(); n != 1 {
		return false, apperr.Msg(apperr.Conflict, "registry.stale")
	}
	personIDs, err := s.writeMembers(ctx, tx, id, v, hashes)
	if err != nil {
		return false, err
	}
	if err := s.writeDetails(ctx, tx, id, v, personIDs, false); err != nil {
		return false, err
	}
	h := history{at: now, actor: p, householdID: id}
	for _, c := range changes {
		h.add(c.entity, 0, c.field, c.old, c.new)
	}
	if err := h.write(ctx, tx); err != nil {
		return false, err
	}
	return true, s.findDuplicates(ctx, tx, personIDs)
}

// memberHashes maps the id_hash of each current member of a household to its person id.
func memberHashes(ctx context.Context, q db.Querier, householdID int64) (map[string]int64, error) {
	rows, err := q.Query(ctx, `SELECT id, id_hash FROM persons WHERE household_id = ?`, householdID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := map[string]int64{}
	for rows.Next() {
		var id int64
		var h string
		if err := rows.Scan(&id, &h); err != nil {
			return nil, err
		}
		out[h] = id
	}
	return out, rows.Err()
}

// writeMembers inserts or updates every member and removes those no longer listed; existing maps
// id_hash to person id for the household's current members (nil for a new household).
func (s *Store) writeMembers(ctx context.Context, tx *db.Tx, householdID int64, v *validated, existing map[string]int64) ([]int64, error) {
	ids := make([]int64, len(v.members))
	keep := map[int64]bool{}
	for i, m := range v.members {
		var other int64
		err := tx.QueryRow(ctx, `SELECT household_id FROM persons WHERE id_hash = ?`, m.idHash).Scan(&other)
		if err == nil && other != householdID {
			e := apperr.Msg(apperr.Conflict, "registry.id_elsewhere", m.Name)
			e.Field = field(i, "id_number")
			return nil, e
		}
		sealedID, err := s.Keys.Seal(string(m.id), IDField)
		if err != nil {
			return nil, err
		}
		sealedPhone, phoneHash, phoneMasked := "", "", ""
		if m.phone != "" {
			if sealedPhone, err = s.Keys.Seal(m.phone, PhoneField); err != nil {
				return nil, err
			}
			phoneHash, phoneMasked = s.Keys.Hash(pii.Phone, m.phone), pii.MaskPhone(m.phone)
		}
		args := []any{householdID, v.RegionCode, m.Name, sealedID, m.idHash, m.id.Mask(), m.id.BirthDate().String(),
			m.id.Sex().Key(), string(m.Relation), sealedPhone, phoneHash, phoneMasked, m.Marital, m.Education, m.InSchool,
			m.Employment, m.WorkCapacity, m.Disability.Certificate, string(m.Disability.Kind), m.Disability.Grade,
			m.SeriousIllness, m.Illness, m.SelfCare.encode(), i}
		if pid, ok := existing[m.idHash]; ok {
			ids[i] = pid
			_, err = tx.Exec(ctx, `UPDATE persons SET household_id = ?, region_code = ?, name = ?, id_sealed = ?, id_hash = ?,
				id_masked = ?, birth_date = ?, sex = ?, relation = ?, phone_sealed = ?, phone_hash = ?, phone_masked = ?,
				marital = ?, education = ?, in_school = ?, employment = ?, work_capacity = ?, disability_cert = ?,
				disability_kind = ?, disability_grade = ?, serious_illness = ?, illness = ?, selfcare_failed = ?, position = ?
				WHERE id = ?`, append(args, pid)...)
		} else {
			err = tx.QueryRow(ctx, `INSERT INTO persons (household_id, region_code, name, id_sealed, id_hash, id_masked,
				birth_date, sex, relation, phone_sealed, phone_hash, phone_masked, marital, education, in_school, employment,
				work_capacity, disability_cert, disability_kind, disability_grade, serious_illness, illness, selfcare_failed,
				position) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`,
				args...).Scan(&ids[i])
		}
		if err != nil {
			return nil, err
		}
		if err := writeGrams(ctx, tx, ids[i], v.RegionCode, m.Name, existing == nil); err != nil {
			return nil, err
		}
		keep[ids[i]] = true
	}
	for _, pid := range existing {
		if keep[pid] {
			continue
		}
		for _, q := range []string{`DELETE FROM incomes WHERE person_id = ?`, `DELETE FROM tiers WHERE person_id = ?`,
			`DELETE FROM person_name_grams WHERE person_id = ?`,
			`DELETE FROM duplicate_candidates WHERE person_a = ? OR person_b = ?`, `DELETE FROM persons WHERE id = ?`} {
			args := []any{pid}
			if q == `DELETE FROM duplicate_candidates WHERE person_a = ? OR person_b = ?` {
				args = append(args, pid)
			}
			if _, err := tx.Exec(ctx, q, args...); err != nil {
				return nil, err
			}
		}
	}
	return ids, nil
}

// writeDetails replaces incomes and spending, and reconciles tiers: a tier still listed keeps its
// row, a tier no longer listed ends today, a new one starts at its date.
func (s *Store) writeDetails(ctx context.Context, tx *db.Tx, householdID int64, v *validated, personIDs []int64, isNew bool) error {
	for i, m := range v.members {
		if !isNew {
			if _, err := tx.Exec(ctx, `DELETE FROM incomes WHERE person_id = ?`, personIDs[i]); err != nil {
				return err
			}
		}
		for _, inc := range m.Incomes {
			if inc.Monthly == 0 {
				continue
			}
			if _, err := tx.Exec(ctx, `INSERT INTO incomes (person_id, kind, monthly_fen) VALUES (?, ?, ?)`,
				personIDs[i], string(inc.Kind), int64(inc.Monthly)); err != nil {
				return err
			}
		}
	}
	if !isNew {
		if _, err := tx.Exec(ctx, `DELETE FROM spending WHERE household_id = ?`, householdID); err != nil {
			return err
		}
	}
	for _, sp := range v.Spending {
		if _, err := tx.Exec(ctx, `INSERT INTO spending (household_id, kind, amount_fen) VALUES (?, ?, ?)`,
			householdID, string(sp.Kind), int64(sp.Amount)); err != nil {
			return err
		}
	}
	if err := s.reconcileTiers(ctx, tx, householdID, v, personIDs); err != nil {
		return err
	}
	return refreshFacts(ctx, tx, householdID, householdID)
}

func (s *Store) reconcileTiers(ctx context.Context, tx *db.Tx, householdID int64, v *validated, personIDs []int64) error {
	current, err := tiersOf(ctx, tx, householdID)
	if err != nil {
		return err
	}
	open := map[string]TierSpan{}
	for _, t := range current {
		if t.ValidTo.IsZero() {
			open[fmt.Sprintf("%s/%d", t.Tier, t.PersonID)] = t
		}
	}
	for _, t := range v.Tiers {
		var pid int64
		var person any
		if t.MemberIndex >= 0 {
			pid = personIDs[t.MemberIndex]
			person = pid
		}
		key := fmt.Sprintf("%s/%d", t.Tier, pid)
		if cur, ok := open[key]; ok {
			delete(open, key)
			if cur.ValidFrom != t.ValidFrom {
				if _, err := tx.Exec(ctx, `UPDATE tiers SET valid_from = ? WHERE id = ?`, t.ValidFrom.String(), cur.ID); err != nil {
					return err
				}
			}
			continue
		}
		if _, err := tx.Exec(ctx, `INSERT INTO tiers (household_id, person_id, region_code, tier, valid_from) VALUES (?, ?, ?, ?, ?)`,
			householdID, person, v.RegionCode, string(t.Tier), t.ValidFrom.String()); err != nil {
			return err
		}
	}
	for _, t := range open {
		if _, err := tx.Exec(ctx, `UPDATE tiers SET valid_to = ? WHERE id = ?`, s.today().String(), t.ID); err != nil {
			return err
		}
	}
	if _, err := tx.Exec(ctx, `UPDATE tiers SET region_code = ? WHERE household_id = ?`, v.RegionCode, householdID); err != nil {
		return err
	}
	return nil
}
