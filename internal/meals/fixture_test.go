package meals

import (
	"context"
	"testing"

	"github.com/minzheng/minzheng/internal/apperr"
	"github.com/minzheng/minzheng/internal/audit"
	"github.com/minzheng/minzheng/internal/auth"
	"github.com/minzheng/minzheng/internal/civil"
	"github.com/minzheng/minzheng/internal/civil/civiltest"
	"github.com/minzheng/minzheng/internal/db"
	"github.com/minzheng/minzheng/internal/idcard"
	"github.com/minzheng/minzheng/internal/money"
	"github.com/minzheng/minzheng/internal/pii"
	"github.com/minzheng/minzheng/internal/region"
	"github.com/minzheng/minzheng/internal/registry"
	"github.com/minzheng/minzheng/internal/synth"
)

// fixture is a meals store over a fresh database with the demo regions, the registry it asks
// about tiers, and staff of two districts: 崂山区 (where the canteen stands) and 市南区.
type fixture struct {
	t     *testing.T
	ctx   context.Context
	d     *db.DB
	clock *civiltest.Clock
	reg   *registry.Store
	s     *Store
	admin *auth.Principal
	// laoshan and shinan are a community of each district; officer is 崂山区's street officer of
	// laoshan's street.
	laoshan, shinan string
	officer         *auth.Principal
	seq             int
}

func newFixture(t *testing.T, d *db.DB, today civil.Date) *fixture {
	t.Helper()
	ctx := context.Background()
	if _, err := synth.Regions(ctx, d, 1); err != nil {
		t.Fatal(err)
	}
	keys, err := pii.GenerateKeyring()
	if err != nil {
		t.Fatal(err)
	}
	ck := civiltest.NewClock(today)
	log := &audit.Log{Now: ck.Now}
	reg := &registry.Store{DB: d, Keys: keys, Audit: log, Now: ck.Now}
	f := &fixture{t: t, ctx: ctx, d: d, clock: ck, reg: reg,
		s:     &Store{DB: d, Keys: keys, Audit: log, Registry: reg, Policies: DefaultPolicies(), Calendar: civil.DefaultCalendar(), Now: ck.Now},
		admin: &auth.Principal{Login: "admin", Role: auth.CityAdmin, Scope: "3702"}}
	f.laoshan = f.community("370212")
	f.shinan = f.community("370202")
	f.officer = &auth.Principal{Login: "laoshan.officer", Role: auth.StreetOfficer, Scope: region.Scope(f.laoshan[:9])}
	return f
}

// community is the first community of district's first street.
func (f *fixture) community(district string) string {
	f.t.Helper()
	tree, err := region.LoadTree(f.ctx, f.d, district)
	if err != nil {
		f.t.Fatal(err)
	}
	streets := tree.Children(district)
	if len(streets) == 0 || len(tree.Children(streets[0].Code)) == 0 {
		f.t.Fatalf("district %s has no community", district)
	}
	return tree.Children(streets[0].Code)[0].Code
}

// canteen creates an open canteen in community with a 12-yuan lunch set meal and returns both ids.
func (f *fixture) canteen(community string) (int64, int64) {
	f.t.Helper()
	cid, err := f.s.CreateCanteen(f.ctx, f.admin, CanteenInput{Name: "幸福食堂", Operator: "幸福餐饮有限公司",
		Address: "测试路 8 号", RegionCode: community, Capacity: 200})
	if err != nil {
		f.t.Fatal(err)
	}
	item, err := f.s.AddMenuItem(f.ctx, f.admin, cid, MenuItem{Name: "两荤两素套餐", MealType: Lunch, Price: money.Yuan(12)})
	if err != nil {
		f.t.Fatal(err)
	}
	return cid, item
}

// idNumber is a fresh synthetic ID number of someone born on birth in 崂山区.
func (f *fixture) idNumber(birth civil.Date) string {
	f.seq++
	return string(idcard.Synthesize("370212", birth, f.seq))
}

// wantKind fails unless err is an apperr of kind k.
func wantKind(t *testing.T, err error, k apperr.Kind) {
	t.Helper()
	if err == nil || apperr.KindOf(err) != k {
		t.Fatalf("err = %v, want kind %d", err, k)
	}
}
