package app

import (
	"github.com/minzheng/minzheng/internal/assistance"
)

// run makes the full set of 中韩街道, the smaller one of 八大关街道, and then a few cases in
// each of the other streets, in seeded order, until there is about one case for every
// demoCasesPerHousehold households.
func (g *demoGen) run() error {
	if err := g.kit(demoStreet, true, g.fullKit()); err != nil {
		return err
	}
	if err := g.kit(demoOtherStreet, true, g.smallKit()); err != nil {
		return err
	}
	target := min(demoCasesMax, g.pool.n/demoCasesPerHousehold)
	for _, street := range g.pool.streets {
		if g.made >= target {
			break
		}
		if street == demoStreet || street == demoOtherStreet {
			continue
		}
		n := min(10, len(g.pool.byStreet[street])/2+1)
		var recipes []demoRecipe
		for range n {
			recipes = append(recipes, g.drawRecipe())
		}
		if err := g.kit(street, false, recipes); err != nil {
			return err
		}
	}
	return nil
}

// kit runs recipes in street; a recipe that finds no household, or whose household does not
// qualify, is skipped.
func (g *demoGen) kit(street string, wide bool, recipes []demoRecipe) error {
	for _, r := range recipes {
		if err := r(g, street, wide); err != nil && !skippable(err) {
			return err
		}
	}
	return nil
}

// fullKit has a case in every state: every step of the workflows open (accept, visit, meeting,
// notice, council, advance, complete, approve), in time and overdue at street and district
// level; every program granted where a household qualifies; refusals, withdrawals, an
// extension, objections open, dismissed and upheld; appeals open and decided; reviews open and
// decided; entitlements suspended, tapering and ended; reviews falling due; services.
func (g *demoGen) fullKit() []demoRecipe {
	r := []demoRecipe{
		demoGridVisit,
		demoOpenAt(assistance.StepAccept, 1),
		demoOpenAt(assistance.StepAccept, 12), // overdue at the street
		demoRefused,
		demoOpenAt(assistance.StepVisit, 1),
		demoOpenAt(assistance.StepVisit, 15), // overdue at the street
		demoOpenAt(assistance.StepMeeting, 3),
		demoOpenAt(assistance.StepNotice, 4),
		demoNoticeObjection,
		demoApprovalAt(2, true),
		demoApprovalAt(3, false),
		demoApprovalAt(30, true), // overdue at the district
		demoExtended,
		demoWithdrawn,
		demoTemporaryCase(3, 15000, assistance.StepCouncil),
		demoTemporaryCase(20, 16000, ""),
		demoTemporaryCase(0, 0, assistance.StepAdvance),
		demoTemporaryCase(1, 0, assistance.StepComplete),
		demoTemporaryCase(12, 0, ""),
		demoTemporaryCase(9, 2000, ""),
	}
	for _, p := range demoMonthly {
		r = append(r, demoApproved(p, g.between(40, 300)))
	}
	return append(r,
		demoApproved("dibao", demoDueSoonDays),
		demoApproved("", demoDueSoonDays-4),
		demoRejected("", 50),
		demoRejected("open", 70),
		demoRejected("overturn", 120),
		demoObjectionSettled(false),
		demoObjectionSettled(true),
		demoReviewed(demoMonthly[:2], 390, 3, assistance.ReviewScheduled, ""),
		demoReviewed(demoMonthly[:3], 400, 18, assistance.ReviewScheduled, ""), // overdue visit of a review
		demoReviewed(demoMonthly[:2], 410, 25, assistance.ReviewScheduled, assistance.DecisionKeep),
		demoReviewed([]string{"dibao"}, 240, 20, assistance.ReviewChange, assistance.DecisionTaper),
		demoReviewed(demoMonthly[:3], 300, 30, assistance.ReviewChange, assistance.DecisionTerminate),
		demoChanged(assistance.DecisionSuspend, 180, 10),
		demoChanged(assistance.DecisionTerminate, 270, 15),
		demoServices(2), demoServices(1), demoServices(2),
	)
}

// smallKit is the set of 八大关街道: a little of everything a street officer meets.
func (g *demoGen) smallKit() []demoRecipe {
	return []demoRecipe{
		demoOpenAt(assistance.StepAccept, 2),
		demoOpenAt(assistance.StepVisit, 2),
		demoOpenAt(assistance.StepVisit, 14),
		demoOpenAt(assistance.StepNotice, 3),
		demoApprovalAt(4, true),
		demoApprovalAt(28, true),
		demoTemporaryCase(15, 0, ""),
		demoTemporaryCase(6, 2500, ""),
		demoApproved("dibao", 200),
		demoApproved("tekun", 120),
		demoApproved("", 60),
		demoApproved("", demoDueSoonDays),
		demoRejected("", 90),
		demoChanged(assistance.DecisionSuspend, 150, 6),
		demoReviewed(demoMonthly[:2], 380, 5, assistance.ReviewScheduled, ""),
		demoServices(2),
	}
}

// drawRecipe draws a recipe for another street, most often a granted case, then the open
// states a street is usually busy with.
func (g *demoGen) drawRecipe() demoRecipe {
	choices := []struct {
		weight int
		make   func() demoRecipe
	}{
		{9, func() demoRecipe { return demoApproved("", g.between(20, 340)) }},
		{3, func() demoRecipe { return demoOpenAt(assistance.StepVisit, g.between(0, 2)) }},
		{1, func() demoRecipe { return demoOpenAt(assistance.StepVisit, g.between(10, 25)) }},
		{2, func() demoRecipe { return demoOpenAt(assistance.StepAccept, g.between(0, 3)) }},
		{2, func() demoRecipe { return demoOpenAt(assistance.StepNotice, g.between(3, 5)) }},
		{1, func() demoRecipe { return demoOpenAt(assistance.StepMeeting, 3) }},
		{2, func() demoRecipe { return demoApprovalAt(g.between(1, 8), true) }},
		{1, func() demoRecipe { return demoApprovalAt(g.between(15, 40), true) }},
		{1, func() demoRecipe { return demoApprovalAt(g.between(1, 5), false) }},
		{3, func() demoRecipe { return demoTemporaryCase(g.between(5, 60), int64(g.between(12, 28))*100, "") }},
		{2, func() demoRecipe { return demoTemporaryCase(g.between(5, 40), 0, "") }},
		{1, func() demoRecipe {
			return demoTemporaryCase(g.between(1, 3), int64(g.between(150, 300))*100, assistance.StepCouncil)
		}},
		{1, func() demoRecipe { return demoRejected("", g.between(30, 200)) }},
		{1, func() demoRecipe { return demoRefused }},
		{1, func() demoRecipe { return demoWithdrawn }},
		{1, func() demoRecipe {
			return demoReviewed(demoMonthly[:3], g.between(370, 420), g.between(1, 20), assistance.ReviewScheduled, "")
		}},
		{1, func() demoRecipe {
			return demoChanged(assistance.DecisionSuspend, g.between(90, 300), g.between(1, 30))
		}},
		{2, func() demoRecipe { return demoServices(1 + g.rnd.IntN(2)) }},
	}
	total := 0
	for _, c := range choices {
		total += c.weight
	}
	n := g.rnd.IntN(total)
	for _, c := range choices {
		if n < c.weight {
			return c.make()
		}
		n -= c.weight
	}
	return choices[0].make()
}
