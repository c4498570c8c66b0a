package app

import (
	"errors"

	"github.com/minzheng/minzheng/internal/assistance"
	"github.com/minzheng/minzheng/internal/civil"
	"github.com/minzheng/minzheng/internal/money"
)

// The programs of the demo's cases: those whose workflow has a public notice (公示), and those
// that pay monthly and can be granted (the recognitions of 低保边缘, 刚性支出困难 and 因病致贫 pay
// nothing, and the store approves only what pays).
var (
	demoNoticePrograms = []string{"dibao", "tekun", "dibao_edge", "rigid_expense"}
	demoMonthly        = []string{"dibao", "tekun", "disability_living", "disability_care", "vulnerable_child", "de_facto_orphan"}
)

// rotate is list starting at a seeded place, so that recipes spread over the programs.
func (g *demoGen) rotate(list []string) []string {
	i := g.rnd.IntN(len(list))
	return append(append([]string(nil), list[i:]...), list[:i]...)
}

// monthly is a spec for one of programs, with the details a children's allowance needs.
func (g *demoGen) monthly(programs []string, start civil.Date) demoApply {
	spec := demoApply{programs: programs, eligible: true, start: start, pace: 1 + g.rnd.IntN(2)}
	if len(programs) == 1 && (programs[0] == "vulnerable_child" || programs[0] == "de_facto_orphan") {
		spec.details = demoChildOf(programs[0])
	}
	return spec
}

// demoRecipe makes one or a few related cases in a street.
type demoRecipe func(g *demoGen, street string, wide bool) error

// demoOpenAt files a case w working days ago and leaves it at step stop (accept: filed online).
func demoOpenAt(stop string, w int) demoRecipe {
	return func(g *demoGen, street string, wide bool) error {
		programs := demoNoticePrograms
		if stop == assistance.StepMeeting {
			programs = programs[:3] // the programs with 民主评议
		}
		spec := g.monthly(g.rotate(programs), g.back(w))
		spec.stop, spec.online, spec.pace = stop, stop == assistance.StepAccept, 1
		spec.meeting = stop == assistance.StepMeeting
		_, err := g.apply(street, wide, spec)
		return err
	}
}

// demoGridVisit leaves a case at its home visit in the grid worker's community, so the grid worker
// has a visit to record.
func demoGridVisit(g *demoGen, street string, wide bool) error {
	if g.grid == nil || street != demoStreet {
		return errNoHousehold
	}
	spec := g.monthly(g.rotate(demoNoticePrograms), g.back(1))
	spec.stop, spec.only = assistance.StepVisit, g.gridCommunity
	if _, err := g.apply(street, false, spec); !errors.Is(err, errNoHousehold) {
		return err
	}
	spec.eligible = false // a family may apply and be refused later; the visit is still due
	_, err := g.apply(street, false, spec)
	return err
}

// demoRefused is an online application the street does not accept (不予受理).
func demoRefused(g *demoGen, street string, wide bool) error {
	spec := g.monthly(g.rotate(demoNoticePrograms), g.back(6))
	spec.stop, spec.online, spec.eligible = assistance.StepAccept, true, false
	f, err := g.apply(street, wide, spec)
	if err != nil {
		return err
	}
	f.on(g.back(5))
	f.a, err = g.cases.Act(g.ctx, f.crew.officer, f.a.ID, assistance.Action{Step: assistance.StepAccept, Version: f.a.Version,
		Outcome: "refuse", Note: "申请材料不齐全，经一次性告知后申请人未在规定期限内补正，不予受理。"})
	return err
}

// demoApprovalAt leaves a case with the district approver, its approval opened about w working days
// ago: w small waits in time, w large is overdue.
func demoApprovalAt(w int, notice bool) demoRecipe {
	return func(g *demoGen, street string, wide bool) error {
		programs, start := demoNoticePrograms, w+6
		if !notice {
			programs, start = []string{"disability_living", "disability_care"}, w+2
		}
		spec := g.monthly(g.rotate(programs), g.back(start))
		spec.stop, spec.pace = assistance.StepApprove, 1
		_, err := g.apply(street, wide, spec)
		return err
	}
}

// demoNoticeObjection leaves a case in its public notice with an objection from a neighbour.
func demoNoticeObjection(g *demoGen, street string, wide bool) error {
	spec := g.monthly(g.rotate(demoNoticePrograms[:3]), g.back(4))
	spec.stop, spec.pace = assistance.StepNotice, 1
	f, err := g.apply(street, wide, spec)
	if err != nil {
		return err
	}
	f.on(g.back(1))
	_, err = g.cases.FileObjection(g.ctx, f.a.ID, "", "", "听说该户家里有一辆小汽车，子女也有稳定工作，请核实。", "")
	return err
}

// demoObjectionSettled carries a case through a notice with an objection that the street resolves:
// dismissed, after which the case is decided; or upheld, which reopens the home visit.
func demoObjectionSettled(upheld bool) demoRecipe {
	return func(g *demoGen, street string, wide bool) error {
		w := 40
		if upheld {
			w = 6
		}
		spec := g.monthly(g.rotate(demoNoticePrograms[:3]), g.back(w))
		spec.stop, spec.pace = assistance.StepNotice, 1
		f, err := g.apply(street, wide, spec)
		if err != nil {
			return err
		}
		f.on(g.cal.AddWorkingDays(f.day, 1))
		oid, err := g.cases.FileObjection(g.ctx, f.a.ID, "", "", "该户申报的收入与实际不符，请重新调查。", "")
		if err != nil {
			return err
		}
		f.on(g.cal.AddWorkingDays(f.day, 1))
		resolution := "经再次核实，该户收入与申报一致，异议不成立。"
		if upheld {
			resolution = "异议反映的情况需进一步核实，重新入户调查。"
		}
		if f.a, err = g.cases.ResolveObjection(g.ctx, f.crew.officer, f.a.ID, f.a.Version, oid, upheld, resolution, ""); err != nil || upheld {
			return err
		}
		_, err = f.until("", "approve", "经审核，符合条件，同意给予救助。")
		return err
	}
}

// demoExtended is a case whose time limit the district extended (30 → 45 working days).
func demoExtended(g *demoGen, street string, wide bool) error {
	spec := g.monthly(g.rotate(demoNoticePrograms), g.back(16))
	spec.stop, spec.pace = assistance.StepApprove, 1
	f, err := g.apply(street, wide, spec)
	if err != nil {
		return err
	}
	f.on(g.back(2))
	_, err = g.cases.Extend(g.ctx, f.crew.approver, f.a.ID, f.a.Version, "需调取不动产及车辆登记信息进一步核实，延长办理期限。", "")
	return err
}

// demoWithdrawn is a case the family withdrew before the visit.
func demoWithdrawn(g *demoGen, street string, wide bool) error {
	spec := g.monthly(g.rotate(demoNoticePrograms), g.back(6))
	spec.stop = assistance.StepVisit
	f, err := g.apply(street, wide, spec)
	if err != nil {
		return err
	}
	f.on(g.back(4))
	_, err = g.cases.Withdraw(g.ctx, f.crew.officer, f.a.ID, f.a.Version, "申请人家庭成员已就业，主动申请撤回。", "")
	return err
}

// demoTemporaryCase is a 临时救助: 支出型 of expense yuan, or 急难型 (expense 0), filed w working days
// ago and left at stop ("" decides it).
func demoTemporaryCase(w int, expense int64, stop string) demoRecipe {
	return func(g *demoGen, street string, wide bool) error {
		spec := demoApply{programs: []string{"temporary"}, subtype: "expense", eligible: true, start: g.back(w), stop: stop,
			pace: 1 + g.rnd.IntN(2)}
		if expense > 0 {
			amount := money.Yuan(expense + int64(g.rnd.IntN(10))*100)
			spec.details = func(*demoCandidate, civil.Date) (assistance.Details, bool) {
				return assistance.Details{Expense: amount}, true
			}
			spec.council = min(amount, money.Yuan(12000))
		} else {
			severity := 1 + g.rnd.IntN(3)
			spec.subtype, spec.advance = "emergency", money.Yuan(int64(1000+500*g.rnd.IntN(3)))
			spec.details = func(*demoCandidate, civil.Date) (assistance.Details, bool) {
				return assistance.Details{Severity: severity}, true
			}
			if stop == assistance.StepComplete {
				spec.pace = 0
			}
		}
		_, err := g.apply(street, wide, spec)
		return err
	}
}

// demoApproved is a monthly program granted: a case filed about days calendar days ago and decided.
func demoApproved(program string, days int) demoRecipe {
	return func(g *demoGen, street string, wide bool) error {
		programs := []string{program}
		if program == "" {
			programs = g.rotate(demoMonthly)
		}
		_, err := g.grant(street, wide, programs, days)
		return err
	}
}

// grant files one of programs about days calendar days ago and carries it to approval.
func (g *demoGen) grant(street string, wide bool, programs []string, days int) (*demoFlow, error) {
	var last error = errNoHousehold
	for _, p := range programs {
		f, err := g.apply(street, wide, g.monthly([]string{p}, g.daysBack(days)))
		if err == nil || !skippable(err) {
			return f, err
		}
		last = err
	}
	return nil, last
}
