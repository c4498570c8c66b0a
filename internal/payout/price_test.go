package payout

import (
	"testing"

	"github.com/minzheng/minzheng/internal/apperr"
	"github.com/minzheng/minzheng/internal/civil"
	"github.com/minzheng/minzheng/internal/db"
	"github.com/minzheng/minzheng/internal/db/dbtest"
	"github.com/minzheng/minzheng/internal/money"
)

// TestPayoutPriceSubsidy: the price-subsidy roster of a month needs the month's CPI entered by
// the city; below both thresholds nothing is paid; above, each 低保 household gets the 低保
// standard × the CPI rise per member, as one one-off line carrying the reason, and approval
// posts it to the ledger like any roster.
func TestPayoutPriceSubsidy(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		f := newFixture(t, d, civil.Date{Year: 2024, Month: 3, Day: 4})
		a := f.laoshan
		hid, e := f.dibao(a, money.Yuan(500))
		april := mon(2024, 4)
		if _, err := f.s.Generate(f.ctx, f.admin, april, PriceSubsidy, laoshan); apperr.KindOf(err) != apperr.Conflict {
			t.Fatalf("a price-subsidy roster without the month's CPI: %v", err)
		}
		if err := f.s.SetPriceIndex(f.ctx, a.approver, PriceIndex{Month: april, CPI: 40, FoodCPI: 20, Source: "测试"}, ""); apperr.KindOf(err) != apperr.Forbidden {
			t.Fatalf("a district approver entered the CPI: %v", err)
		}
		if err := f.s.SetPriceIndex(f.ctx, f.admin, PriceIndex{Month: april, CPI: 900, FoodCPI: 20, Source: "测试"}, ""); apperr.KindOf(err) != apperr.Invalid {
			t.Fatalf("a CPI rise of 90 %%: %v", err)
		}
		if err := f.s.SetPriceIndex(f.ctx, f.admin, PriceIndex{Month: april, CPI: 20, FoodCPI: 30, Source: "测试"}, ""); err != nil {
			t.Fatal(err)
		}
		if _, err := f.s.Generate(f.ctx, f.admin, april, PriceSubsidy, laoshan); apperr.KindOf(err) != apperr.Conflict {
			t.Fatalf("a price-subsidy roster below the thresholds: %v", err)
		}
		if err := f.s.SetPriceIndex(f.ctx, f.admin, PriceIndex{Month: april, CPI: 40, FoodCPI: 30, Source: "统计局 2024-05-10"}, ""); err != nil {
			t.Fatal(err)
		}
		r := f.generate(a, april, PriceSubsidy)
		lines := f.lines(a, r.ID)
		each := money.MulRatio(111500, 40, 1000, money.RoundHalfUp)
		want := paidTo(Line{EntitlementID: e.ID, HouseholdID: hid, RegionCode: a.community, Kind: OneOff, Amount: 2 * each, Persons: 2,
			From: april, To: april, Reason: "价格临时补贴 2024年4月：每人 ¥44.60 × 2 人", Status: "pending"})
		if len(lines) != 1 || lineKey(lines[0]) != lineKey(want) {
			t.Fatalf("price-subsidy lines:%s\nwant %s", describe(lines), lineKey(want))
		}
		if again := f.generate(a, april, PriceSubsidy); again.Total != r.Total || again.Lines != 1 {
			t.Fatalf("regenerated %+v, first %+v", again, r)
		}
		r = f.approve(a, f.generate(a, april, PriceSubsidy))
		got, n := f.postings(r.ID, "payment")
		if n != 1 || got["expense/"+laoshan+"/"+PriceSubsidy] != r.Total {
			t.Fatalf("%d payments, entries %v", n, got)
		}
		f.verify()
		xs, err := f.s.PriceIndices(f.ctx)
		if err != nil || len(xs) != 1 || xs[0].CPI != 40 || xs[0].RecordedBy != f.admin.Login {
			t.Fatalf("price indices %+v %v", xs, err)
		}
	})
}
