package meals

import (
	"slices"
	"strings"
	"testing"

	"github.com/minzheng/minzheng/internal/apperr"
	"github.com/minzheng/minzheng/internal/auth"
	"github.com/minzheng/minzheng/internal/civil"
	"github.com/minzheng/minzheng/internal/db"
	"github.com/minzheng/minzheng/internal/db/dbtest"
	"github.com/minzheng/minzheng/internal/region"
	"github.com/minzheng/minzheng/internal/registry"
)

// dibaoHousehold registers a one-person 低保 household in community of someone born on birth
// and returns their ID number.
func (f *fixture) dibaoHousehold(community string, birth civil.Date) string {
	id, _ := f.dibaoHouseholdID(community, birth)
	return id
}

// dibaoHouseholdID is dibaoHousehold that also returns the household's id.
func (f *fixture) dibaoHouseholdID(community string, birth civil.Date) (string, int64) {
	f.t.Helper()
	id := f.idNumber(birth)
	hid, err := f.reg.Create(f.ctx, auth.System(), registry.HouseholdInput{RegionCode: community, Address: "测试路 2 号",
		Hukou: registry.Urban, HukouRegion: community[:6],
		Members: []registry.PersonInput{{Name: "王大爷", IDNumber: id, Relation: registry.Head, WorkCapacity: "none"}},
		Tiers:   []registry.TierInput{{Tier: registry.Dibao, MemberIndex: -1, ValidFrom: day(2023, 1, 1)}}})
	if err != nil {
		f.t.Fatal(err)
	}
	return id, hid
}

func TestRegisterDiner(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		f := newFixture(t, d, day(2024, 3, 5))
		grid := &auth.Principal{Login: "grid", Role: auth.GridWorker, Scope: region.Scope(f.laoshan)}
		elder := f.idNumber(day(1950, 6, 1))
		reg, err := f.s.RegisterDiner(f.ctx, grid, DinerInput{Name: " 李奶奶 ", IDNumber: elder, HomeRegion: f.laoshan,
			Phone: "138 1234 5678", Categories: []string{CategoryDisabled}})
		if err != nil {
			t.Fatal(err)
		}
		if !ValidCardNo(reg.CardNo) || reg.QRToken == "" || !slices.Equal(reg.Categories, []string{CategoryDisabled}) {
			t.Fatalf("registration %+v", reg)
		}
		got, err := f.s.DinerByCard(f.ctx, f.officer, reg.CardNo)
		if err != nil {
			t.Fatal(err)
		}
		if got.ID != reg.DinerID || got.Name != "李奶奶" || got.IDMasked != elder[:6]+"********"+elder[14:] ||
			got.PhoneMasked != "138****5678" || got.AgeOn(f.s.today()) != 73 || got.Status != DinerActive {
			t.Fatalf("stored diner %+v", got)
		}
		var sealed string
		if err := d.QueryRow(f.ctx, `SELECT id_sealed FROM diners WHERE id = ?`, got.ID).Scan(&sealed); err != nil {
			t.Fatal(err)
		}
		if plain, err := f.s.Keys.Open(sealed, IDField); err != nil || plain != elder {
			t.Fatalf("sealed ID opens to %q, %v", plain, err)
		}

		// Once per person: the same ID number again is a conflict naming the card.
		_, err = f.s.RegisterDiner(f.ctx, f.officer, DinerInput{Name: "李奶奶", IDNumber: elder, HomeRegion: f.laoshan})
		wantKind(t, err, apperr.Conflict)
		if e := apperr.As(err); e.Code != "meals.diner_exists" || !strings.Contains(e.Message, reg.CardNo) {
			t.Fatalf("duplicate: %v", err)
		}

		// 低保 comes from the registry, with the hukou region when none is given.
		poor := f.dibaoHousehold(f.laoshan, day(1940, 1, 2))
		reg2, err := f.s.RegisterDiner(f.ctx, f.officer, DinerInput{Name: "王大爷", IDNumber: poor, HomeRegion: f.laoshan})
		if err != nil {
			t.Fatal(err)
		}
		d2, _ := f.s.Diner(f.ctx, f.admin, reg2.DinerID)
		if !slices.Equal(d2.Categories, []string{CategoryDibao}) || d2.HukouRegion != f.laoshan[:6] {
			t.Fatalf("registry facts: %+v", d2)
		}
		// A tier that has ended does not count.
		ended, hid := f.dibaoHouseholdID(f.laoshan, day(1945, 1, 2))
		if err := d.InTx(f.ctx, func(tx *db.Tx) error {
			return f.reg.EndTier(f.ctx, tx, auth.System(), hid, registry.Dibao, day(2024, 2, 29))
		}); err != nil {
			t.Fatal(err)
		}
		reg3, err := f.s.RegisterDiner(f.ctx, f.officer, DinerInput{Name: "钱奶奶", IDNumber: ended, HomeRegion: f.laoshan,
			HukouRegion: "370283"})
		if err != nil {
			t.Fatal(err)
		}
		if d3, _ := f.s.Diner(f.ctx, f.admin, reg3.DinerID); len(d3.Categories) != 0 || d3.HukouRegion != "370283" {
			t.Fatalf("after the tier ended: %+v", d3)
		}
		// Out of sight is not found.
		shinan := &auth.Principal{Login: "s", Role: auth.StreetOfficer, Scope: region.Scope(f.shinan[:9])}
		if _, err := f.s.Diner(f.ctx, shinan, reg2.DinerID); apperr.KindOf(err) != apperr.NotFound {
			t.Fatalf("out-of-scope read: %v", err)
		}
	})
}

func TestRegisterDinerRefuses(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		f := newFixture(t, d, day(2024, 3, 5))
		ok := DinerInput{Name: "赵爷爷", IDNumber: f.idNumber(day(1964, 3, 5)), HomeRegion: f.laoshan}
		young := f.idNumber(day(1964, 3, 6)) // 60 tomorrow
		tests := []struct {
			name  string
			p     *auth.Principal
			edit  func(*DinerInput)
			field string
			kind  apperr.Kind
		}{
			{"no name", f.officer, func(in *DinerInput) { in.Name = "" }, "name", apperr.Invalid},
			{"bad check digit", f.officer, func(in *DinerInput) { in.IDNumber = in.IDNumber[:17] + other(in.IDNumber[17]) }, "id_number", apperr.Invalid},
			{"59 years old", f.officer, func(in *DinerInput) { in.IDNumber = young }, "id_number", apperr.Invalid},
			{"home is a street", f.officer, func(in *DinerInput) { in.HomeRegion = f.laoshan[:9] }, "home_region", apperr.Invalid},
			{"bad phone", f.officer, func(in *DinerInput) { in.Phone = "12" }, "phone", apperr.Invalid},
			{"dibao by hand", f.officer, func(in *DinerInput) { in.Categories = []string{CategoryDibao} }, "categories", apperr.Invalid},
			{"bad hukou", f.officer, func(in *DinerInput) { in.HukouRegion = "3702000" }, "hukou_region", apperr.Invalid},
			{"other district's officer", &auth.Principal{Login: "s", Role: auth.StreetOfficer, Scope: region.Scope(f.shinan[:9])},
				func(*DinerInput) {}, "", apperr.Forbidden},
			{"canteen operator", &auth.Principal{Login: "op", Role: auth.CanteenOperator, Scope: "3702", OrgID: 1},
				func(*DinerInput) {}, "", apperr.Forbidden},
		}
		for _, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				in := ok
				tt.edit(&in)
				_, err := f.s.RegisterDiner(f.ctx, tt.p, in)
				wantKind(t, err, tt.kind)
				if e := apperr.As(err); e.Field != tt.field {
					t.Fatalf("field %q (%v), want %q", e.Field, err, tt.field)
				}
			})
		}
		if _, err := f.s.RegisterDiner(f.ctx, f.officer, ok); err != nil {
			t.Fatalf("60 today: %v", err) // born 1964-03-05
		}
	})
}

// other is a digit or X different from c.
func other(c byte) string {
	if c == '1' {
		return "2"
	}
	return "1"
}
