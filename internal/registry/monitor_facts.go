package registry

import (
	"context"
	"errors"
	"sync"

	"github.com/minzheng/minzheng/internal/civil"
	"github.com/minzheng/minzheng/internal/money"
)

// MonitorPerson is what dynamic monitoring compares other agencies' rows with: a registered
// person's identity hash, household, area, tier and the facts the warning rules read.
type MonitorPerson struct {
	PersonID        int64
	HouseholdID     int64
	IDHash          string
	RegionCode      string
	DisabilityGrade int
	InSchool        bool
	// Income is the person's registered monthly income, all kinds together.
	Income money.Fen
	// Tier is the person's current tier (a personal one, else the household's); "" for none.
	Tier      Tier
	TierSince civil.Date
	// MainEarner marks the member with the highest registered income of the household (the
	// first such in id order), if anyone in it has an income.
	MainEarner bool
}

// tierRank orders tiers when a person holds several: the most protective one counts.
var tierRank = map[Tier]int{Tekun: 6, Dibao: 5, DibaoEdge: 4, RigidExpense: 3, RelapseWatch: 2, OtherTier: 1}

type tierOf struct {
	tier  Tier
	since civil.Date
}

// MonitorPersons returns every registered person, in id order, with the facts the monitoring
// rules compare against. It reads narrow streams (current tiers, income sums, and the persons in
// two halves of their ids) side by side on the read pool instead of one join, so a city of a
// million people loads in about a second on either engine.
func (s *Store) MonitorPersons(ctx context.Context) ([]MonitorPerson, error) {
	var lo, hi int64
	if err := s.DB.QueryRow(ctx, `SELECT COALESCE(MIN(id), 0), COALESCE(MAX(id), 0) FROM persons`).Scan(&lo, &hi); err != nil {
		return nil, err
	}
	mid := lo + (hi-lo)/2
	var (
		wg                    sync.WaitGroup
		byHousehold, byPerson map[int64]tierOf
		incomes               map[int64]money.Fen
		halves                [2][]MonitorPerson
		errs                  [4]error
	)
	wg.Add(4)
	go func() {
		defer wg.Done()
		byHousehold, byPerson, errs[0] = s.currentTiers(ctx)
	}()
	go func() {
		defer wg.Done()
		incomes, errs[3] = s.incomeSums(ctx)
	}()
	for i, r := range [2][2]int64{{lo, mid}, {mid + 1, hi}} {
		go func() {
			defer wg.Done()
			halves[i], errs[1+i] = s.monitorPersons(ctx, r[0], r[1])
		}()
	}
	wg.Wait()
	if err := errors.Join(errs[:]...); err != nil {
		return nil, err
	}
	out := append(halves[0], halves[1]...)
	earner := map[int64]int32{}
	for i := range out {
		p := &out[i]
		p.Income = incomes[p.PersonID]
		t, ok := byPerson[p.PersonID]
		if !ok {
			t = byHousehold[p.HouseholdID]
		}
		p.Tier, p.TierSince = t.tier, t.since
		if p.Income > 0 {
			if j, ok := earner[p.HouseholdID]; !ok || out[j].Income < p.Income {
				earner[p.HouseholdID] = int32(i)
			}
		}
	}
	for _, i := range earner {
		out[i].MainEarner = true
	}
	return out, nil
}

// monitorPersons reads the persons with ids from lo to hi, in id order.
func (s *Store) monitorPersons(ctx context.Context, lo, hi int64) ([]MonitorPerson, error) {
	rows, err := s.DB.Query(ctx, `SELECT id, household_id, id_hash, region_code, disability_grade, in_school
		FROM persons WHERE id >= ? AND id <= ? ORDER BY id`, lo, hi)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := make([]MonitorPerson, 0, min(hi-lo+1, 1<<22))
	for rows.Next() {
		var p MonitorPerson
		if err := rows.Scan(&p.PersonID, &p.HouseholdID, &p.IDHash, &p.RegionCode, &p.DisabilityGrade, &p.InSchool); err != nil {
			return nil, err
		}
		out = append(out, p)
	}
	return out, rows.Err()
}

// currentTiers reads the tiers in force, by household and by person, keeping the highest-ranked
// one where there are several.
func (s *Store) currentTiers(ctx context.Context) (map[int64]tierOf, map[int64]tierOf, error) {
	rows, err := s.DB.Query(ctx, `SELECT household_id, COALESCE(person_id, 0), tier, valid_from FROM tiers WHERE valid_to = ''`)
	if err != nil {
		return nil, nil, err
	}
	defer rows.Close()
	byHousehold, byPerson := map[int64]tierOf{}, map[int64]tierOf{}
	for rows.Next() {
		var hid, pid int64
		var tier, from string
		if err := rows.Scan(&hid, &pid, &tier, &from); err != nil {
			return nil, nil, err
		}
		since, _ := civil.ParseDate(from)
		t := tierOf{Tier(tier), since}
		m, key := byHousehold, hid
		if pid != 0 {
			m, key = byPerson, pid
		}
		if old, ok := m[key]; !ok || tierRank[t.tier] > tierRank[old.tier] {
			m[key] = t
		}
	}
	return byHousehold, byPerson, rows.Err()
}

// incomeSums is every person's registered monthly income, all kinds together.
func (s *Store) incomeSums(ctx context.Context) (map[int64]money.Fen, error) {
	// Summed here rather than with GROUP BY: the engine's aggregation costs more than a map.
	rows, err := s.DB.Query(ctx, `SELECT person_id, monthly_fen FROM incomes`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := map[int64]money.Fen{}
	for rows.Next() {
		var id, sum int64
		if err := rows.Scan(&id, &sum); err != nil {
			return nil, err
		}
		out[id] += money.Fen(sum)
	}
	return out, rows.Err()
}
