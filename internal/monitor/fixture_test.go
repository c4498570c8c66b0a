package monitor

import (
	"context"
	"errors"
	"fmt"
	"github.com/minzheng/minzheng/internal/assistance/assistancetest"
	"github.com/minzheng/minzheng/internal/civil/civiltest"
	"testing"

	"github.com/minzheng/minzheng/internal/apperr"
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

// flowArea is a district, one of its streets and two communities of that street, and the
// people who work there — users in the database, since an assignee is looked up.
type flowArea struct {
	district, street, community, community2 string
	approver, officer, grid, grid2          *auth.Principal
}

// flowFixture is a monitor store over a fresh database with regions, parameters, the registry
// and assistance stores it feeds back to, and the staff of 崂山区 and 市南区.
type flowFixture struct {
	t     *testing.T
	ctx   context.Context
	d     *db.DB
	clock *civiltest.Clock
	keys  *pii.Keyring
	users *auth.Service
	reg   *registry.Store
	cases *assistance.Store
	s     *Store
	// laoshan (370212, 中韩街道) is the main area; shinan (370202) another district.
	laoshan, shinan flowArea
	admin           *auth.Principal // city administrator of 3702
	auditor         *auth.Principal
	seq             int
}

// newFlowFixture builds the fixture with the clock at 10:00 on start.
func newFlowFixture(t *testing.T, d *db.DB, start civil.Date) *flowFixture {
	t.Helper()
	base := assistancetest.New(t, d, start)
	ctx, ck, keys, log, reg, params, cases := base.Ctx, base.Clock, base.Keys, base.Audit, base.Reg, base.Params, base.Cases
	users := auth.NewService(d, keys, log, ck.Now)
	users.Argon2 = auth.Argon2Params{MemoryKiB: 64, Time: 1, Threads: 1}
	f := &flowFixture{t: t, ctx: ctx, d: d, clock: ck, keys: keys, users: users, reg: reg, cases: cases,
		s:     &Store{DB: d, Keys: keys, Audit: log, Registry: reg, Cases: cases, Params: params, City: "3702", Now: ck.Now},
		admin: newFlowUser(t, ctx, users, "city.admin", auth.CityAdmin, "3702")}
	f.auditor = newFlowUser(t, ctx, users, "city.auditor", auth.Auditor, "3702")
	f.laoshan = f.area("370212", "370212001", "laoshan")
	f.shinan = f.area("370202", "", "shinan")
	return f
}

// newFlowUser creates a user through the identity service and returns it as a principal.
func newFlowUser(t *testing.T, ctx context.Context, users *auth.Service, login string, role auth.Role, scope string) *auth.Principal {
	t.Helper()
	u, err := users.Bootstrap(ctx, auth.UserInput{Login: login, Name: "测试" + login, Role: role, Scope: scope}, "Laoshan2024pass", false)
	if err != nil {
		t.Fatalf("user %s: %v", login, err)
	}
	return u.Principal()
}

// area finds a street of district (its first, unless named), two of its communities, and
// creates the district approver, the street officer and a grid worker of each community.
func (f *flowFixture) area(district, street, prefix string) flowArea {
	f.t.Helper()
	tree, err := region.LoadTree(f.ctx, f.d, district)
	if err != nil {
		f.t.Fatal(err)
	}
	if street == "" {
		street = tree.Children(district)[0].Code
	}
	communities := tree.Children(street)
	if len(communities) < 2 {
		f.t.Fatalf("street %s has %d communities, want 2", street, len(communities))
	}
	a := flowArea{district: district, street: street, community: communities[0].Code, community2: communities[1].Code}
	a.approver = newFlowUser(f.t, f.ctx, f.users, prefix+".approver", auth.DistrictApprover, district)
	a.officer = newFlowUser(f.t, f.ctx, f.users, prefix+".officer", auth.StreetOfficer, street)
	a.grid = newFlowUser(f.t, f.ctx, f.users, prefix+".grid", auth.GridWorker, a.community)
	a.grid2 = newFlowUser(f.t, f.ctx, f.users, prefix+".grid2", auth.GridWorker, a.community2)
	return a
}

// today is the clock's date.
func (f *flowFixture) today() civil.Date { return civil.Today(f.clock.Now()) }

// household registers a household in community of a head born on birth earning wage a month
// and children, in tiers (household-wide, from 2023); it returns its id, the head's person id
// and ID number.
func (f *flowFixture) household(community string, birth civil.Date, wage money.Fen, children int, tiers ...registry.Tier) (int64, int64, string) {
	f.t.Helper()
	f.seq++
	var members []registry.PersonInput
	var head string
	for i := 0; i <= children; i++ {
		rel, born := registry.Child, civil.Date{Year: 2012, Month: 3, Day: 1 + i}
		if i == 0 {
			rel, born = registry.Head, birth
		}
		id := idcard.Synthesize(community[:6], born, f.seq*10+i)
		if i == 0 {
			head = string(id)
		}
		m := registry.PersonInput{Name: "测试" + string(rune('甲'+i)), IDNumber: string(id), Relation: rel, WorkCapacity: "partial"}
		if i == 0 && wage > 0 {
			m.Incomes = []registry.Income{{Kind: registry.Wage, Monthly: wage}}
		}
		members = append(members, m)
	}
	in := registry.HouseholdInput{RegionCode: community, Address: "测试路 1 号", Hukou: registry.Urban, HukouRegion: community[:6],
		Members: members}
	for _, t := range tiers {
		in.Tiers = append(in.Tiers, registry.TierInput{Tier: t, MemberIndex: -1, ValidFrom: civil.Date{Year: 2023, Month: 1, Day: 1}})
	}
	hid, err := f.reg.Create(f.ctx, auth.System(), in)
	if err != nil {
		f.t.Fatal(err)
	}
	h, err := f.reg.Get(f.ctx, auth.System(), hid)
	if err != nil {
		f.t.Fatal(err)
	}
	return hid, h.Head().ID, head
}

// warningSpec is a warning as the ingest pipeline would raise it.
type warningSpec struct {
	rule, kind, region, tier, idNumber string
	person, household                  int64
}

// raise inserts an open warning directly (the ingest pipeline is tested on its own), raised
// now and due in 10 working days, and returns it as p reads it.
func (f *flowFixture) raise(p *auth.Principal, w warningSpec) *Warning {
	f.t.Helper()
	if w.rule == "" {
		w.rule = "medical_cost"
	}
	if w.kind == "" {
		w.kind = KindNeed
	}
	f.seq++
	hash := f.keys.Hash(pii.IDNumber, w.idNumber)
	if w.idNumber == "" {
		hash = fmt.Sprintf("%064x", f.seq)
	}
	var person, household any
	if w.person != 0 {
		person, household = w.person, w.household
	}
	now := db.FormatTime(f.clock.Now())
	due := f.s.cal().AddWorkingDays(f.today(), 10)
	var id int64
	if err := f.d.InTx(f.ctx, func(tx *db.Tx) error {
		return tx.QueryRow(f.ctx, `INSERT INTO monitor_warnings (rule, kind, subject_hash, period, person_id, household_id,
		region_code, tier, summary, evidence, state, due_date, created_at, updated_at)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 'open', ?, ?, ?) RETURNING id`, w.rule, w.kind, hash, fmt.Sprintf("2024-%d", f.seq),
			person, household, w.region, w.tier, "年度个人自付医疗费用 12000.00 元", `{"out_of_pocket":"12000.00","year":"2024"}`,
			due.String(), now, now).Scan(&id)
	}); err != nil {
		f.t.Fatal(err)
	}
	got, _, _, err := f.s.Warning(f.ctx, p, id)
	if err != nil {
		f.t.Fatal(err)
	}
	return got
}

// raiseFor raises a warning about the head of household hid of community.
func (f *flowFixture) raiseFor(p *auth.Principal, community string, hid, person int64, idNumber string) *Warning {
	f.t.Helper()
	return f.raise(p, warningSpec{region: community, person: person, household: hid, idNumber: idNumber})
}

// assign assigns w to login as p, failing the test on an error.
func (f *flowFixture) assign(p *auth.Principal, w *Warning, login string) *Warning {
	f.t.Helper()
	got, err := f.s.Assign(f.ctx, p, w.ID, w.Version, login, "")
	if err != nil {
		f.t.Fatalf("assign warning %d to %s as %s: %v", w.ID, login, p.Login, err)
	}
	return got
}

// visit records a visit today to w as p, failing the test on an error.
func (f *flowFixture) visit(p *auth.Principal, w *Warning) *Warning {
	f.t.Helper()
	got, err := f.s.RecordVisit(f.ctx, p, w.ID, w.Version, VisitInput{VisitedOn: f.today(), Findings: "入户核实，情况属实",
		Latitude: "36.1", Longitude: "120.4"}, "")
	if err != nil {
		f.t.Fatalf("visit warning %d as %s: %v", w.ID, p.Login, err)
	}
	return got
}

// dibao registers a household of area a and carries its 低保 application through to approval
// (the clock moves a week for the notice): a decided, running 低保 entitlement.
func (f *flowFixture) dibao(a flowArea) (int64, int64, string, *assistance.Entitlement) {
	f.t.Helper()
	hid, person, head := f.household(a.community, civil.Date{Year: 1979, Month: 5, Day: 2}, money.Yuan(500), 1)
	in := assistance.Intake{Program: "dibao", RegionCode: a.street, ApplicantName: "测试甲", IDNumber: head,
		Phone: "13800001234", Address: "测试路 1 号", Hukou: "urban", Reason: "家庭收入低，生活困难"}
	app, err := f.cases.Submit(f.ctx, assistance.Applicant{Officer: a.officer}, in)
	if err != nil {
		f.t.Fatal(err)
	}
	for app.Status == assistance.StatusOpen || app.Status == assistance.StatusSubmitted {
		c, err := f.cases.Get(f.ctx, a.officer, app.ID)
		if err != nil || c.Current == nil {
			f.t.Fatalf("case %d at %q has no open step: %v", app.ID, app.CurrentStep, err)
		}
		who, act := a.officer, assistance.Action{Step: c.Current.Step, Version: app.Version}
		if c.Current.Level == assistance.District {
			who = a.approver
		}
		switch c.Current.Step {
		case assistance.StepAccept:
			act.Outcome = "accept"
		case assistance.StepVisit:
			act.Visit = &assistance.Visit{Investigators: []string{"王调查", "李调查"}, VisitedOn: f.today(),
				Living: "两室一厅，陈设简陋", Findings: "家庭成员情况与申报一致"}
		case assistance.StepNotice:
			f.clock.AdvanceDays(7)
		case assistance.StepApprove:
			act.Outcome, act.Note = "approve", "经审核"
		}
		if app, err = f.cases.Act(f.ctx, who, app.ID, act); err != nil {
			f.t.Fatalf("%s on case %d: %v", act.Step, app.ID, err)
		}
	}
	if app.Status != assistance.StatusDecided {
		f.t.Fatalf("低保 case %d ended %s", app.ID, app.Status)
	}
	ents, err := f.cases.Entitlements(f.ctx, a.approver, hid)
	if err != nil || len(ents) != 1 {
		f.t.Fatalf("entitlements of household %d: %v %v", hid, ents, err)
	}
	return hid, person, head, ents[0]
}

// wantErr fails the test unless err is an apperr of kind, with code key (when given) and field
// (when given).
func wantErr(t *testing.T, err error, kind apperr.Kind, key, field string) {
	t.Helper()
	var e *apperr.Error
	if !errors.As(err, &e) {
		t.Fatalf("err = %v, want %s (%s)", err, key, field)
	}
	if e.Kind != kind || (key != "" && e.Code != key) || (field != "" && e.Field != field) {
		t.Fatalf("err = kind %d code %s field %q (%v), want kind %d code %s field %q", e.Kind, e.Code, e.Field, e, kind, key, field)
	}
}

// monday is the day the workflow tests start: a Monday without holidays around it.
var monday = civil.Date{Year: 2024, Month: 3, Day: 4}

// born1979 is the birth date of a working-age household head.
var born1979 = civil.Date{Year: 1979, Month: 5, Day: 2}

// ids lists the ids of warnings, in order.
func ids(ws []Warning) []int64 {
	out := []int64{}
	for _, w := range ws {
		out = append(out, w.ID)
	}
	return out
}
