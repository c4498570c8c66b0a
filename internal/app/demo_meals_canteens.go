package app

import (
	"fmt"
	"slices"
	"strings"

	"github.com/minzheng/minzheng/internal/meals"
	"github.com/minzheng/minzheng/internal/money"
	"github.com/minzheng/minzheng/internal/region"
	"github.com/minzheng/minzheng/internal/synth"
)

// The demo's canteens: where they stand, who runs them, their opening days and menus, and which
// canteen a diner eats at.

// demoDistrictCentres are rough centres of Qingdao's districts (latitude, longitude), around
// which the canteens' coordinates are drawn.
var demoDistrictCentres = map[string][2]float64{
	"370202": {36.066, 120.383}, "370203": {36.087, 120.374}, "370211": {35.960, 120.198}, "370212": {36.107, 120.468},
	"370213": {36.145, 120.433}, "370214": {36.307, 120.396}, "370215": {36.389, 120.447}, "370281": {36.264, 120.033},
	"370283": {36.777, 119.960}, "370285": {36.888, 120.518},
}

// makeCanteens makes 4–8 canteens in every district, the operator's canteen first.
func (g *demoMealsGen) makeCanteens() error {
	districts := g.tree.Children(synth.CityCode)
	slices.SortStableFunc(districts, func(a, b region.Division) int { // the operator's district first
		return boolOrder(b.Code == demoStreet[:6]) - boolOrder(a.Code == demoStreet[:6])
	})
	for _, district := range districts {
		streets := g.tree.Children(district.Code)
		if len(streets) == 0 {
			continue
		}
		g.rnd.Shuffle(len(streets), func(i, j int) { streets[i], streets[j] = streets[j], streets[i] })
		if district.Code == demoStreet[:6] { // the operator's street first, so canteen 1 stands there
			i := slices.IndexFunc(streets, func(d region.Division) bool { return d.Code == demoStreet })
			streets[0], streets[i] = streets[i], streets[0]
		}
		n := demoCanteensMin + g.rnd.IntN(demoCanteensMax-demoCanteensMin+1)
		for k := 0; k < n; k++ {
			street := streets[k%len(streets)]
			communities := g.tree.Children(street.Code)
			if len(communities) == 0 {
				continue
			}
			community := communities[g.rnd.IntN(len(communities))]
			if len(g.canteens) == 0 { // the operator's canteen: in the street's first community, the demo grid worker's
				community = slices.MinFunc(communities, func(a, b region.Division) int { return strings.Compare(a.Code, b.Code) })
			}
			if err := g.makeCanteen(district, street, community, k); err != nil {
				return err
			}
		}
	}
	if len(g.canteens) > 0 && g.canteens[0].ID != 1 {
		return fmt.Errorf("the operator's canteen got id %d, not 1: the canteens table was used before", g.canteens[0].ID)
	}
	return nil
}

var (
	demoCanteenKinds = []string{"社区长者食堂", "社区老年助餐点", "社区幸福食堂", "社区颐养食堂"}
	demoVillageKinds = []string{"村老年餐桌", "村幸福院助餐点"}
	demoFirmWords    = []string{"康乐", "福寿", "益民", "惠邻", "同福", "安康", "乐龄", "颐年", "善德", "和美", "长青", "德馨"}
)

// makeCanteen makes the k-th canteen of district in community, with its menu.
func (g *demoMealsGen) makeCanteen(district, street, community region.Division, k int) error {
	r := g.rnd
	stem := strings.TrimSuffix(strings.TrimSuffix(community.Name, "社区居民委员会"), "村民委员会")
	village := strings.HasSuffix(community.Name, "村民委员会")
	name := stem + demoCanteenKinds[r.IntN(len(demoCanteenKinds))]
	if village {
		name = stem + demoVillageKinds[r.IntN(len(demoVillageKinds))]
	}
	word := demoFirmWords[r.IntN(len(demoFirmWords))]
	operator := []string{community.Name, "青岛" + word + "餐饮管理有限公司", district.Name + word + "养老服务中心",
		"青岛市" + word + "社会工作服务中心"}[r.IntN(4)]
	centre := demoDistrictCentres[district.Code]
	in := meals.CanteenInput{Name: name, Operator: operator, RegionCode: community.Code,
		Address:  district.Name + street.Name + strings.TrimSuffix(community.Name, "居民委员会") + "党群服务中心一楼",
		Latitude: fmt.Sprintf("%.6f", centre[0]+(r.Float64()-0.5)*0.06), Longitude: fmt.Sprintf("%.6f", centre[1]+(r.Float64()-0.5)*0.06),
		Capacity: 80 + 20*r.IntN(12), OpenDays: "1111111", Delivery: r.IntN(10) < 4}
	if village {
		in.Address = district.Name + street.Name + stem + "村村委会西侧"
	}
	if r.IntN(4) == 0 {
		in.OpenDays = "1111100"
	}
	busy := len(g.canteens) == 0 || district.Code == demoStreet[:6] && k == 1
	if busy {
		in.OpenDays, in.Delivery = "1111111", true
	}
	id, err := g.back.CreateCanteen(g.ctx, g.sys, in)
	if err != nil {
		return err
	}
	c := &demoCanteen{Canteen: meals.Canteen{ID: id, Name: in.Name, RegionCode: in.RegionCode, OpenDays: in.OpenDays,
		Delivery: in.Delivery}, items: map[string][]meals.MenuItem{}, local: demoLocalDiners}
	if busy {
		c.local = demoBusyDiners
	}
	menu := []meals.MenuItem{{Name: "两荤两素套餐", MealType: meals.Lunch, Price: money.Yuan(12)},
		{Name: "营养早餐（粥、包子、鸡蛋）", MealType: meals.Breakfast, Price: money.Yuan(int64(4 + r.IntN(3)))},
		{Name: "晚餐套餐（一荤一素一汤）", MealType: meals.Dinner, Price: money.Yuan(int64(10 + r.IntN(3)))}}
	if r.IntN(2) == 0 {
		menu = append(menu, meals.MenuItem{Name: "三荤两素套餐", MealType: meals.Lunch, Price: money.Yuan(15)})
	}
	if r.IntN(3) == 0 {
		menu = append(menu, meals.MenuItem{Name: "清淡软食套餐", MealType: meals.Lunch, Price: money.Yuan(13)})
	}
	for _, it := range menu {
		if it.ID, err = g.back.AddMenuItem(g.ctx, g.sys, id, it); err != nil {
			return err
		}
		it.CanteenID = id
		c.items[it.MealType] = append(c.items[it.MealType], it)
	}
	g.canteens = append(g.canteens, c)
	g.byDistrict[district.Code] = append(g.byDistrict[district.Code], c)
	return nil
}

// localCanteen is the canteen standing in community, if any.
func (g *demoMealsGen) localCanteen(community string) *demoCanteen {
	for _, c := range g.byDistrict[community[:6]] {
		if c.RegionCode == community {
			return c
		}
	}
	return nil
}

// nearCanteen picks a canteen of home's district, one of its street if there is one, one that
// delivers for a diner who needs it.
func (g *demoMealsGen) nearCanteen(home string, delivery bool) *demoCanteen {
	list := g.byDistrict[home[:6]]
	var street, deliver []*demoCanteen
	for _, c := range list {
		if c.RegionCode[:9] == home[:9] {
			street = append(street, c)
		}
		if c.Delivery {
			deliver = append(deliver, c)
		}
	}
	switch {
	case delivery && len(deliver) > 0:
		return deliver[g.rnd.IntN(len(deliver))]
	case len(street) > 0:
		return street[g.rnd.IntN(len(street))]
	}
	return list[g.rnd.IntN(len(list))]
}
