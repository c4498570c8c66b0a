package benefit

import (
	"context"
	"testing"
	"time"

	"github.com/minzheng/minzheng/internal/audit"
	"github.com/minzheng/minzheng/internal/auth"
	"github.com/minzheng/minzheng/internal/civil"
	"github.com/minzheng/minzheng/internal/db"
	"github.com/minzheng/minzheng/internal/db/dbtest"
	"github.com/minzheng/minzheng/internal/pii"
	"github.com/minzheng/minzheng/internal/policy"
	"github.com/minzheng/minzheng/internal/policy/paramdb"
	"github.com/minzheng/minzheng/internal/region"
	"github.com/minzheng/minzheng/internal/registry"
	"github.com/minzheng/minzheng/internal/synth"
)

// TestSimulateCountsEveryHousehold simulates a 5 % rise of the 低保 standard over synthetic
// households and checks the sums against calculating each household one by one.
func TestSimulateCountsEveryHousehold(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		now := func() time.Time { return time.Date(2024, 6, 1, 9, 0, 0, 0, time.UTC) }
		if _, err := synth.Regions(ctx, d, 1); err != nil {
			t.Fatal(err)
		}
		keys, _ := pii.GenerateKeyring()
		reg := &registry.Store{DB: d, Keys: keys, Audit: &audit.Log{Now: now}, Now: now}
		tree, _ := region.LoadTree(ctx, d, "370212001")
		var inputs []registry.HouseholdInput
		for _, c := range tree.Children("370212001")[:3] {
			inputs = append(inputs, synth.New(5).Households(c, "370212", 40, civil.Date{Year: 2024, Month: 6, Day: 1})...)
		}
		if _, err := (&registry.Bulk{Store: reg}).Load(ctx, inputs); err != nil {
			t.Fatal(err)
		}
		params := &paramdb.Store{DB: d, Audit: reg.Audit, Now: now}
		if err := params.Seed(ctx); err != nil {
			t.Fatal(err)
		}
		p := &auth.Principal{Role: auth.CityAdmin, Scope: "3702"}
		date := civil.Date{Year: 2024, Month: 6, Day: 1}
		rep, err := Run(ctx, reg, params, p, Scenario{Program: "dibao", Date: date, Param: "dibao.standard", From: date, Permille: 50})
		if err != nil {
			t.Fatal(err)
		}
		base := policy.Default()
		scenario, _ := policy.Scaled(base, "dibao.standard", date, 50)
		var want Line
		err = reg.Each(ctx, p, func(h *registry.Household) error {
			before, err := policy.Calculate(base, Request(h, "dibao", date))
			if err != nil {
				return err
			}
			after, err := policy.Calculate(scenario, Request(h, "dibao", date))
			want.add(before, after, len(h.Members))
			return err
		})
		if err != nil {
			t.Fatal(err)
		}
		got := rep.Total
		if got.Households != 120 || got.EligibleBefore != want.EligibleBefore || got.EligibleAfter != want.EligibleAfter ||
			got.MonthlyBefore != want.MonthlyBefore || got.MonthlyAfter != want.MonthlyAfter || got.MonthlyAfter <= got.MonthlyBefore {
			t.Fatalf("simulation %+v, one by one %+v", got, want)
		}
		if _, err := Run(ctx, reg, params, p, Scenario{Program: "dibao", Date: date, Param: "nope", From: date, Permille: 50}); err == nil {
			t.Fatal("an unknown parameter was simulated")
		}
	})
}
