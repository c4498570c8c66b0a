package synth

import (
	"time"

	"github.com/minzheng/minzheng/internal/civil"
	"github.com/minzheng/minzheng/internal/money"
	"github.com/minzheng/minzheng/internal/registry"
)

// spending draws 12 months of rigid spending from the members: medical costs after insurance for
// the seriously ill, rehabilitation for the severely disabled, school costs for students. A
// 刚性支出困难 household gets a sick member if it has neither one nor a student, and enough
// spending to be above the share of its income the rule asks for.
func (c *hhGen) spending(ms []*member, tier registry.Tier, counted money.Fen) []registry.Spending {
	r := c.r
	if tier == registry.RigidExpense && !anyMember(ms, func(m *member) bool { return m.p.SeriousIllness || m.p.InSchool }) {
		oldest := ms[0]
		for _, m := range ms {
			if m.age > oldest.age {
				oldest = m
			}
		}
		oldest.p.SeriousIllness, oldest.p.Illness = true, pick(r, illnesses)
	}
	var sums [3]money.Fen // medical, education, rehabilitation
	for _, m := range ms {
		if m.p.SeriousIllness {
			sums[0] += money.Yuan(int64(between(r, 3000, 60000)))
		}
		if m.p.InSchool {
			switch m.p.Education {
			case "primary", "junior":
				sums[1] += money.Yuan(int64(between(r, 300, 1500)))
			case "senior", "vocational":
				sums[1] += money.Yuan(int64(between(r, 1500, 6000)))
			default:
				sums[1] += money.Yuan(int64(between(r, 5000, 15000)))
			}
		}
		if g := m.p.Disability.Grade; g > 0 && g <= 2 && r.IntN(100) < 40 {
			sums[2] += money.Yuan(int64(between(r, 1000, 15000)))
		}
	}
	if tier == registry.RigidExpense {
		year := counted * 12
		need := yuanIn(r, year*(rigidSharePct+5)/100, year*160/100) // comfortably above the share
		if total := sums[0] + sums[1] + sums[2]; total < need {
			i := 1
			if anyMember(ms, func(m *member) bool { return m.p.SeriousIllness }) {
				i = 0
			}
			sums[i] += need - total
		}
	}
	var out []registry.Spending
	for i, k := range []registry.SpendingKind{registry.Medical, registry.Education, registry.Rehabilitation} {
		if sums[i] > 0 {
			out = append(out, registry.Spending{Kind: k, Amount: sums[i]})
		}
	}
	return out
}

func anyMember(ms []*member, f func(*member) bool) bool {
	for _, m := range ms {
		if f(m) {
			return true
		}
	}
	return false
}

// tierStarts are the first days a tier can hold: 低保边缘 and 防返贫 monitoring were set up in
// 2021, 刚性支出困难 from 2025-01-01 (DOMAIN.md §5); the others are older than the demo's window.
var tierStarts = map[registry.Tier]civil.Date{
	registry.DibaoEdge:    {Year: 2021, Month: time.July, Day: 1},
	registry.RelapseWatch: {Year: 2021, Month: time.January, Day: 1},
	registry.RigidExpense: {Year: 2025, Month: time.January, Day: 1},
}

// validFrom draws the day a household's tier began: 1–8 years ago, not before the tier existed,
// and for 刚性支出困难 (valid 12 months) within the last year. A 特困 person qualified by age
// holds it only from their 60th birthday.
func (c *hhGen) validFrom(tier registry.Tier, ms []*member) civil.Date {
	lo, hi := addYears(c.asOf, -8), addYears(c.asOf, -1)
	if tier == registry.RigidExpense {
		lo, hi = c.asOf.AddDays(-364), c.asOf
	}
	if start, ok := tierStarts[tier]; ok && lo.Before(start) {
		lo = start
	}
	if tier == registry.Tekun {
		for _, m := range ms {
			if m.age >= 60 && !noWorkDisability(m.p.Disability) {
				if at60 := addYears(m.id.BirthDate(), 60); lo.Before(at60) {
					lo = at60
				}
			}
		}
	}
	if b := ms[0].id.BirthDate().AddDays(1); lo.Before(b) {
		lo = b
	}
	if hi.Before(lo) {
		hi = c.asOf
	}
	if hi.Before(lo) {
		return c.asOf
	}
	return lo.AddDays(c.r.IntN(daysBetween(lo, hi) + 1))
}

// addYears moves d by whole years; 29 February becomes 28 February in a common year.
func addYears(d civil.Date, years int) civil.Date {
	out := civil.Date{Year: d.Year + years, Month: d.Month, Day: d.Day}
	if d.Month == time.February && d.Day == 29 && !leap(out.Year) {
		out.Day = 28
	}
	return out
}

func leap(y int) bool { return y%4 == 0 && (y%100 != 0 || y%400 == 0) }

func daysBetween(a, b civil.Date) int {
	return int(b.Time(time.UTC).Sub(a.Time(time.UTC)).Hours() / 24)
}
