package paramdb

import (
	"context"
	"testing"
	"time"

	"github.com/minzheng/minzheng/internal/apperr"
	"github.com/minzheng/minzheng/internal/audit"
	"github.com/minzheng/minzheng/internal/auth"
	"github.com/minzheng/minzheng/internal/civil"
	"github.com/minzheng/minzheng/internal/db"
	"github.com/minzheng/minzheng/internal/db/dbtest"
	"github.com/minzheng/minzheng/internal/policy"
)

func TestSeedLoadAdd(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		now := func() time.Time { return time.Date(2024, 11, 1, 9, 0, 0, 0, time.UTC) }
		s := &Store{DB: d, Audit: &audit.Log{Now: now}, Now: now}
		for range 2 { // the second seed changes nothing
			if err := s.Seed(ctx); err != nil {
				t.Fatal(err)
			}
		}
		set, err := s.Load(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if got, want := len(set.All()), len(policy.Default().All()); got != want {
			t.Fatalf("loaded %d values, shipped %d", got, want)
		}
		admin := &auth.Principal{UserID: 1, Login: "admin", Role: auth.CityAdmin, Scope: "3702"}
		next := policy.Param{Name: "dibao.standard", Region: "3702", Hukou: "urban", ValidFrom: civil.Date{Year: 2025, Month: 1, Day: 1},
			Value: 118000, Unit: policy.FenPerMonth, Source: "测试文号"}
		if err := s.Add(ctx, &auth.Principal{Role: auth.DistrictApprover, Scope: "370212"}, next, ""); apperr.KindOf(err) != apperr.Forbidden {
			t.Fatalf("district approver: %v", err)
		}
		if err := s.Add(ctx, admin, next, "127.0.0.1"); err != nil {
			t.Fatal(err)
		}
		set, _ = s.Load(ctx)
		for on, want := range map[string]int64{"2024-12-31": 111500, "2025-01-01": 118000} {
			d, _ := civil.ParseDate(on)
			if p, err := set.Lookup("dibao.standard", "370212001001", "urban", d); err != nil || p.Value != want {
				t.Errorf("%s: %d %v, want %d", on, p.Value, err, want)
			}
		}
		earlier := next
		earlier.ValidFrom, earlier.Value = civil.Date{Year: 2024, Month: 6, Day: 1}, 1
		if err := s.Add(ctx, admin, earlier, ""); apperr.KindOf(err) != apperr.Invalid {
			t.Fatalf("a value inside an existing period: %v", err)
		}
		// A domain check refuses a value before anything is written.
		s.Checks = []func(policy.Param) error{func(p policy.Param) error {
			if p.Value > 200000 {
				return apperr.FieldMsg("value", "policy.rejected", "too high")
			}
			return nil
		}}
		high := next
		high.ValidFrom, high.Value = civil.Date{Year: 2026, Month: 1, Day: 1}, 300000
		if err := s.Add(ctx, admin, high, ""); apperr.KindOf(err) != apperr.Invalid {
			t.Fatalf("a value the check refuses: %v", err)
		}
		set, _ = s.Load(ctx)
		if p, _ := set.Lookup("dibao.standard", "370212001001", "urban", civil.Date{Year: 2026, Month: 6, Day: 1}); p.Value != 118000 {
			t.Fatalf("a refused value was stored: %d", p.Value)
		}
		recs, _, err := audit.Search(ctx, d, audit.Filter{Action: "policy.change"})
		if err != nil || len(recs) != 1 || recs[0].Detail["previous_value"] == nil {
			t.Fatalf("audit: %d %v", len(recs), err)
		}
	})
}
