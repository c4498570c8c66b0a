package assistance

import (
	"testing"

	"github.com/minzheng/minzheng/internal/apperr"
	"github.com/minzheng/minzheng/internal/civil"
	"github.com/minzheng/minzheng/internal/db"
	"github.com/minzheng/minzheng/internal/db/dbtest"
	"github.com/minzheng/minzheng/internal/money"
	"github.com/minzheng/minzheng/internal/registry"
)

// TestDibaoWindowToDecision carries a 低保 application through every step: window intake with
// immediate acceptance, the automatic check, the visit, 民主评议, the 7-day notice with an
// objection, district approval, the decision and the entitlement with its tier.
func TestDibaoWindowToDecision(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		f := newFixture(t, d, civil.Date{Year: 2024, Month: 3, Day: 4}) // a Monday
		hid, head := f.household(money.Yuan(500), 0)
		a, err := f.s.Submit(f.ctx, Applicant{Officer: f.officer}, f.intake("dibao", head))
		if err != nil {
			t.Fatal(err)
		}
		if a.Status != StatusOpen || a.HouseholdID != hid || a.CurrentStep != StepVisit {
			t.Fatalf("after window intake: status %s household %d step %s", a.Status, a.HouseholdID, a.CurrentStep)
		}
		// 30 working days from Monday 2024-03-04: 清明 takes 04-04 and 04-05 off and makes Sunday
		// 04-07 a working day (调休), so the 30th is Tuesday 2024-04-16.
		if want := (civil.Date{Year: 2024, Month: 4, Day: 16}); a.CaseDue != want {
			t.Fatalf("case due %s, want %s", a.CaseDue, want)
		}
		c, err := f.s.Get(f.ctx, f.officer, a.ID)
		if err != nil {
			t.Fatal(err)
		}
		check, ok := lastDone(c.Steps, StepCheck)
		if !ok || check.Data.Check == nil || !check.Data.Check.Eligible || check.Data.Check.MonthlyAmount != money.Fen(184150) {
			t.Fatalf("check report %+v", check.Data.Check)
		}
		if _, err := f.s.Act(f.ctx, f.approver, a.ID, Action{Step: StepVisit, Version: a.Version, Visit: f.visit(true)}); apperr.KindOf(err) != apperr.Forbidden {
			t.Fatalf("a district approver recorded a street visit: %v", err)
		}
		if _, err := f.s.Act(f.ctx, f.officer, a.ID, Action{Step: StepNotice, Version: a.Version}); apperr.KindOf(err) != apperr.Conflict {
			t.Fatalf("the notice was done before the visit: %v", err)
		}
		a = f.act(f.grid, a, Action{Visit: f.visit(true)})
		if a.CurrentStep != StepMeeting {
			t.Fatalf("after a visit asking for 民主评议 the step is %s", a.CurrentStep)
		}
		a = f.act(f.officer, a, Action{Meeting: &Meeting{HeldOn: civil.Today(f.clock.Now()), Attendees: 9, For: 8, Against: 1, Record: "评议通过"}})
		if a.CurrentStep != StepNotice {
			t.Fatalf("after the meeting the step is %s", a.CurrentStep)
		}
		rows, err := f.s.PublicNotice(f.ctx, "370212")
		if err != nil || len(rows) != 1 || rows[0].NameMasked != "测*甲" || rows[0].IDMasked == head {
			t.Fatalf("public notice %+v, %v", rows, err)
		}
		oid, err := f.s.FileObjection(f.ctx, a.ID, "", "", "该户有车辆", "10.0.0.1")
		if err != nil {
			t.Fatal(err)
		}
		f.clock.AdvanceDays(7)
		if _, err := f.s.Act(f.ctx, f.officer, a.ID, Action{Step: StepNotice, Version: a.Version}); apperr.KindOf(err) != apperr.Conflict {
			t.Fatalf("the notice closed with an open objection: %v", err)
		}
		if a, err = f.s.ResolveObjection(f.ctx, f.officer, a.ID, a.Version, oid, false, "经核实，车辆已于去年转让", ""); err != nil {
			t.Fatal(err)
		}
		a = f.act(f.officer, a, Action{})
		if a.CurrentStep != StepApprove {
			t.Fatalf("after the notice the step is %s", a.CurrentStep)
		}
		if _, err := f.s.Act(f.ctx, f.officer, a.ID, Action{Step: StepApprove, Version: a.Version, Outcome: "approve"}); apperr.KindOf(err) != apperr.Forbidden {
			t.Fatalf("a street officer approved 低保: %v", err)
		}
		a = f.act(f.approver, a, Action{Outcome: "approve"})
		if a.Status != StatusDecided {
			t.Fatalf("status %s after approval", a.Status)
		}
		c, _ = f.s.Get(f.ctx, f.approver, a.ID)
		if len(c.Decisions) != 1 || c.Decisions[0].Kind != DecisionApprove || c.Decisions[0].Amount != money.Fen(184150) || c.Decisions[0].DocNo == "" {
			t.Fatalf("decisions %+v", c.Decisions)
		}
		ents, _ := f.s.Entitlements(f.ctx, f.approver, hid)
		if len(ents) != 1 || ents[0].Monthly != money.Fen(184150) || ents[0].StartMonth != (civil.Month{Year: 2024, Month: 4}) {
			t.Fatalf("entitlements %+v", ents)
		}
		h, _ := f.s.Registry.Get(f.ctx, f.approver, hid)
		if len(h.Tiers) != 1 || h.Tiers[0].Tier != registry.Dibao {
			t.Fatalf("tiers %+v", h.Tiers)
		}
		if _, err := f.s.Submit(f.ctx, Applicant{Officer: f.officer}, f.intake("dibao", head)); apperr.KindOf(err) != apperr.Invalid {
			t.Fatalf("a second 低保 application of a receiving household: %v", err)
		}
	})
}

// TestIntakeOfRegisteredPerson files a window application naming a registered member: nothing
// is typed or revealed, the case is accepted on the spot, and the applicant's identifiers match
// the registry's.
func TestIntakeOfRegisteredPerson(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		f := newFixture(t, d, civil.Date{Year: 2024, Month: 3, Day: 4})
		hid, _, persons := f.create([]member{{birth: civil.Date{Year: 1970, Month: 1, Day: 1}, wage: money.Yuan(200)}}, 0)
		in := Intake{Program: "dibao", RegionCode: "370212001", ApplicantPersonID: persons[0], Hukou: "urban", Reason: "生活困难"}
		a, err := f.s.Submit(f.ctx, Applicant{Officer: f.officer}, in)
		if err != nil {
			t.Fatal(err)
		}
		h, _ := f.s.Registry.Get(f.ctx, f.officer, hid)
		if a.HouseholdID != hid || a.Status != StatusOpen || a.ApplicantName != h.Members[0].Name || a.IDMasked != h.Members[0].IDMasked {
			t.Fatalf("case %+v", a)
		}
		var reveals int
		if err := d.QueryRow(f.ctx, `SELECT COUNT(*) FROM audit_log WHERE action = 'pii.reveal'`).Scan(&reveals); err != nil || reveals != 0 {
			t.Fatalf("%d reveals: %v", reveals, err)
		}
		in.ApplicantPersonID = persons[0]
		if _, err := f.s.Submit(f.ctx, Applicant{Officer: f.other}, in); apperr.KindOf(err) != apperr.Invalid {
			t.Fatalf("another street named a person it cannot see: %v", err)
		}
		if _, err := f.s.Submit(f.ctx, Applicant{}, in); apperr.KindOf(err) != apperr.Invalid {
			t.Fatalf("the public named a registered person: %v", err)
		}
	})
}
