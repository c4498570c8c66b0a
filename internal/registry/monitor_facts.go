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
	PersonID    int64
	HouseholdID int64
	// IDHash is the keyed ID hash as text; MonitorFacts leaves it empty and gives only IDKey.
	IDHash string
	// IDKey is the hash's first 16 bytes as two big-endian words: enough to tell a million
	// people apart with certainty in practice (a chance collision needs 2^64 of them), and
	// compared without touching a string.
	IDKey           [2]uint64
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

// MonitorPersons returns every registered person, in id order, with the facts the monitoring
// rules compare against. It reads person_facts, which the registry keeps current in the same
// transaction as every change, in two halves side by side on the read pool: one narrow table
// instead of joining persons, incomes and tiers, so a city of a million people loads in about a
// second on either engine.
func (s *Store) MonitorPersons(ctx context.Context) ([]MonitorPerson, error) {
	return s.monitorPersons(ctx, true)
}

// MonitorFacts is MonitorPersons without IDHash: what a monitoring run holds in memory, a
// million strings fewer for the memory manager to allocate and trace.
func (s *Store) MonitorFacts(ctx context.Context) ([]MonitorPerson, error) {
	return s.monitorPersons(ctx, false)
}

func (s *Store) monitorPersons(ctx context.Context, withHash bool) ([]MonitorPerson, error) {
	var lo, hi int64
	if err := s.DB.QueryRow(ctx, `SELECT COALESCE(MIN(person_id), 0), COALESCE(MAX(person_id), 0) FROM person_facts`).Scan(&lo, &hi); err != nil {
		return nil, err
	}
	mid := lo + (hi-lo)/2
	var (
		wg     sync.WaitGroup
		halves [2][]MonitorPerson
		errs   [2]error
	)
	for i, r := range [2][2]int64{{lo, mid}, {mid + 1, hi}} {
		wg.Add(1)
		go func() {
			defer wg.Done()
			halves[i], errs[i] = s.monitorFacts(ctx, r[0], r[1], withHash)
		}()
	}
	wg.Wait()
	if err := errors.Join(errs[:]...); err != nil {
		return nil, err
	}
	return append(halves[0], halves[1]...), nil
}

// monitorFacts reads the facts of the persons with ids from lo to hi, in id order.
func (s *Store) monitorFacts(ctx context.Context, lo, hi int64, withHash bool) ([]MonitorPerson, error) {
	rows, err := s.DB.Query(ctx, `SELECT facts FROM person_facts WHERE person_id >= ? AND person_id <= ? ORDER BY person_id`, lo, hi)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := make([]MonitorPerson, 0, min(hi-lo+1, 1<<22))
	var b []byte
	dec := factsDecoder{withHash: withHash, regions: map[string]string{}}
	for rows.Next() {
		var p MonitorPerson
		if err := rows.Scan(&b); err != nil {
			return nil, err
		}
		if err := dec.decode(b, &p); err != nil {
			return nil, err
		}
		out = append(out, p)
	}
	return out, rows.Err()
}
