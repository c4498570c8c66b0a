package meals

import (
	"github.com/minzheng/minzheng/internal/civil"
	"github.com/minzheng/minzheng/internal/money"
	"github.com/minzheng/minzheng/internal/msg"
	"github.com/minzheng/minzheng/internal/pii"
)

// Pricing a meal with the policy in force at the canteen, and the receipt made from the price;
// the counter, its preview (CounterQuote) and loaded history all price through quote, so that
// they cannot disagree.

// receipt prices item for diner d at canteen c on day, given their subsidised meals so far, and
// makes the meal's receipt (without its id and time).
func (s *Store) receipt(d *DinerRecord, c *Canteen, item *MenuItem, day civil.Date, subsidised int) *Receipt {
	q := s.quote(d, c, item, day, subsidised)
	if d.Status == DinerDeceased {
		q.Flags = append(q.Flags, FlagDeceased)
	}
	if !c.OpensOn(day) {
		q.Flags = append(q.Flags, FlagClosedDay)
	}
	r := &Receipt{CanteenID: c.ID, DinerID: d.ID, DinerName: pii.MaskName(d.Name), CardNo: d.CardNo, MenuItemID: item.ID,
		ItemName: item.Name, MealType: item.MealType, ServedOn: day, Price: q.Price, DinerPays: q.DinerPays,
		PolicyID: q.PolicyID, Rule: q.Rule, Reason: q.Reason, Flags: splitList(joinList(q.Flags)), Channel: ChannelCounter}
	by := splitShares(q)
	r.City, r.District, r.Street = money.Fen(by[0]), money.Fen(by[1]), money.Fen(by[2])
	return r
}

// quote prices item for diner d at canteen c on day, with the policy in force there.
func (s *Store) quote(d *DinerRecord, c *Canteen, item *MenuItem, day civil.Date, subsidised int) Quote {
	p, ok := PolicyFor(s.Policies, c.RegionCode, day)
	if !ok {
		return Quote{Price: item.Price, DinerPays: item.Price, Reason: msg.Default().T("meals.no_policy")}
	}
	return p.Quote(d.pricing(day), Meal{Date: day, Type: item.MealType, Price: item.Price, CanteenRegion: c.RegionCode,
		SubsidisedToday: subsidised}, s.calendar())
}
