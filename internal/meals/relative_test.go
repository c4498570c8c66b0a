package meals

import (
	"context"
	"sync"
	"testing"

	"github.com/minzheng/minzheng/internal/apperr"
	"github.com/minzheng/minzheng/internal/auth"
	"github.com/minzheng/minzheng/internal/citizen"
	"github.com/minzheng/minzheng/internal/civil"
	"github.com/minzheng/minzheng/internal/db"
	"github.com/minzheng/minzheng/internal/db/dbtest"
	"github.com/minzheng/minzheng/internal/region"
)

// codes is a citizen.Sender that keeps the newest code sent to each number.
type codes struct {
	mu   sync.Mutex
	sent map[string]string
}

func (c *codes) Send(_ context.Context, phone, code string) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.sent == nil {
		c.sent = map[string]string{}
	}
	c.sent[phone] = code
	return nil
}

// signIn signs a citizen in with phone through the real citizen sign-in, so that the keyed hash
// the meals store looks for is the one citizen sign-in stores, and returns them as an Orderer.
func (f *fixture) signIn(phone string) Orderer {
	f.t.Helper()
	sender := &codes{}
	cs := &citizen.Service{DB: f.d, Keys: f.s.Keys, Audit: f.s.Audit, Sender: sender, Now: f.s.Now}
	if err := cs.RequestCode(f.ctx, phone, "10.0.0.1"); err != nil {
		f.t.Fatal(err)
	}
	_, c, err := cs.Verify(f.ctx, phone, sender.sent[phone], "10.0.0.1")
	if err != nil {
		f.t.Fatal(err)
	}
	return ByCitizen(c.ID)
}

// elder registers someone born on birth in community with their own phone (may be "") and
// categories, and returns the diner's id.
func (f *fixture) elder(community string, birth civil.Date, phone string, cats ...string) int64 {
	f.t.Helper()
	r, err := f.s.RegisterDiner(f.ctx, f.admin, DinerInput{Name: "李秀英", IDNumber: f.idNumber(birth), HomeRegion: community,
		Phone: phone, Categories: cats})
	if err != nil {
		f.t.Fatal(err)
	}
	return r.DinerID
}

// auditCount counts the audit events of action.
func (f *fixture) auditCount(action string) int {
	f.t.Helper()
	var n int
	if err := f.d.QueryRow(f.ctx, `SELECT COUNT(*) FROM audit_log WHERE action = ?`, action).Scan(&n); err != nil {
		f.t.Fatal(err)
	}
	return n
}

func TestRelatives(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		f := newFixture(t, d, day(2024, 3, 5))
		diner := f.elder(f.laoshan, day(1948, 3, 1), "")
		grid := &auth.Principal{Login: "grid", Role: auth.GridWorker, Scope: region.Scope(f.laoshan)}
		shinan := &auth.Principal{Login: "shinan", Role: auth.StreetOfficer, Scope: region.Scope(f.shinan[:9])}
		auditor := &auth.Principal{Login: "auditor", Role: auth.Auditor, Scope: region.Scope("3702")}
		operator := &auth.Principal{Login: "op", Role: auth.CanteenOperator, Scope: region.Scope(f.laoshan), OrgID: 1}

		id, err := f.s.AddRelative(f.ctx, grid, diner, RelativeInput{Name: " 王小红 ", Relation: "女儿", Phone: "139 0000 1111"})
		if err != nil {
			t.Fatal(err)
		}
		rs, err := f.s.Relatives(f.ctx, f.officer, diner)
		if err != nil {
			t.Fatal(err)
		}
		if len(rs) != 1 || rs[0].ID != id || rs[0].Name != "王小红" || rs[0].Relation != "女儿" || rs[0].PhoneMasked != "139****1111" ||
			rs[0].DinerID != diner {
			t.Fatalf("relatives %+v", rs)
		}
		var sealed string
		if err := d.QueryRow(f.ctx, `SELECT phone_sealed FROM diner_relatives WHERE id = ?`, id).Scan(&sealed); err != nil {
			t.Fatal(err)
		}
		if plain, err := f.s.Keys.Open(sealed, RelativePhoneField); err != nil || plain != "13900001111" {
			t.Fatalf("sealed phone opens to %q, %v", plain, err)
		}

		refusals := []struct {
			name  string
			p     *auth.Principal
			in    RelativeInput
			kind  apperr.Kind
			field string
		}{
			{"same number again", f.officer, RelativeInput{Name: "王小红", Relation: "女儿", Phone: "+86 13900001111"}, apperr.Conflict, ""},
			{"landline", f.officer, RelativeInput{Name: "王小明", Relation: "儿子", Phone: "0532-88886666"}, apperr.Invalid, "phone"},
			{"no name", f.officer, RelativeInput{Relation: "儿子", Phone: "13900002222"}, apperr.Invalid, "name"},
			{"no relation", f.officer, RelativeInput{Name: "王小明", Phone: "13900002222"}, apperr.Invalid, "relation"},
			{"other district", shinan, RelativeInput{Name: "王小明", Relation: "儿子", Phone: "13900002222"}, apperr.NotFound, ""},
			{"auditor reads only", auditor, RelativeInput{Name: "王小明", Relation: "儿子", Phone: "13900002222"}, apperr.Forbidden, ""},
			{"canteen operator", operator, RelativeInput{Name: "王小明", Relation: "儿子", Phone: "13900002222"}, apperr.NotFound, ""},
		}
		for _, tc := range refusals {
			t.Run(tc.name, func(t *testing.T) {
				_, err := f.s.AddRelative(f.ctx, tc.p, diner, tc.in)
				wantKind(t, err, tc.kind)
				if got := apperr.As(err).Field; got != tc.field {
					t.Errorf("field %q, want %q", got, tc.field)
				}
			})
		}
		if _, err := f.s.Relatives(f.ctx, shinan, diner); apperr.KindOf(err) != apperr.NotFound {
			t.Errorf("other district lists relatives: %v", err)
		}

		// The relative signs in with their number and finds the diner; a stranger finds nobody.
		rel := f.signIn("13900001111")
		ds, err := f.s.OrderDiners(f.ctx, rel)
		if err != nil {
			t.Fatal(err)
		}
		if len(ds) != 1 || ds[0].ID != diner || ds[0].Relation != "女儿" || ds[0].Name != "李*英" {
			t.Fatalf("relative's diners %+v", ds)
		}
		if ds, _ := f.s.OrderDiners(f.ctx, f.signIn("13900009999")); len(ds) != 0 {
			t.Fatalf("stranger's diners %+v", ds)
		}

		if err := f.s.RemoveRelative(f.ctx, shinan, id); apperr.KindOf(err) != apperr.NotFound {
			t.Fatalf("other district removes: %v", err)
		}
		if err := f.s.RemoveRelative(f.ctx, f.officer, id); err != nil {
			t.Fatal(err)
		}
		if ds, _ := f.s.OrderDiners(f.ctx, rel); len(ds) != 0 {
			t.Fatalf("removed relative still orders for %+v", ds)
		}
		wantKind(t, f.s.RemoveRelative(f.ctx, f.officer, id), apperr.NotFound)
		if f.auditCount("meals.relative.add") != 1 || f.auditCount("meals.relative.remove") != 1 {
			t.Errorf("audit: %d adds, %d removes", f.auditCount("meals.relative.add"), f.auditCount("meals.relative.remove"))
		}
	})
}

func TestRelativesLimit(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		f := newFixture(t, d, day(2024, 3, 5))
		diner := f.elder(f.laoshan, day(1948, 3, 1), "")
		for i := range maxRelatives {
			if _, err := f.s.AddRelative(f.ctx, f.admin, diner, RelativeInput{Name: "亲属", Relation: "子女",
				Phone: "1390000" + string(rune('0'+i/10)) + string(rune('0'+i%10)) + "00"}); err != nil {
				t.Fatal(err)
			}
		}
		_, err := f.s.AddRelative(f.ctx, f.admin, diner, RelativeInput{Name: "亲属", Relation: "子女", Phone: "13911112222"})
		wantKind(t, err, apperr.Conflict)
	})
}
