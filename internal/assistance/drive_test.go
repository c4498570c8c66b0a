package assistance

import (
	"github.com/minzheng/minzheng/internal/auth"
	"github.com/minzheng/minzheng/internal/civil"
	"github.com/minzheng/minzheng/internal/idcard"
	"github.com/minzheng/minzheng/internal/money"
	"github.com/minzheng/minzheng/internal/registry"
)

// member describes one person of a test household.
type member struct {
	birth      civil.Date
	wage       money.Fen
	disability int // grade, 0 for none
	ill        bool
	selfCare   []string // activities the person cannot do alone
}

// create registers a household of members (the first is the head) with optional spending and
// tiers, and returns its id, the head's ID number and the members' person ids.
func (f *fixture) create(members []member, spending money.Fen, tiers ...registry.Tier) (int64, string, []int64) {
	f.t.Helper()
	f.seq++
	in := registry.HouseholdInput{RegionCode: f.community, Address: "测试路 2 号", Hukou: registry.Urban, HukouRegion: "370212"}
	var head string
	for i, m := range members {
		id := idcard.Synthesize("370212", m.birth, f.seq*10+i)
		if i == 0 {
			head = string(id)
		}
		rel := registry.Child
		if i == 0 {
			rel = registry.Head
		}
		p := registry.PersonInput{Name: "成员" + string(rune('甲'+i)), IDNumber: string(id), Relation: rel, WorkCapacity: "none",
			SeriousIllness: m.ill}
		if m.wage > 0 {
			p.Incomes = []registry.Income{{Kind: registry.Wage, Monthly: m.wage}}
		}
		if len(m.selfCare) > 0 {
			p.SelfCare = registry.ParseSelfCare(m.selfCare)
		}
		if m.disability > 0 {
			p.Disability = registry.Disability{Kind: registry.Physical, Grade: m.disability, Certificate: string(id) + "11"}
		}
		in.Members = append(in.Members, p)
	}
	if spending > 0 {
		in.Spending = []registry.Spending{{Kind: registry.Medical, Amount: spending}}
	}
	for _, t := range tiers {
		in.Tiers = append(in.Tiers, registry.TierInput{Tier: t, MemberIndex: -1, ValidFrom: civil.Date{Year: 2023, Month: 1, Day: 1}})
	}
	hid, err := f.s.Registry.Create(f.ctx, auth.System(), in)
	if err != nil {
		f.t.Fatal(err)
	}
	h, _ := f.s.Registry.Get(f.ctx, auth.System(), hid)
	var ids []int64
	for _, m := range h.Members {
		ids = append(ids, m.ID)
	}
	return hid, head, ids
}

// drive carries case a from its current step to a decision with the given approval outcome,
// each step performed by the role its level names, moving the clock past the notice.
func (f *fixture) drive(a *Application, outcome string) *Application {
	f.t.Helper()
	for a.Status == StatusOpen || a.Status == StatusSubmitted {
		c, err := f.s.Get(f.ctx, f.officer, a.ID)
		if err != nil || c.Current == nil {
			f.t.Fatalf("case %d at %q has no open step: %v", a.ID, a.CurrentStep, err)
		}
		who := f.officer
		if c.Current.Level == District {
			who = f.approver
		}
		act := Action{}
		today := civil.Today(f.clock.Now())
		switch c.Current.Step {
		case StepAccept:
			act.Outcome = "accept"
		case StepVisit:
			act.Visit = f.visit(false)
		case StepMeeting:
			act.Meeting = &Meeting{HeldOn: today, Attendees: 7, For: 7, Record: "一致同意"}
		case StepNotice:
			f.clock.AdvanceDays(7)
		case StepCouncil:
			act.Council = &Council{HeldOn: today, Attendees: "区民政局局长、科长、街道主任", Record: "会议同意按实际支出救助", Amount: money.Yuan(9000)}
		case StepAdvance:
			act.Amount = money.Yuan(1000)
		case StepApprove:
			act.Outcome, act.Note = outcome, "经审核"
		}
		a = f.act(who, a, act)
	}
	return a
}
