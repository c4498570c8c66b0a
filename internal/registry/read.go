package registry

import (
	"context"
	"database/sql"
	"errors"
	"fmt"

	"github.com/minzheng/minzheng/internal/apperr"
	"github.com/minzheng/minzheng/internal/auth"
	"github.com/minzheng/minzheng/internal/civil"
	"github.com/minzheng/minzheng/internal/db"
	"github.com/minzheng/minzheng/internal/money"
)

// Get returns household id with its members, assets, spending and current and past tiers, if it
// lies within the caller's scope; otherwise, as for a missing id, NotFound.
func (s *Store) Get(ctx context.Context, p *auth.Principal, id int64) (*Household, error) {
	return s.get(ctx, s.DB, p, id)
}

func (s *Store) get(ctx context.Context, q db.Querier, p *auth.Principal, id int64) (*Household, error) {
	h := &Household{ID: id}
	var created, updated string
	var fin int64
	err := q.QueryRow(ctx, `SELECT region_code, address, hukou, hukou_region, financial_assets_fen, vehicles, homes,
		floor_area_m2, business_registered, version, created_at, updated_at FROM households WHERE id = ?`, id).Scan(
		&h.RegionCode, &h.Address, &h.Hukou, &h.HukouRegion, &fin, &h.Assets.Vehicles, &h.Assets.Homes,
		&h.Assets.FloorAreaM2, &h.Assets.BusinessRegistered, &h.Version, &created, &updated)
	if errors.Is(err, sql.ErrNoRows) || (err == nil && !p.Sees(h.RegionCode)) {
		return nil, apperr.Msg(apperr.NotFound, "registry.notfound")
	}
	if err != nil {
		return nil, fmt.Errorf("household %d: %w", id, err)
	}
	h.Assets.FinancialAssets = money.Fen(fin)
	h.CreatedAt, _ = db.ParseTime(created)
	h.UpdatedAt, _ = db.ParseTime(updated)
	if h.Members, err = s.members(ctx, q, id); err != nil {
		return nil, err
	}
	if h.Spending, err = spendingOf(ctx, q, id); err != nil {
		return nil, err
	}
	if h.Tiers, err = tiersOf(ctx, q, id); err != nil {
		return nil, err
	}
	return h, nil
}

const personColumns = `id, household_id, name, id_masked, birth_date, sex, relation, phone_masked, marital, education,
	in_school, employment, work_capacity, disability_cert, disability_kind, disability_grade, serious_illness, illness,
	selfcare_failed`

// personDest lists the scan destinations of personColumns; finishPerson converts the two text
// columns afterwards.
func personDest(m *Person, birth, selfcare *string) []any {
	return []any{&m.ID, &m.HouseholdID, &m.Name, &m.IDMasked, birth, &m.Sex, &m.Relation, &m.PhoneMasked, &m.Marital,
		&m.Education, &m.InSchool, &m.Employment, &m.WorkCapacity, &m.Disability.Certificate, &m.Disability.Kind,
		&m.Disability.Grade, &m.SeriousIllness, &m.Illness, selfcare}
}

func finishPerson(m *Person, birth, selfcare string) {
	m.BirthDate, _ = civil.ParseDate(birth)
	m.SelfCare = decodeSelfCare(selfcare)
}

func scanPerson(row interface{ Scan(...any) error }) (Person, error) {
	var m Person
	var birth, selfcare string
	if err := row.Scan(personDest(&m, &birth, &selfcare)...); err != nil {
		return m, err
	}
	finishPerson(&m, birth, selfcare)
	return m, nil
}

func (s *Store) members(ctx context.Context, q db.Querier, householdID int64) ([]Person, error) {
	rows, err := q.Query(ctx, `SELECT `+personColumns+` FROM persons WHERE household_id = ? ORDER BY position, id`, householdID)
	if err != nil {
		return nil, err
	}
	var out []Person
	index := map[int64]int{}
	for rows.Next() {
		m, err := scanPerson(rows)
		if err != nil {
			rows.Close()
			return nil, err
		}
		index[m.ID] = len(out)
		out = append(out, m)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, err
	}
	inc, err := q.Query(ctx, `SELECT i.person_id, i.kind, i.monthly_fen FROM incomes i JOIN persons p ON p.id = i.person_id
		WHERE p.household_id = ? ORDER BY i.person_id, i.kind`, householdID)
	if err != nil {
		return nil, err
	}
	defer inc.Close()
	for inc.Next() {
		var pid, fen int64
		var kind IncomeKind
		if err := inc.Scan(&pid, &kind, &fen); err != nil {
			return nil, err
		}
		out[index[pid]].Incomes = append(out[index[pid]].Incomes, Income{Kind: kind, Monthly: money.Fen(fen)})
	}
	return out, inc.Err()
}

func spendingOf(ctx context.Context, q db.Querier, householdID int64) ([]Spending, error) {
	rows, err := q.Query(ctx, `SELECT kind, amount_fen FROM spending WHERE household_id = ? ORDER BY kind`, householdID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []Spending
	for rows.Next() {
		var sp Spending
		var fen int64
		if err := rows.Scan(&sp.Kind, &fen); err != nil {
			return nil, err
		}
		sp.Amount = money.Fen(fen)
		out = append(out, sp)
	}
	return out, rows.Err()
}

func tiersOf(ctx context.Context, q db.Querier, householdID int64) ([]TierSpan, error) {
	rows, err := q.Query(ctx, `SELECT id, tier, COALESCE(person_id, 0), valid_from, valid_to FROM tiers
		WHERE household_id = ? ORDER BY valid_from DESC, id DESC`, householdID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []TierSpan
	for rows.Next() {
		var t TierSpan
		var from, to string
		if err := rows.Scan(&t.ID, &t.Tier, &t.PersonID, &from, &to); err != nil {
			return nil, err
		}
		t.ValidFrom, _ = civil.ParseDate(from)
		t.ValidTo, _ = civil.ParseDate(to)
		out = append(out, t)
	}
	return out, rows.Err()
}
