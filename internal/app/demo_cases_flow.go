package app

import (
	"time"

	"github.com/minzheng/minzheng/internal/assistance"
	"github.com/minzheng/minzheng/internal/auth"
	"github.com/minzheng/minzheng/internal/civil"
	"github.com/minzheng/minzheng/internal/money"
)

// demoClock is the clock of the demo's case store. It is set to the office hours of the day an
// act happens, always forward within one case, and never past the real now it was made at.
type demoClock struct {
	t, last, limit time.Time
}

// Now is the store's clock.
func (c *demoClock) Now() time.Time { return c.t }

// to moves the clock to a time during the office hours of day d (minute picked by the caller).
func (c *demoClock) to(d civil.Date, minute int) {
	t := time.Date(d.Year, d.Month, d.Day, 8, 30, 0, 0, civil.China).Add(time.Duration(minute) * time.Minute)
	if !t.After(c.last) {
		t = c.last.Add(7 * time.Minute)
	}
	if t.After(c.limit) {
		t = c.limit
	}
	c.t, c.last = t, t
}

// demoFlow is one demo case on its way through the workflow: the household, the people who act
// on it, and the day of its latest act.
type demoFlow struct {
	g    *demoGen
	c    *demoCandidate
	crew *demoCrew
	a    *assistance.Application
	day  civil.Date
	// pace is the working days between two acts; meeting asks the visit for 民主评议; advance
	// and council are the amounts of 先行救助 and 一事一议.
	pace    int
	meeting bool
	advance money.Fen
	council money.Fen
}

// on makes d the day of the next act and sets the clock to it.
func (f *demoFlow) on(d civil.Date) {
	if d.Before(f.day) {
		d = f.day
	}
	f.day = d
	f.g.clock.to(d, f.g.rnd.IntN(480))
}

// open reports whether the case still waits for a step.
func (f *demoFlow) open() bool {
	return f.a.Status == assistance.StatusOpen || f.a.Status == assistance.StatusSubmitted
}

// until carries the case forward step by step, each act pace working days after the last, and
// stops when stop is the current step, when the case is decided, or when the next act would fall
// after today (the case then rests where it is). It reports whether it reached stop (or, for
// stop "", a decision). Approval ends with outcome and note.
func (f *demoFlow) until(stop, outcome, note string) (bool, error) {
	g := f.g
	for f.open() {
		if f.a.CurrentStep == stop {
			return true, nil
		}
		st, err := f.current()
		if err != nil || st == nil {
			return false, err
		}
		next := g.cal.AddWorkingDays(f.day, f.pace)
		if st.Step == assistance.StepNotice && st.Data.Notice != nil {
			next = st.Data.Notice.To.AddDays(1)
			for !g.cal.IsWorkingDay(next) {
				next = next.AddDays(1)
			}
		}
		if next.After(g.today) {
			return false, nil
		}
		f.on(next)
		who, act := f.action(st, outcome, note)
		act.Step, act.Version = st.Step, f.a.Version
		if f.a, err = g.cases.Act(g.ctx, who, f.a.ID, act); err != nil {
			return false, err
		}
	}
	return stop == "", nil
}

// current is the open step of the case: its level from the workflow, or, for a notice (whose
// dates are needed) and a level that depends on the amount, as the store has it.
func (f *demoFlow) current() (*assistance.Step, error) {
	wf, err := assistance.WorkflowFor(f.a.Kind, f.a.Program, f.a.Subtype)
	if err != nil {
		return nil, err
	}
	def, ok := wf.Step(f.a.CurrentStep)
	if ok && def.Level != assistance.ByAmount && def.Step != assistance.StepNotice {
		return &assistance.Step{Step: def.Step, Level: def.Level}, nil
	}
	c, err := f.g.cases.Get(f.g.ctx, auth.System(), f.a.ID)
	if err != nil {
		return nil, err
	}
	return c.Current, nil
}

// action is who performs step st and what they record.
func (f *demoFlow) action(st *assistance.Step, outcome, note string) (*auth.Principal, assistance.Action) {
	g, day := f.g, f.day
	who := f.crew.officer
	if st.Level == assistance.District {
		who = f.crew.approver
	}
	var act assistance.Action
	switch st.Step {
	case assistance.StepAccept:
		act.Outcome, act.HouseholdID = "accept", f.c.h.ID
	case assistance.StepVisit:
		if g.grid != nil && f.a.RegionCode == g.gridCommunity {
			who = g.grid
		}
		act.Visit = &assistance.Visit{Investigators: g.investigators(), VisitedOn: day, Living: demoPick(g, demoLiving),
			Findings: demoPick(g, demoFindings), NeedsMeeting: f.meeting}
	case assistance.StepMeeting:
		n := 7 + g.rnd.IntN(5)
		act.Meeting = &assistance.Meeting{HeldOn: day, Attendees: n, For: n - 1, Against: 0, Record: demoPick(g, demoMeetings)}
	case assistance.StepCouncil:
		act.Council = &assistance.Council{HeldOn: day, Attendees: "区民政局分管副局长、社会救助科科长、街道办事处分管主任",
			Record: "经一事一议集体研究，同意按核实的必需支出给予临时救助。", Amount: f.council}
	case assistance.StepAdvance:
		act.Amount, act.Note = f.advance, "情况紧急，街道先行救助。"
	case assistance.StepComplete:
		act.Note = "已补齐身份证明、事故证明及相关票据。"
	case assistance.StepApprove:
		act.Outcome, act.Note = outcome, note
	}
	return who, act
}

// investigators are the two staff of a home visit.
func (g *demoGen) investigators() []string {
	i := g.rnd.IntN(len(demoStaff))
	j := (i + 1 + g.rnd.IntN(len(demoStaff)-1)) % len(demoStaff)
	return []string{demoStaff[i], demoStaff[j]}
}

// demoPick draws one of list.
func demoPick(g *demoGen, list []string) string { return list[g.rnd.IntN(len(list))] }

// Texts the demo's officers write. They are data of the synthetic city, like its names.
var (
	demoStaff    = []string{"王丽", "李强", "张敏", "刘洋", "陈静", "杨帆", "赵磊", "孙倩"}
	demoLiving   = []string{"两室一厅，陈设简陋，家电老旧", "租住一室，面积约 30 平方米", "老旧平房，冬季取暖困难", "自有住房一套，无其他房产"}
	demoFindings = []string{"家庭成员、收入与申报一致，无机动车及经营性财产", "主要劳动力患病，收入来源有限，与申报一致",
		"家中有残疾人需长期照料，收入与申报基本一致", "经邻里走访，家庭生活困难情况属实"}
	demoMeetings = []string{"评议小组一致认为该户生活困难情况属实，同意上报", "经民主评议，多数成员同意该户申请"}
)
