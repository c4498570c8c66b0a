package assistance

import (
	"strings"
	"testing"

	"github.com/minzheng/minzheng/internal/apperr"
	"github.com/minzheng/minzheng/internal/auth"
	"github.com/minzheng/minzheng/internal/civil"
	"github.com/minzheng/minzheng/internal/db"
	"github.com/minzheng/minzheng/internal/db/dbtest"
	"github.com/minzheng/minzheng/internal/money"
	"github.com/minzheng/minzheng/internal/region"
)

// TestReviewChainKeepsScope moves a household that received 低保 from one street to another:
// the new street's officer sees the household, but the cases and decisions of the old street
// stay out of its chain, as its entitlements and services already do.
func TestReviewChainKeepsScope(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		f := newFixture(t, d, civil.Date{Year: 2024, Month: 3, Day: 4})
		hid, a, _ := f.approvedDibao(money.Yuan(300))
		tree, err := region.LoadTree(f.ctx, d, "370212")
		if err != nil {
			t.Fatal(err)
		}
		var street string
		for _, s := range tree.Children("370212") {
			if s.Code != "370212001" {
				street = s.Code
				break
			}
		}
		dest := tree.Children(street)[0].Code
		for _, stmt := range []string{`UPDATE households SET region_code = ? WHERE id = ?`, `UPDATE persons SET region_code = ? WHERE household_id = ?`} {
			if _, err := d.Exec(f.ctx, stmt, dest, hid); err != nil {
				t.Fatal(err)
			}
		}
		newStreet := &auth.Principal{Login: "xinjie", Role: auth.StreetOfficer, Scope: region.Scope(street)}
		if _, err := f.s.Get(f.ctx, newStreet, a.ID); apperr.KindOf(err) != apperr.NotFound {
			t.Fatalf("the new street reads the old street's case: %v", err)
		}
		chain, err := f.s.Chain(f.ctx, newStreet, hid)
		if err != nil {
			t.Fatal(err)
		}
		for _, ev := range chain {
			if strings.HasPrefix(ev.Link, "/cases/") || strings.HasPrefix(ev.Link, "/decisions/") {
				t.Fatalf("the chain shows the new street an entry out of its scope: %+v", ev)
			}
		}
		// The district sees the whole chain.
		chain, _ = f.s.Chain(f.ctx, f.approver, hid)
		kinds := map[string]int{}
		for _, ev := range chain {
			kinds[ev.Kind]++
		}
		if kinds["application"] != 1 || kinds["decision"] != 1 || kinds["entitlement"] != 1 {
			t.Fatalf("district chain %v", kinds)
		}
	})
}

// TestReviewCitizenSeesNoObjector shows the applicant their own case during its notice: the
// objection is theirs to answer, but who filed it is not theirs to know.
func TestReviewCitizenSeesNoObjector(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		f := newFixture(t, d, civil.Date{Year: 2024, Month: 3, Day: 4})
		_, head := f.household(money.Yuan(300), 0)
		a, err := f.s.Submit(f.ctx, Applicant{CitizenID: 9}, f.intake("dibao", head))
		if err != nil {
			t.Fatal(err)
		}
		a = f.act(f.officer, a, Action{Outcome: "accept"})
		a = f.act(f.officer, a, Action{Visit: f.visit(false)})
		if _, err := f.s.FileObjection(f.ctx, a.ID, "邻居王某", "13900001111", "该户有经营收入", ""); err != nil {
			t.Fatal(err)
		}
		c, err := f.s.CitizenCase(f.ctx, 9, a.ID)
		if err != nil {
			t.Fatal(err)
		}
		for _, o := range c.Objections {
			if o.Filer != "" {
				t.Fatalf("the applicant learns who objected: %q", o.Filer)
			}
		}
		if oc, _ := f.s.Get(f.ctx, f.officer, a.ID); len(oc.Objections) != 1 || oc.Objections[0].Filer != "邻居王某" {
			t.Fatalf("the officer's view of the objection: %+v", oc.Objections)
		}
	})
}

// TestReviewEmergencyWhereItHappened has a family of another street meet an emergency in this
// one: DOMAIN.md §6 has the street where it happened handle it. The street finds the family by
// the applicant's ID number, keeps the case, and pays.
func TestReviewEmergencyWhereItHappened(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		f := newFixture(t, d, civil.Date{Year: 2024, Month: 3, Day: 4})
		hid, head := f.household(0)
		tree, err := region.LoadTree(f.ctx, d, "370212")
		if err != nil {
			t.Fatal(err)
		}
		var street string
		for _, s := range tree.Children("370212") {
			if s.Code != "370212001" {
				street = s.Code
				break
			}
		}
		home := tree.Children(street)[0].Code
		for _, stmt := range []string{`UPDATE households SET region_code = ? WHERE id = ?`, `UPDATE persons SET region_code = ? WHERE household_id = ?`} {
			if _, err := d.Exec(f.ctx, stmt, home, hid); err != nil {
				t.Fatal(err)
			}
		}
		in := f.intake("temporary", head)
		in.Subtype, in.Details = "emergency", Details{Severity: 1}
		a, err := f.s.Submit(f.ctx, Applicant{Officer: f.officer}, in)
		if err != nil {
			t.Fatal(err)
		}
		if a.Status != StatusOpen || a.HouseholdID != hid || a.RegionCode != "370212001" {
			t.Fatalf("emergency of a family from %s: status %s household %d region %s", home, a.Status, a.HouseholdID, a.RegionCode)
		}
		a = f.drive(a, "approve")
		if a.Status != StatusDecided {
			t.Fatalf("status %s", a.Status)
		}
		// Another program stays with the family's own street.
		if b, err := f.s.Submit(f.ctx, Applicant{Officer: f.officer}, f.intake("dibao", head)); err != nil || b.Status != StatusSubmitted {
			t.Fatalf("低保 of a family of another street: %+v, %v", b, err)
		} else if _, err := f.s.Act(f.ctx, f.officer, b.ID, Action{Step: StepAccept, Version: b.Version, Outcome: "accept"}); apperr.KindOf(err) != apperr.Invalid {
			t.Fatalf("another street accepted 低保 of a family not its own: %v", err)
		}
	})
}
