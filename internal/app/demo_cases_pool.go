package app

import (
	"context"
	"fmt"
	"math/rand/v2"
	"slices"
	"strconv"

	"github.com/minzheng/minzheng/internal/assistance"
	"github.com/minzheng/minzheng/internal/auth"
	"github.com/minzheng/minzheng/internal/benefit"
	"github.com/minzheng/minzheng/internal/civil"
	"github.com/minzheng/minzheng/internal/policy"
	"github.com/minzheng/minzheng/internal/registry"
)

// demoCandidate is a household the demo may file cases for, as the registry's Each reads it (no
// names), with what the generation learns about it on the way.
type demoCandidate struct {
	h      *registry.Household
	street string
	// full is the household with names and address, and headID the head's ID number, read
	// when it is first chosen.
	full          *registry.Household
	headID, phone string
	// used holds the programs it has a case for; uses counts its cases.
	used map[string]bool
	uses int
}

// demoPool is every household of the city, by street in a seeded order.
type demoPool struct {
	byStreet map[string][]*demoCandidate
	streets  []string // in seeded order
	n        int
	// perCommunity counts the households of each community.
	perCommunity map[string]int
}

func loadDemoPool(ctx context.Context, svc *services, rnd *rand.Rand) (*demoPool, error) {
	p := &demoPool{byStreet: map[string][]*demoCandidate{}, perCommunity: map[string]int{}}
	err := svc.registry.Each(ctx, auth.System(), func(h *registry.Household) error {
		if len(h.RegionCode) < 9 || len(h.Members) == 0 {
			return nil
		}
		street := h.RegionCode[:9]
		if _, ok := p.byStreet[street]; !ok {
			p.streets = append(p.streets, street)
		}
		p.byStreet[street] = append(p.byStreet[street], &demoCandidate{h: h, street: street, used: map[string]bool{}})
		p.n++
		p.perCommunity[h.RegionCode]++
		return nil
	})
	if err != nil {
		return nil, err
	}
	rnd.Shuffle(len(p.streets), func(i, j int) { p.streets[i], p.streets[j] = p.streets[j], p.streets[i] })
	for _, s := range p.streets {
		list := p.byStreet[s]
		rnd.Shuffle(len(list), func(i, j int) { list[i], list[j] = list[j], list[i] })
	}
	return p, nil
}

// demoNeed is what a recipe asks of a household for a program: the details of the application
// (false when the household has nothing to apply with, e.g. no child), and whether the
// calculator must find it eligible on the given day.
type demoNeed struct {
	program, subtype string
	details          func(c *demoCandidate, on civil.Date) (assistance.Details, bool)
	// eligible asks the calculator to find the household eligible, and payable also to find an
	// amount: 低保边缘, 刚性支出困难 and 因病致贫 are recognitions without a monthly amount, which
	// the store does not approve yet (it grants only a positive amount).
	eligible, payable bool
	on                civil.Date
	// only limits the choice to one community (the grid worker's); reuse prefers a household
	// that already has a case to one without.
	only  string
	reuse bool
}

// choose finds a household for need: in street first, then (if wide) elsewhere in its district,
// then anywhere; a household without a case first (with one, for reuse), then any. The household is marked as having
// a case of the program, so that it is not chosen twice for it.
func (g *demoGen) choose(street string, wide bool, need demoNeed) (*demoCandidate, assistance.Details, bool) {
	var lists [][]*demoCandidate
	lists = append(lists, g.pool.byStreet[street])
	if wide {
		var district, rest []*demoCandidate
		for _, s := range g.pool.streets {
			if s == street {
				continue
			}
			if s[:6] == street[:6] {
				district = append(district, g.pool.byStreet[s]...)
			} else {
				rest = append(rest, g.pool.byStreet[s]...)
			}
		}
		lists = append(lists, district, rest)
	}
	for _, list := range lists {
		for pass := 0; pass < 2; pass++ {
			for _, c := range list {
				preferred := c.uses == 0
				if need.reuse {
					preferred = c.uses > 0
				}
				if c.used[need.program] || (pass == 0) != preferred || (need.only != "" && c.h.RegionCode != need.only) {
					continue
				}
				det := assistance.Details{}
				if need.details != nil {
					var ok bool
					if det, ok = need.details(c, need.on); !ok {
						continue
					}
				}
				if need.eligible || need.payable {
					eligible, payable := g.eligible(c, need.program, need.subtype, det, need.on)
					if !eligible || (need.payable && !payable) {
						continue
					}
				}
				c.used[need.program] = true
				c.uses++
				return c, det, true
			}
		}
	}
	return nil, assistance.Details{}, false
}

// eligible runs the program's calculator on the household as the registry holds it, on day on,
// for a household that looks like the program's at all (its tier, a disability, an illness),
// and says whether it is eligible and whether it would be paid; the verdict is kept for the month.
func (g *demoGen) eligible(c *demoCandidate, program, subtype string, det assistance.Details, on civil.Date) (bool, bool) {
	if !plausible(c.h, program) {
		return false, false
	}
	key := fmt.Sprintf("%d|%s|%s|%d|%d|%d|%s", c.h.ID, program, subtype, det.Expense, det.Severity, det.ChildPersonID, civil.MonthOf(on))
	if v, ok := g.verdicts[key]; ok {
		return v[0], v[1]
	}
	eligible, payable := g.calculate(c, program, subtype, det, on)
	g.verdicts[key] = [2]bool{eligible, payable}
	return eligible, payable
}

func (g *demoGen) calculate(c *demoCandidate, program, subtype string, det assistance.Details, on civil.Date) (bool, bool) {
	req := benefit.Request(c.h, program, on)
	for i := range req.Members {
		req.Members[i].ID = strconv.Itoa(i)
	}
	req.Expenditure = det.Expenditure
	if program == "temporary" {
		req.Temporary = &policy.Temporary{Type: subtype, Severity: det.Severity, Expense: det.Expense, Requested: det.Requested}
	}
	if det.ChildPersonID != 0 {
		for i, m := range c.h.Members {
			if m.ID == det.ChildPersonID {
				req.Child = &policy.Child{MemberID: strconv.Itoa(i), Institutional: det.Institutional}
			}
		}
	}
	res, err := policy.Evaluate(g.set, req)
	if err != nil || !res.Eligible {
		return false, false
	}
	return true, res.MonthlyAmount > 0 || res.OneOff > 0
}

// plausible says whether a household is worth asking the calculator about for program: the
// demo city's households carry the tier their circumstances fit (DOMAIN.md §9), and the programs
// for the disabled and the ill need such a member.
func plausible(h *registry.Household, program string) bool {
	tier := map[string]registry.Tier{"dibao": registry.Dibao, "tekun": registry.Tekun, "dibao_edge": registry.DibaoEdge,
		"rigid_expense": registry.RigidExpense}
	if t, ok := tier[program]; ok {
		return slices.ContainsFunc(h.Tiers, func(s registry.TierSpan) bool { return s.Tier == t })
	}
	switch program {
	case "disability_living", "disability_care":
		return slices.ContainsFunc(h.Members, func(m registry.Person) bool { return m.Disability.Grade > 0 })
	case "illness_poverty":
		return slices.ContainsFunc(h.Members, func(m registry.Person) bool { return m.SeriousIllness })
	}
	return true
}

// demoChildOf names a minor of the household for a children's allowance: for 事实无人抚养儿童 a
// grandchild in a household without the child's parents, otherwise a child of a household that
// is poor or cares for a disabled member (重点困境儿童).
func demoChildOf(program string) func(c *demoCandidate, on civil.Date) (assistance.Details, bool) {
	return func(c *demoCandidate, on civil.Date) (assistance.Details, bool) {
		parents, poor := false, false
		for _, m := range c.h.Members {
			if m.Relation == registry.Child && m.AgeOn(on) >= 18 {
				parents = true // a grandchild's parent lives with it
			}
			poor = poor || m.Disability.Grade > 0
		}
		for _, t := range c.h.Tiers {
			poor = poor || slices.Contains([]registry.Tier{registry.Dibao, registry.Tekun, registry.DibaoEdge}, t.Tier)
		}
		for _, m := range c.h.Members {
			if m.AgeOn(on) >= 17 {
				continue
			}
			switch {
			case program == "de_facto_orphan" && m.Relation == registry.Grandchild && !parents:
				return assistance.Details{ChildPersonID: m.ID}, true
			case program == "vulnerable_child" && poor && (m.Relation == registry.Child || m.Relation == registry.Grandchild):
				return assistance.Details{ChildPersonID: m.ID}, true
			}
		}
		return assistance.Details{}, false
	}
}
