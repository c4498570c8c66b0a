package meals

import (
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/minzheng/minzheng/internal/apperr"
	"github.com/minzheng/minzheng/internal/civil"
	"github.com/minzheng/minzheng/internal/db"
	"github.com/minzheng/minzheng/internal/db/dbtest"
	"github.com/minzheng/minzheng/internal/money"
)

// histSplit is what a meal's row says about its price: what history must reproduce of Serve.
type histSplit struct {
	Canteen, Item                             int64
	Day, MealType, Channel                    string
	Price, Pays, City, District, Street       int64
	Policy, Rule, Reason, Flags, Key, Created string
}

// histRows reads diner id's meals in the order they were served.
func (f *fixture) histRows(id int64) []histSplit {
	f.t.Helper()
	rows, err := f.d.Query(f.ctx, `SELECT canteen_id, menu_item_id, served_on, meal_type, channel, price_fen, diner_pays_fen,
		city_fen, district_fen, street_fen, policy_id, rule, reason, flags, idempotency_key, created_at
		FROM meal_transactions WHERE diner_id = ? ORDER BY created_at, id`, id)
	if err != nil {
		f.t.Fatal(err)
	}
	defer rows.Close()
	var out []histSplit
	for rows.Next() {
		var s histSplit
		if err := rows.Scan(&s.Canteen, &s.Item, &s.Day, &s.MealType, &s.Channel, &s.Price, &s.Pays, &s.City, &s.District,
			&s.Street, &s.Policy, &s.Rule, &s.Reason, &s.Flags, &s.Key, &s.Created); err != nil {
			f.t.Fatal(err)
		}
		out = append(out, s)
	}
	return out
}

// histDiner registers someone born on birth living in community (低保 when dibao) and returns
// their id and card.
func (f *fixture) histDiner(community string, birth civil.Date, dibao bool) (int64, string) {
	f.t.Helper()
	id := f.idNumber(birth)
	if dibao {
		id = f.dibaoHousehold(community, birth)
	}
	r, err := f.s.RegisterDiner(f.ctx, f.admin, DinerInput{Name: "历史用餐人", IDNumber: id, HomeRegion: community})
	if err != nil {
		f.t.Fatal(err)
	}
	return r.DinerID, r.CardNo
}

// histMenu adds an item to canteen cid's menu.
func (f *fixture) histMenu(cid int64, mealType string, yuan int64) int64 {
	f.t.Helper()
	id, err := f.s.AddMenuItem(f.ctx, f.admin, cid, MenuItem{Name: "菜品" + mealType, MealType: mealType, Price: money.Yuan(yuan)})
	if err != nil {
		f.t.Fatal(err)
	}
	return id
}

// TestHistoryPricesAsServe serves meals over a week at the counter, one day at a time, and
// records the same meals for twin diners (same age, category and home) as history given in
// reverse order: every meal must come out with the same split, rule, reason and flags.
func TestHistoryPricesAsServe(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		monday := day(2024, 3, 4)
		f := newFixture(t, d, monday)
		home, lunch := f.canteen(f.laoshan)
		breakfast := f.histMenu(home, Breakfast, 5)
		weekdays, weekdayLunch := f.canteen(f.laoshan)
		c, _ := f.s.Canteen(f.ctx, f.admin, weekdays)
		if err := f.s.UpdateCanteen(f.ctx, f.admin, weekdays, c.Version, CanteenInput{Name: c.Name, Operator: c.Operator,
			Address: c.Address, RegionCode: c.RegionCode, OpenDays: "1111100"}); err != nil {
			t.Fatal(err)
		}
		away, awayLunch := f.canteen(f.shinan)

		type person struct {
			birth        civil.Date
			dibao, death bool
		}
		people := []person{{day(1958, 6, 1), false, false}, {day(1940, 2, 2), false, false}, {day(1957, 1, 1), true, false},
			{day(1950, 5, 5), false, true}}
		type twin struct{ served, loaded int64 }
		var twins []twin
		var cards []string
		for _, p := range people {
			a, card := f.histDiner(f.laoshan, p.birth, p.dibao)
			b, _ := f.histDiner(f.laoshan, p.birth, p.dibao)
			twins, cards = append(twins, twin{a, b}), append(cards, card)
		}
		// Each day's meals, in the order they are served: (person, canteen, item).
		type meal struct {
			who          int
			canteen      int64
			item         int64
			hour, minute int
		}
		days := [][]meal{
			{{0, home, lunch, 11, 30}, {0, away, awayLunch, 11, 40}, {1, home, breakfast, 7, 10}, {1, home, lunch, 12, 0}, {2, home, lunch, 11, 5}},
			{{0, away, awayLunch, 11, 30}, {2, weekdays, weekdayLunch, 12, 0}, {3, home, lunch, 11, 0}},
			{{1, away, awayLunch, 11, 0}, {1, home, lunch, 11, 50}, {3, home, breakfast, 7, 0}},
			{}, {},
			{{0, weekdays, weekdayLunch, 11, 30}, {2, home, lunch, 11, 30}, {3, home, lunch, 11, 0}}, // Saturday
			{{1, weekdays, weekdayLunch, 12, 0}, {1, home, lunch, 12, 10}},                           // Sunday
		}
		var history []HistoricMeal
		for i, meals := range days {
			f.clock.To(monday.AddDays(i))
			if i == 2 {
				if _, err := d.Exec(f.ctx, `UPDATE diners SET status = 'deceased' WHERE id IN (?, ?)`, twins[3].served, twins[3].loaded); err != nil {
					t.Fatal(err)
				}
			}
			// History is recorded after the fact; the deceased twin's earlier meals must be loaded
			// while the twin was alive, so each day is loaded before the next one's status change.
			var todays []HistoricMeal
			for k, m := range meals {
				key := "k" + itoa(int64(i)) + "-" + itoa(int64(k))
				if _, _, err := f.s.Serve(f.ctx, m.canteen, key, ServeInput{CardNo: cards[m.who], MenuItemID: m.item}); err != nil {
					t.Fatalf("day %d meal %d: %v", i, k, err)
				}
				at := time.Date(monday.Year, monday.Month, monday.Day+i, m.hour, m.minute, 0, 0, civil.China)
				todays = append(todays, HistoricMeal{CanteenID: m.canteen, DinerID: twins[m.who].loaded, MenuItemID: m.item, At: at})
			}
			slices.Reverse(todays) // given out of order: history sorts by time
			if n, err := f.s.RecordHistory(f.ctx, todays); err != nil || n != len(todays) {
				t.Fatalf("day %d: recorded %d of %d, %v", i, n, len(todays), err)
			}
			history = append(history, todays...)
		}
		for i, tw := range twins {
			served, loaded := f.histRows(tw.served), f.histRows(tw.loaded)
			if len(served) == 0 || len(served) != len(loaded) {
				t.Fatalf("person %d: %d meals served, %d loaded", i, len(served), len(loaded))
			}
			for k := range served {
				s, l := served[k], loaded[k]
				if l.Channel != ChannelCounter || l.Key != HistoryKey(mustDay(l.Day), tw.loaded, l.MealType) {
					t.Errorf("person %d meal %d: channel %s key %s", i, k, l.Channel, l.Key)
				}
				s.Key, l.Key, s.Created, l.Created = "", "", "", ""
				if diff := cmp.Diff(s, l); diff != "" {
					t.Errorf("person %d meal %d (-served +loaded):\n%s", i, k, diff)
				}
			}
		}
		// The rules the week exercised, so that the comparison is not of seven plain lunches.
		seen := map[string]bool{}
		for _, tw := range twins {
			for _, r := range f.histRows(tw.loaded) {
				seen[r.Rule] = true
				for _, fl := range splitList(r.Flags) {
					seen[fl] = true
				}
				if r.District == 0 && r.City > 0 {
					seen["away"] = true
				}
				if r.Reason != "" {
					seen["unsubsidised"] = true
				}
			}
		}
		for _, want := range []string{"age60", "age80", "hardship", "second_meal_today", FlagClosedDay, FlagDeceased, "away", "unsubsidised"} {
			if !seen[want] {
				t.Errorf("the week never exercised %s (saw %v)", want, seen)
			}
		}

		// Loading the same history again inserts nothing.
		if n, err := f.s.RecordHistory(f.ctx, history); err != nil || n != 0 {
			t.Fatalf("second load: %d new, %v", n, err)
		}
	})
}

func mustDay(s string) civil.Date {
	d, err := civil.ParseDate(s)
	if err != nil {
		panic(err)
	}
	return d
}

// TestHistoryRefusesWholeLoad checks that one meal Serve would refuse stops the whole load,
// naming it, with nothing written.
func TestHistoryRefusesWholeLoad(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		today := day(2024, 3, 6)
		f := newFixture(t, d, today)
		cid, lunch := f.canteen(f.laoshan)
		other, otherLunch := f.canteen(f.shinan)
		diner, _ := f.histDiner(f.laoshan, day(1950, 1, 1), false)
		left, _ := f.histDiner(f.laoshan, day(1950, 1, 2), false)
		if _, err := d.Exec(f.ctx, `UPDATE diners SET status = 'left' WHERE id = ?`, left); err != nil {
			t.Fatal(err)
		}
		inactive := f.histMenu(cid, Dinner, 10)
		if err := f.s.SetMenuItemActive(f.ctx, f.admin, inactive, false); err != nil {
			t.Fatal(err)
		}
		yesterday := today.AddDays(-1).Time(civil.China).Add(12 * time.Hour)
		good := HistoricMeal{CanteenID: cid, DinerID: diner, MenuItemID: lunch, At: yesterday}
		for _, tc := range []struct {
			name string
			bad  HistoricMeal
			kind apperr.Kind
		}{
			{"tomorrow", HistoricMeal{CanteenID: cid, DinerID: diner, MenuItemID: lunch, At: yesterday.AddDate(0, 0, 2)}, apperr.Invalid},
			{"no time", HistoricMeal{CanteenID: cid, DinerID: diner, MenuItemID: lunch}, apperr.Invalid},
			{"bad channel", HistoricMeal{CanteenID: cid, DinerID: diner, MenuItemID: lunch, At: yesterday, Channel: "phone"}, apperr.Invalid},
			{"no canteen", HistoricMeal{CanteenID: 999, DinerID: diner, MenuItemID: lunch, At: yesterday}, apperr.NotFound},
			{"item of another canteen", HistoricMeal{CanteenID: cid, DinerID: diner, MenuItemID: otherLunch, At: yesterday}, apperr.NotFound},
			{"item off the menu", HistoricMeal{CanteenID: cid, DinerID: diner, MenuItemID: inactive, At: yesterday}, apperr.Conflict},
			{"no diner", HistoricMeal{CanteenID: other, DinerID: 999, MenuItemID: otherLunch, At: yesterday}, apperr.NotFound},
			{"diner left", HistoricMeal{CanteenID: other, DinerID: left, MenuItemID: otherLunch, At: yesterday}, apperr.Conflict},
		} {
			t.Run(tc.name, func(t *testing.T) {
				n, err := f.s.RecordHistory(f.ctx, []HistoricMeal{good, tc.bad})
				wantKind(t, err, tc.kind)
				if e := apperr.As(err); n != 0 || !strings.Contains(e.Message, "第 2 条") {
					t.Errorf("n %d, message %q", n, e.Message)
				}
				var rows int
				if err := d.QueryRow(f.ctx, `SELECT COUNT(*) FROM meal_transactions`).Scan(&rows); err != nil || rows != 0 {
					t.Fatalf("a refused load wrote %d meals (%v)", rows, err)
				}
			})
		}
	})
}
