package meals

import (
	"fmt"
	"slices"
	"strings"

	"github.com/minzheng/minzheng/internal/civil"
	"github.com/minzheng/minzheng/internal/money"
)

// Diner is what pricing needs to know of an elderly diner.
type Diner struct {
	Age        int
	Categories []string // dibao, tekun, disabled (失能)
	// HukouRegion is the diner's hukou division code; HomeRegion the community they live in
	// (its first 6 digits are the home district, 9 the home street).
	HukouRegion string
	HomeRegion  string
	Deceased    bool
}

// Meal is one meal as ordered: when, which, at what price, where, and how many subsidised meals
// the diner has already had that day.
type Meal struct {
	Date            civil.Date
	Type            string
	Price           money.Fen
	CanteenRegion   string
	SubsidisedToday int
}

// Quote is a meal priced: what the diner pays, what each funding source pays, which rule
// applied, and why nothing was subsidised or why the meal is flagged.
type Quote struct {
	Price     money.Fen
	DinerPays money.Fen
	Shares    []Share // amounts per source, only those above zero
	Rule      string
	PolicyID  string
	// Reason says, in Chinese, why no subsidy applied; empty when one did.
	Reason string
	// Flags mark a meal settlement should look at (second_meal_today).
	Flags []string
}

// Subsidy is the total the funding sources pay.
func (q Quote) Subsidy() money.Fen { return q.Price - q.DinerPays }

// Quote prices meal m for diner d under policy p; cal tells working days from weekends and
// public holidays.
func (p *Policy) Quote(d Diner, m Meal, cal *civil.Calendar) Quote {
	q := Quote{Price: m.Price, DinerPays: m.Price, PolicyID: p.ID}
	if d.Deceased {
		q.Reason = "用餐人已身故，停止补贴"
		return q
	}
	var best Quote
	found := false
	for _, r := range p.Rules {
		if !p.applies(r, d, m, cal) {
			continue
		}
		c := p.price(r, d, m)
		if !found || c.Subsidy() > best.Subsidy() {
			best, found = c, true
		}
	}
	switch {
	case !found:
		q.Reason = "不符合本区补贴条件"
	case p.OnlyAboveSubsidy && m.Price <= best.Subsidy():
		q.Reason = "餐费未超过补贴额，本餐不享受补贴"
	case p.DailyCap > 0 && m.SubsidisedToday >= p.DailyCap:
		// Only a meal that would have been subsidised is flagged: a dinner no rule covers is
		// simply full price, not a second subsidised meal.
		q.Reason = fmt.Sprintf("当日已享受 %d 次补贴，本餐按原价收费", m.SubsidisedToday)
		q.Flags = append(q.Flags, "second_meal_today")
	default:
		return best
	}
	return q
}

// applies reports whether rule r covers diner d's meal m.
func (p *Policy) applies(r Rule, d Diner, m Meal, cal *civil.Calendar) bool {
	w := r.When
	switch {
	case w.MinAge > 0 && d.Age < w.MinAge, w.MaxAge > 0 && d.Age > w.MaxAge:
		return false
	case len(w.Categories) > 0 && !containsAny(d.Categories, w.Categories):
		return false
	case w.LocalHukou && !strings.HasPrefix(d.HukouRegion, p.Region):
		return false
	case len(w.MealTypes) > 0 && !slices.Contains(w.MealTypes, m.Type):
		return false
	case w.WorkingDaysOnly && (cal == nil || !cal.IsWorkingDay(m.Date)):
		return false
	}
	return true
}

// price applies rule r: its shares, less those that only apply at home when the diner eats
// away, never more than the price.
func (p *Policy) price(r Rule, d Diner, m Meal) Quote {
	q := Quote{Price: m.Price, PolicyID: p.ID, Rule: r.ID}
	left := m.Price
	if r.DinerPays > 0 {
		left = max(m.Price-r.DinerPays, 0)
	}
	for i, s := range r.Shares {
		if s.HomeOnly && !atHome(s.Source, d.HomeRegion, m.CanteenRegion) {
			continue
		}
		amount := s.Amount
		if r.DinerPays > 0 && i == len(r.Shares)-1 {
			amount = left // the last share of a fixed-price rule takes what remains
		}
		amount = min(amount, left)
		if amount <= 0 {
			continue
		}
		left -= amount
		q.Shares = append(q.Shares, Share{Source: s.Source, Amount: amount})
	}
	var subsidy money.Fen
	for _, s := range q.Shares {
		subsidy += s.Amount
	}
	q.DinerPays = m.Price - subsidy
	return q
}

// atHome reports whether a canteen lies in the diner's home district (or street) for a share
// of that level; a city share is at home anywhere.
func atHome(source, home, canteen string) bool {
	n := 0
	switch source {
	case SourceDistrict:
		n = 6
	case SourceStreet:
		n = 9
	default:
		return true
	}
	return len(home) >= n && len(canteen) >= n && home[:n] == canteen[:n]
}

// splitShares adds a quote's shares up per funding source: city, district, street.
func splitShares(q Quote) [3]int64 {
	var by [3]int64
	for _, sh := range q.Shares {
		switch sh.Source {
		case SourceCity:
			by[0] += int64(sh.Amount)
		case SourceDistrict:
			by[1] += int64(sh.Amount)
		case SourceStreet:
			by[2] += int64(sh.Amount)
		}
	}
	return by
}
