package app

import (
	"context"
	"testing"

	"github.com/minzheng/minzheng/internal/assistance"
	"github.com/minzheng/minzheng/internal/auth"
	"github.com/minzheng/minzheng/internal/civil"
	"github.com/minzheng/minzheng/internal/money"
	"github.com/minzheng/minzheng/internal/region"
)

// addRouteCases adds a module's entries to routeCases; a route listed twice is a mistake.
func addRouteCases(cases map[string]func(t accessTarget) accessRequest) {
	for k, v := range cases {
		if _, dup := routeCases[k]; dup {
			panic("routeCases: " + k + " listed twice")
		}
		routeCases[k] = v
	}
}

// caseTargets are assistance records of a target household: an open 低保 case (at its home
// visit), and a decided 临时救助 case with its decision and one-off entitlement.
type caseTargets struct {
	open        *assistance.Application
	decided     *assistance.Application
	decision    int64
	entitlement int64
	// document is an uploaded file of the open case.
	document int64
}

// makeCaseTargets files, as the street officer of community's street, a 低保 application that
// stays open and a 支出型 临时救助 that the street approves at once (no notice, within its limit).
func makeCaseTargets(t *testing.T, m *Main, community string, hid int64) caseTargets {
	t.Helper()
	ctx := context.Background()
	street := community[:9]
	officer := &auth.Principal{Login: "target.officer", Role: auth.StreetOfficer, Scope: region.Scope(street)}
	h, err := m.svc.registry.Get(ctx, auth.System(), hid)
	if err != nil {
		t.Fatal(err)
	}
	number, err := m.svc.registry.RevealID(ctx, auth.System(), h.Members[0].ID, "")
	if err != nil {
		t.Fatal(err)
	}
	in := assistance.Intake{Program: "dibao", RegionCode: street, HouseholdID: hid, ApplicantName: h.Members[0].Name,
		IDNumber: number, Address: h.Address, Hukou: "urban", Reason: "访问测试"}
	open, err := m.svc.cases.Submit(ctx, assistance.Applicant{Officer: officer}, in)
	if err != nil {
		t.Fatal(err)
	}
	in.Program, in.Subtype, in.Details = "temporary", "expense", assistance.Details{Expense: money.Yuan(2000)}
	tmp, err := m.svc.cases.Submit(ctx, assistance.Applicant{Officer: officer}, in)
	if err != nil {
		t.Fatal(err)
	}
	today := civil.Today(m.Now())
	tmp, err = m.svc.cases.Act(ctx, officer, tmp.ID, assistance.Action{Step: assistance.StepVisit, Version: tmp.Version,
		Visit: &assistance.Visit{Investigators: []string{"甲", "乙"}, VisitedOn: today, Findings: "属实"}})
	if err != nil {
		t.Fatal(err)
	}
	tmp, err = m.svc.cases.Act(ctx, officer, tmp.ID, assistance.Action{Step: assistance.StepApprove, Version: tmp.Version, Outcome: "approve"})
	if err != nil {
		t.Fatal(err)
	}
	c, err := m.svc.cases.Get(ctx, officer, tmp.ID)
	if err != nil || len(c.Decisions) != 1 {
		t.Fatalf("decided target case: %v", err)
	}
	ents, err := m.svc.cases.Entitlements(ctx, officer, hid)
	if err != nil || len(ents) != 1 {
		t.Fatalf("target entitlements %d: %v", len(ents), err)
	}
	doc, err := m.svc.cases.AddDocument(ctx, assistance.Uploader{Officer: officer}, open.ID, "id_card", "身份证.png",
		append([]byte("\x89PNG\r\n\x1a\n"), make([]byte, 32)...))
	if err != nil {
		t.Fatal(err)
	}
	return caseTargets{open: open, decided: tmp, decision: c.Decisions[0].ID, entitlement: ents[0].ID, document: doc.ID}
}
