package meals

import (
	"testing"

	"github.com/minzheng/minzheng/internal/apperr"
	"github.com/minzheng/minzheng/internal/auth"
	"github.com/minzheng/minzheng/internal/db"
	"github.com/minzheng/minzheng/internal/db/dbtest"
	"github.com/minzheng/minzheng/internal/money"
	"github.com/minzheng/minzheng/internal/region"
)

func TestCanteenValidation(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		f := newFixture(t, d, day(2024, 3, 5))
		good := CanteenInput{Name: "食堂", Operator: "运营方", Address: "路 1 号", RegionCode: f.laoshan,
			Latitude: "36.1", Longitude: "120.4"}
		tests := []struct {
			name, field string
			edit        func(*CanteenInput)
		}{
			{"no name", "name", func(in *CanteenInput) { in.Name = "  " }},
			{"no operator", "operator", func(in *CanteenInput) { in.Operator = "" }},
			{"no address", "address", func(in *CanteenInput) { in.Address = "" }},
			{"latitude out of range", "latitude", func(in *CanteenInput) { in.Latitude = "91" }},
			{"latitude without longitude", "latitude", func(in *CanteenInput) { in.Longitude = "" }},
			{"negative capacity", "capacity", func(in *CanteenInput) { in.Capacity = -1 }},
			{"open days", "open_days", func(in *CanteenInput) { in.OpenDays = "11111" }},
			{"status", "status", func(in *CanteenInput) { in.Status = "busy" }},
			{"street, not community", "region_code", func(in *CanteenInput) { in.RegionCode = f.laoshan[:9] }},
			{"unknown community", "region_code", func(in *CanteenInput) { in.RegionCode = f.laoshan[:9] + "999" }},
		}
		for _, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				in := good
				tt.edit(&in)
				_, err := f.s.CreateCanteen(f.ctx, f.admin, in)
				wantKind(t, err, apperr.Invalid)
				if e := apperr.As(err); e.Field != tt.field || e.Message == "" || e.Message[0] < 0x80 {
					t.Fatalf("field %q message %q, want field %q in Chinese", e.Field, e.Message, tt.field)
				}
			})
		}
		if _, err := f.s.CreateCanteen(f.ctx, f.admin, good); err != nil {
			t.Fatal(err)
		}
	})
}

func TestCanteenScope(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		f := newFixture(t, d, day(2024, 3, 5))
		shinanOfficer := &auth.Principal{Login: "shinan", Role: auth.StreetOfficer, Scope: region.Scope(f.shinan[:9])}
		in := CanteenInput{Name: "崂山食堂", Operator: "运营方", Address: "路 1 号", RegionCode: f.laoshan}
		if _, err := f.s.CreateCanteen(f.ctx, shinanOfficer, in); apperr.KindOf(err) != apperr.Forbidden {
			t.Fatalf("市南区 officer creating in 崂山区: %v", err)
		}
		id, err := f.s.CreateCanteen(f.ctx, f.officer, in)
		if err != nil {
			t.Fatal(err)
		}
		other, _ := f.canteen(f.shinan)
		operator := &auth.Principal{Login: "op", Role: auth.CanteenOperator, Scope: "3702", OrgID: id}
		grid := &auth.Principal{Login: "grid", Role: auth.GridWorker, Scope: region.Scope(f.laoshan)}
		for _, tc := range []struct {
			name string
			p    *auth.Principal
			want []int64
		}{
			{"admin", f.admin, []int64{other, id}},
			{"laoshan officer", f.officer, []int64{id}},
			{"shinan officer", shinanOfficer, []int64{other}},
			{"grid worker", grid, []int64{id}},
			{"operator", operator, []int64{id}},
			{"anonymous", nil, nil},
		} {
			t.Run(tc.name, func(t *testing.T) {
				list, err := f.s.Canteens(f.ctx, tc.p)
				if err != nil {
					t.Fatal(err)
				}
				var got []int64
				for _, c := range list {
					got = append(got, c.ID)
				}
				if len(got) != len(tc.want) || len(got) > 0 && (got[0] != tc.want[0] || got[len(got)-1] != tc.want[len(tc.want)-1]) {
					t.Fatalf("sees %v, want %v", got, tc.want)
				}
			})
		}
		if _, err := f.s.Canteen(f.ctx, shinanOfficer, id); apperr.KindOf(err) != apperr.NotFound {
			t.Fatalf("out-of-scope read: %v", err)
		}
		if _, err := f.s.Canteen(f.ctx, operator, other); apperr.KindOf(err) != apperr.NotFound {
			t.Fatalf("operator reading another canteen: %v", err)
		}
		// The operator keeps the menu of their canteen but not of another, and cannot edit the canteen.
		if _, err := f.s.AddMenuItem(f.ctx, operator, id, MenuItem{Name: "早餐", MealType: Breakfast, Price: money.Yuan(4)}); err != nil {
			t.Fatal(err)
		}
		if _, err := f.s.AddMenuItem(f.ctx, operator, other, MenuItem{Name: "早餐", MealType: Breakfast, Price: 400}); apperr.KindOf(err) != apperr.NotFound {
			t.Fatalf("operator adding to another menu: %v", err)
		}
		if err := f.s.UpdateCanteen(f.ctx, operator, id, 1, in); apperr.KindOf(err) != apperr.Forbidden {
			t.Fatalf("operator editing the canteen: %v", err)
		}
	})
}

func TestUpdateCanteenVersion(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		f := newFixture(t, d, day(2024, 3, 5))
		id, _ := f.canteen(f.laoshan)
		c, err := f.s.Canteen(f.ctx, f.officer, id)
		if err != nil {
			t.Fatal(err)
		}
		in := CanteenInput{Name: c.Name, Operator: c.Operator, Address: c.Address, RegionCode: c.RegionCode,
			Capacity: 300, OpenDays: "1111100", Delivery: true}
		if err := f.s.UpdateCanteen(f.ctx, f.officer, id, c.Version, in); err != nil {
			t.Fatal(err)
		}
		wantKind(t, f.s.UpdateCanteen(f.ctx, f.officer, id, c.Version, in), apperr.Conflict)
		c, err = f.s.Canteen(f.ctx, f.officer, id)
		if err != nil {
			t.Fatal(err)
		}
		if c.Version != 2 || c.Capacity != 300 || !c.Delivery || c.OpenDays != "1111100" || c.Status != CanteenOpen {
			t.Fatalf("after update: %+v", c)
		}
		if !c.OpensOn(day(2024, 3, 8)) || c.OpensOn(day(2024, 3, 9)) || c.OpensOn(day(2024, 3, 10)) {
			t.Fatal("Monday-to-Friday canteen: wrong opening days")
		}
	})
}

func TestMenu(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		f := newFixture(t, d, day(2024, 3, 5))
		cid, lunch := f.canteen(f.laoshan)
		if _, err := f.s.AddMenuItem(f.ctx, f.admin, cid, MenuItem{Name: "粥", MealType: "supper", Price: 300}); apperr.As(err).Field != "meal_type" {
			t.Fatalf("bad meal type: %v", err)
		}
		if _, err := f.s.AddMenuItem(f.ctx, f.admin, cid, MenuItem{Name: "粥", MealType: Breakfast, Price: 0}); apperr.As(err).Field != "price" {
			t.Fatalf("zero price: %v", err)
		}
		bf, err := f.s.AddMenuItem(f.ctx, f.admin, cid, MenuItem{Name: "粥", MealType: Breakfast, Price: 300})
		if err != nil {
			t.Fatal(err)
		}
		if err := f.s.SetMenuItemActive(f.ctx, f.admin, lunch, false); err != nil {
			t.Fatal(err)
		}
		active, err := f.s.Menu(f.ctx, f.officer, cid, false)
		if err != nil {
			t.Fatal(err)
		}
		all, err := f.s.Menu(f.ctx, f.officer, cid, true)
		if err != nil {
			t.Fatal(err)
		}
		if len(active) != 1 || active[0].ID != bf || len(all) != 2 || all[1].ID != lunch || all[1].Active || all[1].Price != money.Yuan(12) {
			t.Fatalf("active %+v, all %+v", active, all)
		}
	})
}
