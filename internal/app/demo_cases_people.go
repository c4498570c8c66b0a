package app

import (
	"github.com/minzheng/minzheng/internal/auth"
	"github.com/minzheng/minzheng/internal/civil"
	"github.com/minzheng/minzheng/internal/idcard"
	"github.com/minzheng/minzheng/internal/region"
	"github.com/minzheng/minzheng/internal/registry"
	"github.com/minzheng/minzheng/internal/synth"
)

// person reads the household's names, and finds its head's ID number (and phone) where the demo
// city made them: the generator draws a community's households again from the seed, the same
// people as the registry holds (matched by name and masked number). Only a household it does
// not know — one changed since — has its head's number revealed, which the audit log records.
func (g *demoGen) person(c *demoCandidate) error {
	if c.full != nil {
		return nil
	}
	h, err := g.svc.registry.Get(g.ctx, auth.System(), c.h.ID)
	if err != nil {
		return err
	}
	head := h.Head()
	if head == nil {
		head = &h.Members[0]
	}
	id, phone, ok := g.synthetic(h.RegionCode, head)
	if !ok {
		if id, err = g.svc.registry.RevealID(g.ctx, auth.System(), head.ID, ""); err != nil {
			return err
		}
	}
	c.full, c.headID, c.phone = h, id, phone
	return nil
}

// synthetic finds person among the households the generator makes for community.
func (g *demoGen) synthetic(community string, person *registry.Person) (id, phone string, ok bool) {
	inputs, known := g.generated[community]
	if !known {
		inputs = g.generate(community)
		g.generated[community] = inputs
	}
	for _, h := range inputs {
		for _, m := range h.Members {
			if m.Name != person.Name {
				continue
			}
			if n, err := idcard.Parse(m.IDNumber); err == nil && n.Mask() == person.IDMasked {
				if !mobile(m.Phone) {
					m.Phone = ""
				}
				return string(n), m.Phone, true
			}
		}
	}
	return "", "", false
}

// generate draws the households of community as the demo generated them: as many as it holds,
// as of today (the day the demo city is generated, which is the day its cases are).
func (g *demoGen) generate(community string) []registry.HouseholdInput {
	if g.tree == nil {
		tree, err := region.LoadTree(g.ctx, g.svc.db, synth.CityCode)
		if err != nil {
			return nil
		}
		g.tree = tree
	}
	div, ok := g.tree.Get(community)
	if !ok || len(community) != 12 {
		return nil
	}
	var out []registry.HouseholdInput
	for _, day := range []civil.Date{civil.Today(g.svc.registry.Now()), civil.Today(g.clock.limit)} {
		out = append(out, synth.New(g.seed).Households(div, community[:6], g.pool.perCommunity[community], day)...)
		if day == civil.Today(g.clock.limit) {
			break
		}
	}
	return out
}

// mobile reports whether s is a mainland mobile number, which an application may carry.
func mobile(s string) bool {
	if len(s) != 11 || s[0] != '1' || s[1] < '3' {
		return false
	}
	for _, r := range s {
		if r < '0' || r > '9' {
			return false
		}
	}
	return true
}
