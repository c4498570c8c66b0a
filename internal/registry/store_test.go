package registry

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/minzheng/minzheng/internal/apperr"
	"github.com/minzheng/minzheng/internal/audit"
	"github.com/minzheng/minzheng/internal/auth"
	"github.com/minzheng/minzheng/internal/civil"
	"github.com/minzheng/minzheng/internal/db"
	"github.com/minzheng/minzheng/internal/db/dbtest"
	"github.com/minzheng/minzheng/internal/idcard"
	"github.com/minzheng/minzheng/internal/money"
	"github.com/minzheng/minzheng/internal/pii"
	"github.com/minzheng/minzheng/internal/region"
)

const (
	zhonghanCommunity = "370212001001"
	badaguanCommunity = "370202009001"
)

func newStore(t *testing.T, d *db.DB) *Store {
	t.Helper()
	ctx := context.Background()
	if _, err := region.Seed(ctx, d); err != nil {
		t.Fatal(err)
	}
	if _, err := region.Insert(ctx, d, []region.Division{
		{Code: zhonghanCommunity, Name: "测试社区居民委员会", ParentCode: "370212001", Level: region.Community, Synthetic: true},
		{Code: badaguanCommunity, Name: "另一社区居民委员会", ParentCode: "370202009", Level: region.Community, Synthetic: true},
	}); err != nil {
		t.Fatal(err)
	}
	keys, err := pii.GenerateKeyring()
	if err != nil {
		t.Fatal(err)
	}
	now := func() time.Time { return time.Date(2024, 6, 1, 9, 0, 0, 0, time.UTC) }
	return &Store{DB: d, Keys: keys, Audit: &audit.Log{Now: now}, Now: now}
}

func principal(scope string) *auth.Principal {
	return &auth.Principal{UserID: 1, Login: "tester", Role: auth.StreetOfficer, Scope: region.Scope(scope)}
}

func fakeID(seq int, birth civil.Date) string {
	return string(idcard.Synthesize("370212", birth, seq))
}

func household(community string, seq int) HouseholdInput {
	return HouseholdInput{
		RegionCode: community, Address: "测试路1号1单元101室", Hukou: Urban, HukouRegion: "370212",
		Members: []PersonInput{
			{Name: "张建国", IDNumber: fakeID(seq, civil.Date{Year: 1950, Month: 3, Day: 4}), Relation: Head, Phone: "17000001111",
				Incomes: []Income{{Kind: BasicPension, Monthly: money.Yuan(200)}}},
			{Name: "李桂兰", IDNumber: fakeID(seq+2, civil.Date{Year: 1952, Month: 7, Day: 8}), Relation: Spouse,
				Disability: Disability{Kind: Physical, Grade: 2, Certificate: "37021219520708222"}},
		},
		Assets: Assets{FinancialAssets: money.Yuan(5000)},
		Tiers:  []TierInput{{Tier: Dibao, MemberIndex: -1, ValidFrom: civil.Date{Year: 2023, Month: 1, Day: 1}}},
	}
}

func TestCreateGetUpdateHistory(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		s, ctx := newStore(t, d), context.Background()
		p := principal("370212001")
		id, err := s.Create(ctx, p, household(zhonghanCommunity, 10))
		if err != nil {
			t.Fatal(err)
		}
		h, err := s.Get(ctx, p, id)
		if err != nil {
			t.Fatal(err)
		}
		if len(h.Members) != 2 || h.Head().Name != "张建国" || h.Members[1].Disability.Grade != 2 || len(h.Tiers) != 1 {
			t.Fatalf("household read back wrong: %+v", h)
		}
		if h.Members[0].IDMasked[6:14] != "********" || h.Members[0].PhoneMasked != "170****1111" {
			t.Fatalf("identifiers not masked: %q %q", h.Members[0].IDMasked, h.Members[0].PhoneMasked)
		}
		in := household(zhonghanCommunity, 10)
		in.Address = "测试路2号"
		in.Members[1].Incomes = []Income{{Kind: Wage, Monthly: money.Yuan(800)}}
		if err := s.Update(ctx, p, id, h.Version, in); err != nil {
			t.Fatal(err)
		}
		if err := s.Update(ctx, p, id, h.Version, in); apperr.KindOf(err) != apperr.Conflict {
			t.Fatalf("stale version: err = %v, want Conflict", err)
		}
		hist, err := s.History(ctx, p, id)
		if err != nil {
			t.Fatal(err)
		}
		found := map[string]bool{}
		for _, c := range hist {
			found[c.Field+"="+c.New] = true
		}
		if !found["address=测试路2号"] || !found["income.wage=¥800.00"] || !found["created=2"] {
			t.Fatalf("history lacks the changes: %+v", hist)
		}
		// Same input again: nothing changes, no history is added.
		h2, _ := s.Get(ctx, p, id)
		if err := s.Update(ctx, p, id, h2.Version, in); err != nil {
			t.Fatal(err)
		}
		hist2, _ := s.History(ctx, p, id)
		if len(hist2) != len(hist) {
			t.Fatalf("an unchanged update added %d history rows", len(hist2)-len(hist))
		}
	})
}

func TestOnePersonOneHousehold(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		s, ctx := newStore(t, d), context.Background()
		p := principal("3702")
		if _, err := s.Create(ctx, p, household(zhonghanCommunity, 20)); err != nil {
			t.Fatal(err)
		}
		other := household(badaguanCommunity, 40)
		other.Members[1].IDNumber = household(zhonghanCommunity, 20).Members[0].IDNumber
		_, err := s.Create(ctx, p, other)
		var e *apperr.Error
		if !errors.As(err, &e) || e.Kind != apperr.Conflict || e.Field != "members[1].id_number" {
			t.Fatalf("same ID in two households: err = %v", err)
		}
	})
}

func TestScopeAndValidation(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		s, ctx := newStore(t, d), context.Background()
		id, err := s.Create(ctx, principal("370212001"), household(zhonghanCommunity, 30))
		if err != nil {
			t.Fatal(err)
		}
		if _, err := s.Get(ctx, principal("370202009"), id); apperr.KindOf(err) != apperr.NotFound {
			t.Fatalf("out-of-scope get: %v", err)
		}
		if _, err := s.Create(ctx, principal("370212001"), household(badaguanCommunity, 50)); err == nil {
			t.Fatal("created a household outside the caller's scope")
		}
		tests := []struct {
			name, field string
			mutate      func(*HouseholdInput)
		}{
			{"bad id", "members[0].id_number", func(h *HouseholdInput) { h.Members[0].IDNumber = "370212195003041230" }},
			{"negative income", "members[0].incomes[0].amount", func(h *HouseholdInput) { h.Members[0].Incomes[0].Monthly = -1 }},
			{"two heads", "members", func(h *HouseholdInput) { h.Members[1].Relation = Head }},
			{"street not community", "region_code", func(h *HouseholdInput) { h.RegionCode = "370212001" }},
			{"unknown community", "region_code", func(h *HouseholdInput) { h.RegionCode = "370212001999" }},
			{"future tier", "tiers[0].valid_from", func(h *HouseholdInput) { h.Tiers[0].ValidFrom = civil.Date{Year: 2030, Month: 1, Day: 1} }},
		}
		for _, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				in := household(zhonghanCommunity, 60)
				tt.mutate(&in)
				_, err := s.Create(ctx, principal("3702"), in)
				var e *apperr.Error
				if !errors.As(err, &e) || e.Field != tt.field {
					t.Fatalf("err = %v, want field %s", err, tt.field)
				}
			})
		}
	})
}

func TestSearchDuplicatesReveal(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		s, ctx := newStore(t, d), context.Background()
		p := principal("3702")
		p.Role = auth.CityAdmin
		first := household(zhonghanCommunity, 70)
		if _, err := s.Create(ctx, p, first); err != nil {
			t.Fatal(err)
		}
		// The same couple entered again with a typo'd ID number for the head.
		again := household(badaguanCommunity, 70)
		again.Members[0].IDNumber = fakeID(72, civil.Date{Year: 1950, Month: 3, Day: 4})
		again.Members[1].IDNumber = fakeID(74, civil.Date{Year: 1952, Month: 7, Day: 8})
		if _, err := s.Create(ctx, p, again); err != nil {
			t.Fatal(err)
		}
		for _, tt := range []struct {
			name string
			q    Query
			want int
		}{
			{"partial name", Query{Name: "建"}, 2},
			{"partial name, two characters", Query{Name: "建国"}, 2},
			{"partial name, no match", Query{Name: "国建"}, 0},
			{"exact name", Query{Name: "张建国", NameExact: true}, 2},
			{"id number", Query{IDNumber: first.Members[0].IDNumber}, 1},
			{"region", Query{Region: "370202"}, 2},
			{"tier", Query{Tier: Dibao}, 4},
			{"disabled", Query{Disabled: true}, 2},
			{"elderly", Query{Elderly: true}, 4},
			{"minor", Query{Minor: true}, 0},
		} {
			t.Run(tt.name, func(t *testing.T) {
				rows, total, err := s.Search(ctx, p, tt.q)
				if err != nil || total != tt.want || len(rows) != tt.want {
					t.Fatalf("got %d rows (total %d), err %v; want %d", len(rows), total, err, tt.want)
				}
			})
		}
		if _, total, _ := s.Search(ctx, principal("370212001"), Query{Name: "建"}); total != 1 {
			t.Fatalf("street officer sees %d matches, want only their own street's 1", total)
		}
		cands, err := s.Candidates(ctx, p, "open", 100)
		if err != nil || len(cands) != 3 {
			t.Fatalf("candidates: %d, err %v; want two name+birth pairs and one phone+address pair", len(cands), err)
		}
		var heads, spouses Candidate
		for _, c := range cands {
			switch {
			case c.Reason == SameNameBirth && c.A.Relation == Head:
				heads = c
			case c.Reason == SameNameBirth:
				spouses = c
			}
		}
		if err := s.Decide(ctx, p, spouses.ID, true, spouses.B.ID, "", ""); err == nil {
			t.Fatal("a merge without a note was accepted")
		}
		if err := s.Decide(ctx, p, heads.ID, true, heads.B.ID, "同一人", ""); apperr.KindOf(err) != apperr.Invalid {
			t.Fatalf("merging away a household head: %v", err)
		}
		if err := s.Decide(ctx, p, spouses.ID, true, spouses.B.ID, "同一人，身份证号录入错误", "127.0.0.1"); err != nil {
			t.Fatal(err)
		}
		if err := s.Decide(ctx, p, spouses.ID, false, 0, "再次处理", ""); apperr.KindOf(err) != apperr.NotFound {
			t.Fatalf("deciding a closed candidate again: %v", err)
		}
		if _, total, _ := s.Search(ctx, p, Query{Name: "李桂兰", NameExact: true}); total != 1 {
			t.Fatalf("after the merge %d records remain, want 1", total)
		}
		rows, _, _ := s.Search(ctx, p, Query{Name: "李桂兰", NameExact: true})
		full, err := s.RevealID(ctx, p, rows[0].ID, "127.0.0.1")
		if err != nil || len(full) != 18 {
			t.Fatalf("reveal: %q %v", full, err)
		}
		recs, _, err := audit.Search(ctx, d, audit.Filter{Action: "pii.reveal"})
		if err != nil || len(recs) != 1 {
			t.Fatalf("reveal audit events: %d, err %v", len(recs), err)
		}
		if _, err := s.RevealID(ctx, &auth.Principal{Role: auth.Auditor, Scope: "3702"}, rows[0].ID, ""); apperr.KindOf(err) != apperr.Forbidden {
			t.Fatalf("auditor reveal: %v", err)
		}
	})
}
