package registry

import (
	"context"

	"github.com/minzheng/minzheng/internal/auth"
	"github.com/minzheng/minzheng/internal/civil"
	"github.com/minzheng/minzheng/internal/db"
	"github.com/minzheng/minzheng/internal/money"
)

// eachPage is how many households Each reads per round of queries: large, because on PostgreSQL
// each round trip costs more than the rows (a million households: 61 s with pages of 5,000,
// 21.5 s with 50,000).
const eachPage = 50000

// Each calls fn for every household in the caller's scope, in id order, reading them in pages
// with one query per table per page — for simulations over a whole city, where one Get per
// household would be millions of queries. The households carry what calculations need: region,
// hukou, assets, spending, current tiers and members with birth date, disability, illness,
// self-care, schooling and incomes; names and identifiers are left out.
func (s *Store) Each(ctx context.Context, p *auth.Principal, fn func(*Household) error) error {
	return s.EachBetween(ctx, p, 0, 0, fn)
}

// EachBetween is Each over the households with ids in [from, to) (to 0: no upper bound), so that
// several readers can share a city between them.
func (s *Store) EachBetween(ctx context.Context, p *auth.Principal, from, to int64, fn func(*Household) error) error {
	scope, scopeArgs := p.ScopeCondition("region_code")
	if to > 0 {
		scope += " AND id < ?"
		scopeArgs = append(scopeArgs, to)
	}
	after := from - 1
	for {
		page, err := s.eachPage(ctx, scope, scopeArgs, after)
		if err != nil {
			return err
		}
		if len(page) == 0 {
			return nil
		}
		for _, h := range page {
			if err := fn(h); err != nil {
				return err
			}
		}
		after = page[len(page)-1].ID
	}
}

func (s *Store) eachPage(ctx context.Context, scope string, scopeArgs []any, after int64) ([]*Household, error) {
	rows, err := s.DB.Query(ctx, `SELECT id, region_code, hukou, financial_assets_fen, vehicles, homes, floor_area_m2,
		business_registered FROM households WHERE id > ? AND `+scope+` ORDER BY id LIMIT ?`, append(append([]any{after}, scopeArgs...), eachPage)...)
	if err != nil {
		return nil, err
	}
	var page []*Household
	byID := map[int64]*Household{}
	for rows.Next() {
		h := &Household{}
		var fin int64
		if err := rows.Scan(&h.ID, &h.RegionCode, &h.Hukou, &fin, &h.Assets.Vehicles, &h.Assets.Homes, &h.Assets.FloorAreaM2,
			&h.Assets.BusinessRegistered); err != nil {
			rows.Close()
			return nil, err
		}
		h.Assets.FinancialAssets = money.Fen(fin)
		page = append(page, h)
		byID[h.ID] = h
	}
	rows.Close()
	if err := rows.Err(); err != nil || len(page) == 0 {
		return page, err
	}
	lo, hi := page[0].ID, page[len(page)-1].ID
	if err := s.eachMembers(ctx, lo, hi, byID); err != nil {
		return nil, err
	}
	if err := eachDetail(ctx, s.DB, `SELECT household_id, kind, amount_fen FROM spending WHERE household_id BETWEEN ? AND ?`, lo, hi,
		func(hid int64, kind string, v int64) {
			if h := byID[hid]; h != nil {
				h.Spending = append(h.Spending, Spending{Kind: SpendingKind(kind), Amount: money.Fen(v)})
			}
		}); err != nil {
		return nil, err
	}
	err = eachDetail(ctx, s.DB, `SELECT household_id, tier, COALESCE(person_id, 0) FROM tiers
		WHERE household_id BETWEEN ? AND ? AND valid_to = ''`, lo, hi, func(hid int64, tier string, person int64) {
		if h := byID[hid]; h != nil {
			h.Tiers = append(h.Tiers, TierSpan{Tier: Tier(tier), PersonID: person})
		}
	})
	return page, err
}

func (s *Store) eachMembers(ctx context.Context, lo, hi int64, byID map[int64]*Household) error {
	rows, err := s.DB.Query(ctx, `SELECT id, household_id, name, relation, birth_date, in_school, disability_kind, disability_grade,
		serious_illness, selfcare_failed FROM persons WHERE household_id BETWEEN ? AND ? ORDER BY household_id, position`, lo, hi)
	if err != nil {
		return err
	}
	where := map[int64][2]int64{} // person id → household id, member index
	for rows.Next() {
		var m Person
		var birth, selfcare string
		if err := rows.Scan(&m.ID, &m.HouseholdID, &m.Name, &m.Relation, &birth, &m.InSchool, &m.Disability.Kind, &m.Disability.Grade,
			&m.SeriousIllness, &selfcare); err != nil {
			rows.Close()
			return err
		}
		m.BirthDate, _ = civil.ParseDate(birth)
		m.SelfCare = decodeSelfCare(selfcare)
		if h := byID[m.HouseholdID]; h != nil {
			where[m.ID] = [2]int64{m.HouseholdID, int64(len(h.Members))}
			h.Members = append(h.Members, m)
		}
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return err
	}
	return eachDetail(ctx, s.DB, `SELECT i.person_id, i.kind, i.monthly_fen FROM incomes i JOIN persons p ON p.id = i.person_id
		WHERE p.household_id BETWEEN ? AND ?`, lo, hi, func(pid int64, kind string, v int64) {
		if w, ok := where[pid]; ok {
			h := byID[w[0]]
			h.Members[w[1]].Incomes = append(h.Members[w[1]].Incomes, Income{Kind: IncomeKind(kind), Monthly: money.Fen(v)})
		}
	})
}

// eachDetail runs a three-column query (id, text, integer) over a range of household ids.
func eachDetail(ctx context.Context, q db.Querier, query string, lo, hi int64, fn func(int64, string, int64)) error {
	rows, err := q.Query(ctx, query, lo, hi)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		var id, v int64
		var s string
		if err := rows.Scan(&id, &s, &v); err != nil {
			return err
		}
		fn(id, s, v)
	}
	return rows.Err()
}

// IDRange is the lowest and highest household id, for splitting work with EachBetween.
func (s *Store) IDRange(ctx context.Context) (lo, hi int64, err error) {
	err = s.DB.QueryRow(ctx, `SELECT COALESCE(MIN(id), 0), COALESCE(MAX(id), 0) FROM households`).Scan(&lo, &hi)
	return lo, hi, err
}
