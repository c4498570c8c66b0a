package app

import (
	"errors"
	"time"

	"github.com/minzheng/minzheng/internal/assistance"
	"github.com/minzheng/minzheng/internal/auth"
	"github.com/minzheng/minzheng/internal/civil"
	"github.com/minzheng/minzheng/internal/money"
)

// demoApply is one application a recipe files and how far it is carried.
type demoApply struct {
	// programs are tried in order until one finds a household; subtype and details as the
	// program needs them; eligible asks the calculator to agree on the day of filing.
	programs []string
	subtype  string
	details  func(c *demoCandidate, on civil.Date) (assistance.Details, bool)
	eligible bool
	only     string // a community the household must live in
	online   bool
	start    civil.Date
	pace     int
	meeting  bool
	advance  money.Fen
	council  money.Fen
	// stop is the step the case rests at; "" carries it to a decision with outcome and note.
	stop, outcome, note string
}

// errNotReached says a case could not get as far as its recipe meant by today.
var errNotReached = errors.New("case did not reach its step by today")

// apply files spec for a household of street (or, when wide, of its district or the city) and
// carries it as far as spec says. A household whose case fails for a reason of its own (the
// calculator refuses it on the day of the decision, say) is replaced by the next, twice at most.
func (g *demoGen) apply(street string, wide bool, spec demoApply) (*demoFlow, error) {
	if spec.pace == 0 && spec.advance == 0 {
		spec.pace = 1
	}
	if spec.outcome == "" {
		spec.outcome, spec.note = "approve", "经审核，符合条件，同意给予救助。"
	}
	var last error = errNoHousehold
	for attempt := 0; attempt < 3; attempt++ {
		var c *demoCandidate
		var det assistance.Details
		var program string
		for _, p := range spec.programs {
			var ok bool
			need := demoNeed{program: p, subtype: spec.subtype, details: spec.details, eligible: spec.eligible, on: spec.start,
				only: spec.only, payable: spec.eligible && (spec.stop == "" || spec.stop == assistance.StepApprove)}
			if c, det, ok = g.choose(street, wide, need); ok {
				program = p
				break
			}
		}
		if c == nil {
			return nil, last
		}
		f, err := g.file(c, program, spec, det)
		if err == nil {
			var reached bool
			if reached, err = f.until(spec.stop, spec.outcome, spec.note); err == nil && !reached {
				return f, errNotReached
			}
		}
		if err == nil || !skippable(err) {
			return f, err
		}
		last = err
	}
	return nil, last
}

// file submits the application of household c for program on the recipe's start day: at the
// window by the street officer (accepted on the spot), or online by the family (waiting for the
// street to accept it).
func (g *demoGen) file(c *demoCandidate, program string, spec demoApply, det assistance.Details) (*demoFlow, error) {
	if err := g.person(c); err != nil {
		return nil, err
	}
	f := &demoFlow{g: g, c: c, crew: g.crew(c.street), pace: spec.pace, meeting: spec.meeting, advance: spec.advance,
		council: spec.council}
	g.clock.last = time.Time{}
	f.on(spec.start)
	head := c.full.Head()
	if head == nil {
		head = &c.full.Members[0]
	}
	subtype := ""
	if program == "temporary" {
		subtype = spec.subtype
	}
	in := assistance.Intake{Program: program, Subtype: subtype, RegionCode: c.street, HouseholdID: c.h.ID,
		ApplicantName: head.Name, IDNumber: c.headID, Phone: c.phone, Address: c.full.Address, Hukou: string(c.full.Hukou),
		Reason: demoReason(program, subtype), Details: det}
	by := assistance.Applicant{Officer: f.crew.officer}
	if spec.online {
		by = assistance.Applicant{}
	}
	a, err := g.cases.Submit(g.ctx, by, in)
	if err != nil {
		return nil, err
	}
	g.made++
	f.a = a
	return f, nil
}

// follow is a flow for a case derived from f's (a review or an appeal), starting on day.
func (f *demoFlow) follow(a *assistance.Application, day civil.Date) *demoFlow {
	return &demoFlow{g: f.g, c: f.c, crew: f.crew, a: a, day: day, pace: max(f.pace, 1)}
}

// decision is the latest decision of f's case of one of kinds.
func (f *demoFlow) decision(kinds ...string) (assistance.Decision, bool) {
	c, err := f.g.cases.Get(f.g.ctx, auth.System(), f.a.ID)
	if err != nil {
		return assistance.Decision{}, false
	}
	for i := len(c.Decisions) - 1; i >= 0; i-- {
		for _, k := range kinds {
			if c.Decisions[i].Kind == k {
				return c.Decisions[i], true
			}
		}
	}
	return assistance.Decision{}, false
}

// entitlement is the monthly entitlement f's case granted.
func (f *demoFlow) entitlement() (*assistance.Entitlement, error) {
	d, ok := f.decision(assistance.DecisionApprove, assistance.DecisionOverturn)
	if !ok {
		return nil, errNotReached
	}
	ents, err := f.g.cases.Entitlements(f.g.ctx, auth.System(), f.c.h.ID)
	if err != nil {
		return nil, err
	}
	for _, e := range ents {
		if e.DecisionID == d.ID && e.OneOff == 0 {
			return e, nil
		}
	}
	return nil, errNotReached
}

// demoReason is what the family writes as the reason of its application.
func demoReason(program, subtype string) string {
	if program == "temporary" {
		program += "." + subtype
	}
	if r, ok := demoReasons[program]; ok {
		return r
	}
	return "家庭生活困难，申请社会救助。"
}

var demoReasons = map[string]string{
	"dibao":               "家庭人均收入低于当地低保标准，生活困难，申请最低生活保障。",
	"tekun":               "无劳动能力、无生活来源、无法定赡养抚养扶养义务人，申请特困人员救助供养。",
	"dibao_edge":          "家庭人均收入略高于低保标准，生活仍很困难，申请低保边缘家庭认定。",
	"rigid_expense":       "家庭医疗、教育等刚性支出较大，申请刚性支出困难家庭认定。",
	"illness_poverty":     "家庭成员患重病，自付医疗费用负担沉重，申请因病致贫重病患者认定。",
	"temporary.emergency": "家中突发变故，基本生活陷入困境，申请急难型临时救助。",
	"temporary.expense":   "因医疗等必需支出突然增加，超出家庭承受能力，申请支出型临时救助。",
	"vulnerable_child":    "家中儿童属重点困境儿童，申请儿童基本生活费。",
	"de_facto_orphan":     "儿童父母无法履行抚养义务，由祖父母照料，申请事实无人抚养儿童基本生活补贴。",
	"disability_living":   "家庭成员持有残疾人证，家庭经济困难，申请困难残疾人生活补贴。",
	"disability_care":     "家庭成员为重度残疾，需要长期照护，申请重度残疾人护理补贴。",
}
