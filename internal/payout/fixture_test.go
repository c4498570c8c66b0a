package payout

import (
	"context"
	"fmt"
	"github.com/minzheng/minzheng/internal/assistance/assistancetest"
	"github.com/minzheng/minzheng/internal/civil/civiltest"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/minzheng/minzheng/internal/assistance"
	"github.com/minzheng/minzheng/internal/auth"
	"github.com/minzheng/minzheng/internal/civil"
	"github.com/minzheng/minzheng/internal/db"
	"github.com/minzheng/minzheng/internal/idcard"
	"github.com/minzheng/minzheng/internal/money"
	"github.com/minzheng/minzheng/internal/pii"
	"github.com/minzheng/minzheng/internal/region"
	"github.com/minzheng/minzheng/internal/registry"
)

// area is a district with one of its streets and a community of it, and the people who work
// there: the street officer and the district approver.
type area struct {
	district, street, community string
	officer, approver           *auth.Principal
}

// fixture is a payout store over a fresh database with the regions and parameters a case needs,
// the case and registry stores it reads, and the principals of two districts.
type fixture struct {
	t     *testing.T
	ctx   context.Context
	d     *db.DB
	clock *civiltest.Clock
	keys  *pii.Keyring
	reg   *registry.Store
	cases *assistance.Store
	s     *Store
	// laoshan (370212) is the main area; shinan (370202) a second district.
	laoshan, shinan area
	admin           *auth.Principal // city administrator of 3702
	seq             int
	// inputs are the households as registered, for an update.
	inputs map[int64]registry.HouseholdInput
}

const (
	laoshan = "370212"
	shinan  = "370202"
)

func newFixture(t *testing.T, d *db.DB, start civil.Date) *fixture {
	t.Helper()
	base := assistancetest.New(t, d, start)
	ctx, ck, keys, log, reg, params, cases := base.Ctx, base.Clock, base.Keys, base.Audit, base.Reg, base.Params, base.Cases
	f := &fixture{t: t, ctx: ctx, d: d, clock: ck, keys: keys, reg: reg, cases: cases,
		s:     &Store{DB: d, Keys: keys, Audit: log, Cases: cases, Registry: reg, Params: params, Now: ck.Now},
		admin: &auth.Principal{Login: "admin", Role: auth.CityAdmin, Scope: "3702"}, inputs: map[int64]registry.HouseholdInput{}}
	f.laoshan = f.area(laoshan, "370212001", "zhonghan", "laoshan")
	f.shinan = f.area(shinan, "", "shinan.officer", "shinan.approver")
	return f
}

// area finds a street of district (its first, unless named) and the street's first community.
func (f *fixture) area(district, street, officer, approver string) area {
	f.t.Helper()
	tree, err := region.LoadTree(f.ctx, f.d, district)
	if err != nil {
		f.t.Fatal(err)
	}
	if street == "" {
		street = tree.Children(district)[0].Code
	}
	communities := tree.Children(street)
	if len(communities) == 0 {
		f.t.Fatalf("street %s has no community", street)
	}
	return area{district: district, street: street, community: communities[0].Code,
		officer:  &auth.Principal{Login: officer, Role: auth.StreetOfficer, Scope: region.Scope(street)},
		approver: &auth.Principal{Login: approver, Role: auth.DistrictApprover, Scope: region.Scope(district)}}
}

// today is the clock's date.
func (f *fixture) today() civil.Date { return civil.Today(f.clock.Now()) }

// month is the clock's month.
func (f *fixture) month() civil.Month { return civil.MonthOf(f.today()) }

// household registers a household in a's community of a head (aged 45) earning wage a month and
// children, and returns its id and the head's ID number.
func (f *fixture) household(a area, wage money.Fen, children int) (int64, string) {
	f.t.Helper()
	f.seq++
	var members []registry.PersonInput
	var head string
	for i := 0; i <= children; i++ {
		rel, birth := registry.Child, civil.Date{Year: 2012, Month: 3, Day: 1 + i}
		if i == 0 {
			rel, birth = registry.Head, civil.Date{Year: 1979, Month: 5, Day: 2}
		}
		id := idcard.Synthesize(a.district, birth, f.seq*10+i)
		if i == 0 {
			head = string(id)
		}
		m := registry.PersonInput{Name: "测试" + string(rune('甲'+i)), IDNumber: string(id), Relation: rel, WorkCapacity: "partial"}
		if i == 0 && wage > 0 {
			m.Incomes = []registry.Income{{Kind: registry.Wage, Monthly: wage}}
		}
		members = append(members, m)
	}
	in := registry.HouseholdInput{RegionCode: a.community, Address: "测试路 1 号", Hukou: registry.Urban, HukouRegion: a.district,
		Members: members}
	hid, err := f.reg.Create(f.ctx, auth.System(), in)
	if err != nil {
		f.t.Fatal(err)
	}
	f.inputs[hid] = in
	return hid, head
}

// setWage changes the monthly wage of the head of household hid in the registry.
func (f *fixture) setWage(hid int64, wage money.Fen) {
	f.t.Helper()
	in := f.inputs[hid]
	in.Members = slices.Clone(in.Members)
	in.Members[0].Incomes = []registry.Income{{Kind: registry.Wage, Monthly: wage}}
	if err := f.reg.Update(f.ctx, auth.System(), hid, 0, in); err != nil {
		f.t.Fatal(err)
	}
	f.inputs[hid] = in
}

// submit files a window application for program by the head of a household of area a.
func (f *fixture) submit(a area, program, subtype, head string, details assistance.Details) *assistance.Application {
	f.t.Helper()
	in := assistance.Intake{Program: program, Subtype: subtype, RegionCode: a.street, ApplicantName: "测试甲", IDNumber: head,
		Phone: "13800001234", Address: "测试路 1 号", Hukou: "urban", Reason: "家庭收入低，生活困难", Details: details}
	app, err := f.cases.Submit(f.ctx, assistance.Applicant{Officer: a.officer}, in)
	if err != nil {
		f.t.Fatal(err)
	}
	return app
}

// act performs act on case app's current step and fails the test on an error.
func (f *fixture) act(p *auth.Principal, app *assistance.Application, act assistance.Action) *assistance.Application {
	f.t.Helper()
	act.Version = app.Version
	if act.Step == "" {
		act.Step = app.CurrentStep
	}
	got, err := f.cases.Act(f.ctx, p, app.ID, act)
	if err != nil {
		f.t.Fatalf("%s on case %d: %v", act.Step, app.ID, err)
	}
	return got
}

// driveTo carries case app of area a step by step, each by the level it names, moving the clock
// past the notice, until it reaches step stop (which is not done) or is decided with outcome.
func (f *fixture) driveTo(a area, app *assistance.Application, stop, outcome string) *assistance.Application {
	f.t.Helper()
	for app.Status == assistance.StatusOpen || app.Status == assistance.StatusSubmitted {
		c, err := f.cases.Get(f.ctx, a.officer, app.ID)
		if err != nil || c.Current == nil {
			f.t.Fatalf("case %d at %q has no open step: %v", app.ID, app.CurrentStep, err)
		}
		if c.Current.Step == stop {
			return app
		}
		who := a.officer
		if c.Current.Level == assistance.District {
			who = a.approver
		}
		act := assistance.Action{}
		switch c.Current.Step {
		case assistance.StepAccept:
			act.Outcome = "accept"
		case assistance.StepVisit:
			act.Visit = &assistance.Visit{Investigators: []string{"王调查", "李调查"}, VisitedOn: f.today(),
				Living: "两室一厅，陈设简陋", Findings: "家庭成员情况与申报一致"}
		case assistance.StepNotice:
			f.clock.AdvanceDays(7)
		case assistance.StepApprove:
			act.Outcome, act.Note = outcome, "经审核"
		}
		app = f.act(who, app, act)
	}
	return app
}

// entitlementOf returns the only entitlement of program of household hid.
func (f *fixture) entitlementOf(a area, hid int64, program string) *assistance.Entitlement {
	f.t.Helper()
	ents, err := f.cases.Entitlements(f.ctx, a.approver, hid)
	if err != nil {
		f.t.Fatal(err)
	}
	var found *assistance.Entitlement
	for _, e := range ents {
		if e.Program == program {
			if found != nil {
				f.t.Fatalf("household %d has two %s entitlements", hid, program)
			}
			found = e
		}
	}
	if found == nil {
		f.t.Fatalf("household %d has no %s entitlement", hid, program)
	}
	return found
}

// refresh reads entitlement e again.
func (f *fixture) refresh(a area, e *assistance.Entitlement) *assistance.Entitlement {
	f.t.Helper()
	got, err := f.cases.Entitlement(f.ctx, a.approver, e.ID)
	if err != nil {
		f.t.Fatal(err)
	}
	return got
}

// dibao registers a household of a head earning wage and one child in area a and carries its
// 低保 application to the district's approval (the clock moves a week for the notice). The
// entitlement starts the month after the approval. The household has a payee account.
func (f *fixture) dibao(a area, wage money.Fen) (int64, *assistance.Entitlement) {
	f.t.Helper()
	hid, head := f.household(a, wage, 1)
	app := f.driveTo(a, f.submit(a, "dibao", "", head, assistance.Details{}), "", "approve")
	if app.Status != assistance.StatusDecided {
		f.t.Fatalf("低保 case %d ended %s", app.ID, app.Status)
	}
	f.payee(a, hid)
	return hid, f.entitlementOf(a, hid, "dibao")
}

// temporary registers a household in area a and carries its 支出型 临时救助 application for a
// spending of expense to the street's approval: a one-off entitlement of the month of the
// decision.
func (f *fixture) temporary(a area, expense money.Fen) (int64, *assistance.Entitlement) {
	f.t.Helper()
	hid, head := f.household(a, money.Yuan(800), 0)
	app := f.driveTo(a, f.submit(a, "temporary", "expense", head, assistance.Details{Expense: expense}), "", "approve")
	if app.Status != assistance.StatusDecided {
		f.t.Fatalf("临时救助 case %d ended %s", app.ID, app.Status)
	}
	f.payee(a, hid)
	e := f.entitlementOf(a, hid, "temporary")
	if e.OneOff <= 0 {
		f.t.Fatalf("临时救助 entitlement %+v is not a one-off", e)
	}
	return hid, e
}

// review opens a change-of-circumstances review of entitlement e and decides it with outcome.
func (f *fixture) review(a area, e *assistance.Entitlement, outcome string) *assistance.Entitlement {
	f.t.Helper()
	r, err := f.cases.StartReview(f.ctx, a.officer, e.ID, assistance.ReviewChange, "收入变化", "")
	if err != nil {
		f.t.Fatal(err)
	}
	f.driveTo(a, r, "", outcome)
	return f.refresh(a, e)
}

// payee records a bank account for household hid, derived from its id.
func (f *fixture) payee(a area, hid int64) string {
	f.t.Helper()
	account := payeeAccount(hid)
	if err := f.s.SetPayee(f.ctx, a.officer, hid, "测试甲", "青岛农商银行", account, ""); err != nil {
		f.t.Fatal(err)
	}
	return account
}

// payeeAccount is the account payee records for household hid.
func payeeAccount(hid int64) string { return fmt.Sprintf("6222%012d", hid*7919) }

// paidTo is line l paid to the payee that payee records for l's household.
func paidTo(l Line) Line {
	l.PayeeName, l.Bank, l.AccountMasked = "测试甲", "青岛农商银行", pii.MaskBank(payeeAccount(l.HouseholdID))
	return l
}

// generate builds the roster of month m of program in a's district as a's approver.
func (f *fixture) generate(a area, m civil.Month, program string) *Roster {
	f.t.Helper()
	r, err := f.s.Generate(f.ctx, a.approver, m, program, a.district)
	if err != nil {
		f.t.Fatalf("generate %s %s %s: %v", m, program, a.district, err)
	}
	return r
}

// approve approves roster r as a's approver.
func (f *fixture) approve(a area, r *Roster) *Roster {
	f.t.Helper()
	got, err := f.s.Approve(f.ctx, a.approver, r.ID, r.Version, "")
	if err != nil {
		f.t.Fatalf("approve roster %d (%s %s): %v", r.ID, r.Month, r.Program, err)
	}
	return got
}

// pay generates and approves the roster of month m of program in a's district.
func (f *fixture) pay(a area, m civil.Month, program string) *Roster {
	f.t.Helper()
	return f.approve(a, f.generate(a, m, program))
}

// lines returns every line of roster id, as the district's approver sees them.
func (f *fixture) lines(a area, id int64) []Line {
	f.t.Helper()
	var out []Line
	for page := 1; ; page++ {
		ls, total, err := f.s.Lines(f.ctx, a.approver, id, page, 500)
		if err != nil {
			f.t.Fatal(err)
		}
		out = append(out, ls...)
		if len(out) >= total || len(ls) == 0 {
			return out
		}
	}
}

// linesOf returns the lines of roster id that pay entitlement e.
func (f *fixture) linesOf(a area, id int64, e *assistance.Entitlement) []Line {
	f.t.Helper()
	var out []Line
	for _, l := range f.lines(a, id) {
		if l.EntitlementID == e.ID {
			out = append(out, l)
		}
	}
	return out
}

// verify fails the test when the ledger has any problem.
func (f *fixture) verify() Verification {
	f.t.Helper()
	v, err := f.s.Verify(f.ctx)
	if err != nil {
		f.t.Fatal(err)
	}
	if len(v.Problems) > 0 {
		f.t.Fatalf("ledger problems:\n%s", strings.Join(v.Problems, "\n"))
	}
	return v
}

// lineKey is a line without its identity: what a regenerated roster must reproduce.
func lineKey(l Line) string {
	return fmt.Sprintf("ent=%d hh=%d region=%s kind=%s amount=%d persons=%d %s..%s adj=%d payee=%s/%s/%s reason=%q status=%s",
		l.EntitlementID, l.HouseholdID, l.RegionCode, l.Kind, l.Amount, l.Persons, l.From, l.To, l.AdjustmentID,
		l.PayeeName, l.Bank, l.AccountMasked, l.Reason, l.Status)
}

// lineSet is the sorted keys of lines.
func lineSet(lines []Line) []string {
	out := make([]string, 0, len(lines))
	for _, l := range lines {
		out = append(out, lineKey(l))
	}
	slices.Sort(out)
	return out
}

// describe lists lines for a failure message.
func describe(lines []Line) string {
	var b strings.Builder
	for _, l := range lines {
		fmt.Fprintf(&b, "\n  line %d: %s", l.ID, lineKey(l))
	}
	return b.String()
}

// mon is a month literal.
func mon(y, m int) civil.Month { return civil.Month{Year: y, Month: time.Month(m)} }
