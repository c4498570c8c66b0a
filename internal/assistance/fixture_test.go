package assistance

import (
	"context"
	"github.com/minzheng/minzheng/internal/civil/civiltest"
	"testing"

	"github.com/minzheng/minzheng/internal/audit"
	"github.com/minzheng/minzheng/internal/auth"
	"github.com/minzheng/minzheng/internal/civil"
	"github.com/minzheng/minzheng/internal/db"
	"github.com/minzheng/minzheng/internal/idcard"
	"github.com/minzheng/minzheng/internal/money"
	"github.com/minzheng/minzheng/internal/pii"
	"github.com/minzheng/minzheng/internal/policy/paramdb"
	"github.com/minzheng/minzheng/internal/region"
	"github.com/minzheng/minzheng/internal/registry"
	"github.com/minzheng/minzheng/internal/synth"
)

// fixture is a store over a fresh database with the regions, parameters and principals a case
// needs.
type fixture struct {
	t         *testing.T
	ctx       context.Context
	s         *Store
	clock     *civiltest.Clock
	community string
	officer   *auth.Principal // street officer of 370212001
	grid      *auth.Principal
	approver  *auth.Principal // district approver of 370212
	other     *auth.Principal // street officer of another street
	seq       int
}

func newFixture(t *testing.T, d *db.DB, start civil.Date) *fixture {
	t.Helper()
	ctx := context.Background()
	ck := &civiltest.Clock{}
	ck.To(start)
	if _, err := synth.Regions(ctx, d, 1); err != nil {
		t.Fatal(err)
	}
	keys, err := pii.GenerateKeyring()
	if err != nil {
		t.Fatal(err)
	}
	log := &audit.Log{Now: ck.Now}
	reg := &registry.Store{DB: d, Keys: keys, Audit: log, Now: ck.Now}
	params := &paramdb.Store{DB: d, Audit: log, Now: ck.Now}
	if err := params.Seed(ctx); err != nil {
		t.Fatal(err)
	}
	tree, err := region.LoadTree(ctx, d, "370212001")
	if err != nil {
		t.Fatal(err)
	}
	return &fixture{t: t, ctx: ctx, clock: ck, community: tree.Children("370212001")[0].Code,
		s:        &Store{DB: d, Keys: keys, Audit: log, Registry: reg, Params: params, Now: ck.Now},
		officer:  &auth.Principal{UserID: 0, Login: "zhonghan", Role: auth.StreetOfficer, Scope: "370212001"},
		grid:     &auth.Principal{Login: "grid", Role: auth.GridWorker, Scope: region.Scope(tree.Children("370212001")[0].Code)},
		approver: &auth.Principal{Login: "laoshan", Role: auth.DistrictApprover, Scope: "370212"},
		other:    &auth.Principal{Login: "badaguan", Role: auth.StreetOfficer, Scope: "370202009"},
	}
}

// household registers a household of the given members' monthly wages (fen) and returns its
// id and the head's ID number. Birth years make the head 45 unless ages say otherwise.
func (f *fixture) household(wages ...money.Fen) (int64, string) {
	f.t.Helper()
	f.seq++
	var members []registry.PersonInput
	var headID string
	for i, w := range wages {
		rel := registry.Child
		birth := civil.Date{Year: 2010, Month: 3, Day: 1 + i}
		if i == 0 {
			rel, birth = registry.Head, civil.Date{Year: 1979, Month: 5, Day: 2}
		}
		id := idcard.Synthesize("370212", birth, f.seq*10+i)
		if i == 0 {
			headID = string(id)
		}
		m := registry.PersonInput{Name: "测试" + string(rune('甲'+i)), IDNumber: string(id), Relation: rel, WorkCapacity: "partial"}
		if w > 0 {
			m.Incomes = []registry.Income{{Kind: registry.Wage, Monthly: w}}
		}
		members = append(members, m)
	}
	id, err := f.s.Registry.Create(f.ctx, auth.System(), registry.HouseholdInput{RegionCode: f.community, Address: "测试路 1 号",
		Hukou: registry.Urban, HukouRegion: "370212", Members: members})
	if err != nil {
		f.t.Fatal(err)
	}
	return id, headID
}

// intake is a window application for program by the head of a household.
func (f *fixture) intake(program, idNumber string) Intake {
	return Intake{Program: program, RegionCode: "370212001", ApplicantName: "测试甲", IDNumber: idNumber, Phone: "13800001234",
		Address: "测试路 1 号", Hukou: "urban", Reason: "家庭收入低，生活困难"}
}

// act performs act on case a's current step and fails the test on an error.
func (f *fixture) act(p *auth.Principal, a *Application, act Action) *Application {
	f.t.Helper()
	act.Version = a.Version
	if act.Step == "" {
		act.Step = a.CurrentStep
	}
	got, err := f.s.Act(f.ctx, p, a.ID, act)
	if err != nil {
		f.t.Fatalf("%s on case %d: %v", act.Step, a.ID, err)
	}
	return got
}

// visit is a valid home-visit record dated today.
func (f *fixture) visit(meeting bool) *Visit {
	return &Visit{Investigators: []string{"王调查", "李调查"}, VisitedOn: civil.Today(f.clock.Now()), Living: "两室一厅，陈设简陋",
		Findings: "家庭成员情况与申报一致", NeedsMeeting: meeting}
}
