package registry

import (
	"context"
	"encoding/binary"
	"encoding/hex"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"github.com/minzheng/minzheng/internal/auth"
	"github.com/minzheng/minzheng/internal/civil"
	"github.com/minzheng/minzheng/internal/db"
	"github.com/minzheng/minzheng/internal/db/dbtest"
	"github.com/minzheng/minzheng/internal/money"
)

// factsFromBase computes what MonitorPersons must return straight from persons, incomes and
// tiers, the slow way, as the reference for the person_facts the registry maintains.
func factsFromBase(t *testing.T, s *Store) []MonitorPerson {
	t.Helper()
	ctx := context.Background()
	type tierOf struct {
		tier  Tier
		since civil.Date
	}
	rank := map[Tier]int{Tekun: 6, Dibao: 5, DibaoEdge: 4, RigidExpense: 3, RelapseWatch: 2, OtherTier: 1}
	byHousehold, byPerson := map[int64]tierOf{}, map[int64]tierOf{}
	rows, err := s.DB.Query(ctx, `SELECT household_id, COALESCE(person_id, 0), tier, valid_from FROM tiers WHERE valid_to = '' ORDER BY id`)
	if err != nil {
		t.Fatal(err)
	}
	for rows.Next() {
		var hid, pid int64
		var tier, from string
		if err := rows.Scan(&hid, &pid, &tier, &from); err != nil {
			t.Fatal(err)
		}
		since, _ := civil.ParseDate(from)
		m, key := byHousehold, hid
		if pid != 0 {
			m, key = byPerson, pid
		}
		if old, ok := m[key]; !ok || rank[Tier(tier)] > rank[old.tier] {
			m[key] = tierOf{Tier(tier), since}
		}
	}
	rows.Close()
	incomes := map[int64]money.Fen{}
	rows, err = s.DB.Query(ctx, `SELECT person_id, monthly_fen FROM incomes`)
	if err != nil {
		t.Fatal(err)
	}
	for rows.Next() {
		var id, v int64
		if err := rows.Scan(&id, &v); err != nil {
			t.Fatal(err)
		}
		incomes[id] += money.Fen(v)
	}
	rows.Close()
	rows, err = s.DB.Query(ctx, `SELECT id, household_id, id_hash, region_code, disability_grade, in_school FROM persons ORDER BY id`)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var out []MonitorPerson
	earner := map[int64]int{}
	for rows.Next() {
		var p MonitorPerson
		if err := rows.Scan(&p.PersonID, &p.HouseholdID, &p.IDHash, &p.RegionCode, &p.DisabilityGrade, &p.InSchool); err != nil {
			t.Fatal(err)
		}
		p.Income = incomes[p.PersonID]
		if raw, err := hex.DecodeString(p.IDHash); err == nil && len(raw) == 32 {
			p.IDKey = [2]uint64{binary.BigEndian.Uint64(raw), binary.BigEndian.Uint64(raw[8:])}
		}
		tt, ok := byPerson[p.PersonID]
		if !ok {
			tt = byHousehold[p.HouseholdID]
		}
		p.Tier, p.TierSince = tt.tier, tt.since
		out = append(out, p)
		if i := len(out) - 1; p.Income > 0 {
			if j, ok := earner[p.HouseholdID]; !ok || out[j].Income < p.Income {
				earner[p.HouseholdID] = i
			}
		}
	}
	for _, i := range earner {
		out[i].MainEarner = true
	}
	return out
}

// TestMonitorFactsFollowTheRegistry: after households are created one by one and in bulk,
// edited (incomes, a personal tier, a removed member), and given and relieved of tiers, the
// facts monitoring reads equal those computed from the registry's own tables.
func TestMonitorFactsFollowTheRegistry(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		s, ctx := newStore(t, d), context.Background()
		p := principal("370212001")
		check := func(step string) {
			t.Helper()
			got, err := s.MonitorPersons(ctx)
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(factsFromBase(t, s), got, cmpopts.EquateEmpty()); diff != "" {
				t.Fatalf("%s: facts differ from the registry (-want +got):\n%s", step, diff)
			}
		}
		check("empty")
		a, err := s.Create(ctx, p, household(zhonghanCommunity, 10))
		if err != nil {
			t.Fatal(err)
		}
		b, err := s.Create(ctx, p, household(zhonghanCommunity, 20))
		if err != nil {
			t.Fatal(err)
		}
		check("created")
		in := household(zhonghanCommunity, 10)
		in.Members[1].Incomes = []Income{{Kind: Wage, Monthly: money.Yuan(900)}}
		in.Tiers = append(in.Tiers, TierInput{Tier: Tekun, MemberIndex: 1, ValidFrom: civil.Date{Year: 2024, Month: 2, Day: 1}})
		h, _ := s.Get(ctx, p, a)
		if err := s.Update(ctx, p, a, h.Version, in); err != nil {
			t.Fatal(err)
		}
		check("incomes and a personal tier")
		in.Members = in.Members[:1]
		in.Tiers = in.Tiers[:1]
		h, _ = s.Get(ctx, p, a)
		if err := s.Update(ctx, p, a, h.Version, in); err != nil {
			t.Fatal(err)
		}
		check("a member removed")
		err = s.DB.InTx(ctx, func(tx *db.Tx) error {
			if err := s.StartTier(ctx, tx, auth.System(), b, Tekun, civil.Date{Year: 2024, Month: 5, Day: 1}); err != nil {
				return err
			}
			return s.EndTier(ctx, tx, auth.System(), a, Dibao, civil.Date{Year: 2024, Month: 5, Day: 31})
		})
		if err != nil {
			t.Fatal(err)
		}
		check("tiers started and ended")
		bulk := &Bulk{Store: s}
		if _, err := bulk.Load(ctx, []HouseholdInput{household(zhonghanCommunity, 30), household(zhonghanCommunity, 40)}); err != nil {
			t.Fatal(err)
		}
		check("bulk load")
		if _, err := d.Exec(ctx, `DELETE FROM person_facts`); err != nil {
			t.Fatal(err)
		}
		if err := EnsureFacts(ctx, d); err != nil {
			t.Fatal(err)
		}
		check("filled again at start-up")
		// An interrupted fill (some rows missing) is finished by the next start.
		if _, err := d.Exec(ctx, `DELETE FROM person_facts WHERE person_id = (SELECT MAX(person_id) FROM person_facts)`); err != nil {
			t.Fatal(err)
		}
		if err := EnsureFacts(ctx, d); err != nil {
			t.Fatal(err)
		}
		check("an interrupted fill finished")
	})
}
