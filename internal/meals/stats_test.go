package meals

import (
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/minzheng/minzheng/internal/apperr"
	"github.com/minzheng/minzheng/internal/auth"
	"github.com/minzheng/minzheng/internal/civil"
	"github.com/minzheng/minzheng/internal/db"
	"github.com/minzheng/minzheng/internal/db/dbtest"
	"github.com/minzheng/minzheng/internal/money"
	"github.com/minzheng/minzheng/internal/region"
)

// statsCity is a small city of meals over February and March 2024: canteens in two streets of
// 崂山区 and one in 市南区, diners of both districts, lunches most days, some breakfasts and
// online orders, one delivered order, one voided meal.
type statsCity struct {
	f        *fixture
	canteens []int64
	// street2 is a community of another street of 崂山区.
	street2 string
}

func newStatsCity(t *testing.T, d *db.DB) *statsCity {
	t.Helper()
	f := newFixture(t, d, day(2024, 3, 20))
	tree, err := region.LoadTree(f.ctx, d, "370212")
	if err != nil {
		t.Fatal(err)
	}
	c := &statsCity{f: f, street2: tree.Children(tree.Children("370212")[1].Code)[0].Code}
	var lunches, breakfasts []int64
	for _, community := range []string{f.laoshan, f.laoshan, c.street2, f.shinan} {
		cid, lunch := f.canteen(community)
		c.canteens = append(c.canteens, cid)
		lunches, breakfasts = append(lunches, lunch), append(breakfasts, f.histMenu(cid, Breakfast, 5))
	}
	var diners []int64
	for i := 0; i < 12; i++ {
		home := []string{f.laoshan, c.street2, f.shinan}[i%3]
		id, _ := f.histDiner(home, day(1940+i*2, 1+i%12, 1+i), i == 4)
		diners = append(diners, id)
	}
	var meals []HistoricMeal
	for d := day(2024, 2, 1); !d.After(day(2024, 3, 19)); d = d.AddDays(1) {
		for i, diner := range diners {
			if (d.Day+i)%4 == 0 {
				continue // not every diner eats every day
			}
			k := (i + d.Day/10) % len(c.canteens) // now and then at another canteen
			at := d.Time(civil.China).Add(11*time.Hour + time.Duration(i)*time.Minute)
			channel := ChannelCounter
			if i%5 == 0 {
				channel = ChannelOnline
			}
			meals = append(meals, HistoricMeal{CanteenID: c.canteens[k], DinerID: diner, MenuItemID: lunches[k], At: at, Channel: channel})
			if i%3 == 0 {
				meals = append(meals, HistoricMeal{CanteenID: c.canteens[k], DinerID: diner, MenuItemID: breakfasts[k],
					At: at.Add(-4 * time.Hour)})
			}
		}
	}
	if _, err := f.s.RecordHistory(f.ctx, meals); err != nil {
		t.Fatal(err)
	}
	// One meal voided, one online order delivered.
	if _, err := d.Exec(f.ctx, `UPDATE meal_transactions SET status = 'voided' WHERE id = (SELECT MIN(id) FROM meal_transactions)`); err != nil {
		t.Fatal(err)
	}
	var tx, diner, canteen, item int64
	var served string
	var price, pays int64
	if err := d.QueryRow(f.ctx, `SELECT id, diner_id, canteen_id, menu_item_id, served_on, price_fen, diner_pays_fen FROM meal_transactions
		WHERE channel = 'online' AND status = 'served' ORDER BY id DESC LIMIT 1`).Scan(&tx, &diner, &canteen, &item, &served, &price, &pays); err != nil {
		t.Fatal(err)
	}
	if _, err := d.Exec(f.ctx, `INSERT INTO meal_orders (diner_id, canteen_id, menu_item_id, meal_type, meal_day, delivery,
		price_fen, diner_pays_fen, city_fen, ordered_by, status, transaction_id, created_at, updated_at)
		VALUES (?, ?, ?, 'lunch', ?, ?, ?, ?, ?, 'diner', 'served', ?, ?, ?)`, diner, canteen, item, served, true, price, pays,
		price-pays, tx, f.s.stamp(), f.s.stamp()); err != nil {
		t.Fatal(err)
	}
	return c
}

// expectedStats counts the meals from their rows one by one in Go: the figures Stats must give
// for the children (codes cut to width) of region, per child and month, over February–March.
func (c *statsCity) expected(region string, width int, canteen int64) map[statsCellKey]*StatsRow {
	f := c.f
	rows, err := f.d.Query(f.ctx, `SELECT t.region_code, t.served_on, t.diner_id, t.canteen_id, t.channel, t.price_fen,
		t.diner_pays_fen, t.city_fen, t.district_fen, t.street_fen,
		(SELECT COUNT(*) FROM meal_orders o WHERE o.transaction_id = t.id AND o.delivery = ? AND o.status = 'served')
		FROM meal_transactions t WHERE t.status = 'served'`, true)
	if err != nil {
		f.t.Fatal(err)
	}
	defer rows.Close()
	out := map[statsCellKey]*StatsRow{}
	diners, canteens := map[statsCellKey]map[int64]bool{}, map[statsCellKey]map[int64]bool{}
	for rows.Next() {
		var code, served, channel string
		var diner, cid int64
		var price, paid, city, district, street int64
		var delivered int
		if err := rows.Scan(&code, &served, &diner, &cid, &channel, &price, &paid, &city, &district, &street, &delivered); err != nil {
			f.t.Fatal(err)
		}
		if len(code) < width || code[:len(region)] != region || canteen != 0 && cid != canteen {
			continue
		}
		d, _ := civil.ParseDate(served)
		for _, k := range []statsCellKey{{code[:width], civil.MonthOf(d)}, {code[:width], civil.Month{}},
			{"", civil.MonthOf(d)}, {"", civil.Month{}}} {
			r := statsCell(out, k)
			r.Meals++
			if channel == ChannelOnline {
				r.OnlineMeals++
			}
			r.DeliveredMeals += delivered
			r.Price += money.Fen(price)
			r.DinerPaid += money.Fen(paid)
			r.City += money.Fen(city)
			r.District += money.Fen(district)
			r.Street += money.Fen(street)
			if diners[k] == nil {
				diners[k], canteens[k] = map[int64]bool{}, map[int64]bool{}
			}
			diners[k][diner], canteens[k][cid] = true, true
			r.Diners, r.Canteens = len(diners[k]), len(canteens[k])
		}
	}
	return out
}

// meals leaves only what comes from the meals in a row, for comparing with expected.
func meals(r StatsRow) StatsRow {
	r.CanteensRegistered, r.DinersRegistered = 0, 0
	return r
}

// TestStatsAddUp checks the figures of a small city against what its meals add up to, by region,
// month and canteen filter, with diners and canteens counted once across cells.
func TestStatsAddUp(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		c := newStatsCity(t, d)
		f := c.f
		feb, mar := civil.Month{Year: 2024, Month: 2}, civil.Month{Year: 2024, Month: 3}
		for _, tc := range []struct {
			name, region string
			p            *auth.Principal
			width        int
			level        region.Level
			canteen      int64
		}{
			{"city by district", "", f.admin, 6, region.County, 0},
			{"district by street", "370212", f.admin, 9, region.Street, 0},
			{"street by community", f.laoshan[:9], f.admin, 12, region.Community, 0},
			{"a street officer's own street", "", f.officer, 12, region.Community, 0},
			{"a canteen operator's own canteen", "", &auth.Principal{Login: "op", Role: auth.CanteenOperator,
				Scope: region.Scope(f.laoshan[:9]), OrgID: c.canteens[1]}, 12, region.Community, c.canteens[1]},
		} {
			t.Run(tc.name, func(t *testing.T) {
				st, err := f.s.Stats(f.ctx, tc.p, StatsFilter{From: feb, To: mar, Region: tc.region})
				if err != nil {
					t.Fatal(err)
				}
				want := c.expected(st.Region, tc.width, tc.canteen)
				if st.Level != tc.level || st.CanteenID != tc.canteen || len(st.ByMonth) != 2 {
					t.Fatalf("level %v canteen %d months %d", st.Level, st.CanteenID, len(st.ByMonth))
				}
				total := want[statsCellKey{}]
				if total == nil || total.Meals < 50 || total.OnlineMeals == 0 || total.Subsidy() == 0 {
					t.Fatalf("the city has too little to count in %s: %+v", st.Region, total)
				}
				if diff := cmp.Diff(*total, meals(st.Total)); diff != "" {
					t.Errorf("total (-counted one by one +Stats):\n%s", diff)
				}
				var sumRegions, sumMonths, sumCells StatsRow
				for _, r := range st.ByRegion {
					if w := want[statsCellKey{r.Region, civil.Month{}}]; w != nil {
						if diff := cmp.Diff(*w, meals(r)); diff != "" {
							t.Errorf("region %s (-want +got):\n%s", r.Region, diff)
						}
					} else if r.Meals != 0 {
						t.Errorf("region %s: %d meals, want none", r.Region, r.Meals)
					}
					sumRegions.add(&r)
				}
				for _, r := range st.ByMonth {
					if diff := cmp.Diff(*want[statsCellKey{"", r.Month}], meals(r)); diff != "" {
						t.Errorf("month %s (-want +got):\n%s", r.Month, diff)
					}
					sumMonths.add(&r)
				}
				for _, r := range st.Cells {
					if w := want[statsCellKey{r.Region, r.Month}]; w != nil {
						if diff := cmp.Diff(*w, meals(r)); diff != "" {
							t.Errorf("cell %s %s (-want +got):\n%s", r.Region, r.Month, diff)
						}
					}
					sumCells.add(&r)
				}
				for name, sum := range map[string]StatsRow{"regions": sumRegions, "months": sumMonths, "cells": sumCells} {
					sum.Diners, sum.Canteens = st.Total.Diners, st.Total.Canteens
					if diff := cmp.Diff(meals(st.Total), sum); diff != "" {
						t.Errorf("the %s do not add up to the total (-total +sum):\n%s", name, diff)
					}
				}
				// The canteens and diners were registered on 20 March: none by the end of February.
				if st.ByMonth[0].CanteensRegistered != 0 || st.ByMonth[1].CanteensRegistered == 0 ||
					st.Total.CanteensRegistered != st.ByMonth[1].CanteensRegistered {
					t.Errorf("canteens registered: %+v, total %d", st.ByMonth, st.Total.CanteensRegistered)
				}
				if (tc.canteen == 0) != (st.Total.DinersRegistered > 0) {
					t.Errorf("diners registered: %d", st.Total.DinersRegistered)
				}
			})
		}
		t.Run("one month", func(t *testing.T) {
			st, err := f.s.Stats(f.ctx, f.admin, StatsFilter{From: feb, To: feb})
			if err != nil {
				t.Fatal(err)
			}
			want := c.expected("3702", 6, 0)
			w := *want[statsCellKey{"", feb}]
			w.Month = civil.Month{} // the total of a range has no month
			if diff := cmp.Diff(w, meals(st.Total)); diff != "" {
				t.Errorf("February (-want +got):\n%s", diff)
			}
			for _, r := range st.ByRegion {
				if w := want[statsCellKey{r.Region, feb}]; w != nil && r.Diners != w.Diners {
					t.Errorf("%s: %d diners, want %d", r.Region, r.Diners, w.Diners)
				}
			}
		})
		t.Run("home page indicator", func(t *testing.T) {
			got, err := f.s.MealsBelow(f.ctx, "3702")
			if err != nil {
				t.Fatal(err)
			}
			want := map[string]int{}
			for k, r := range c.expected("3702", 6, 0) {
				if k.region != "" && k.month == mar {
					want[k.region] = r.Meals
				}
			}
			if diff := cmp.Diff(want, got); diff != "" || len(got) != 2 {
				t.Errorf("meals this month by district (-want +got):\n%s", diff)
			}
		})
	})
}

// TestStatsRefuses checks that statistics are refused to roles and scopes that may not read them,
// and for ranges that make no sense.
func TestStatsRefuses(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		f := newFixture(t, d, day(2024, 3, 20))
		mar := civil.Month{Year: 2024, Month: 3}
		charity := &auth.Principal{Login: "charity", Role: auth.Charity, Scope: "3702", OrgID: 1}
		for _, tc := range []struct {
			name string
			p    *auth.Principal
			f    StatsFilter
			kind apperr.Kind
		}{
			{"another district", f.officer, StatsFilter{From: mar, To: mar, Region: "370202"}, apperr.NotFound},
			{"the city above a street", f.officer, StatsFilter{From: mar, To: mar, Region: "3702"}, apperr.NotFound},
			{"a malformed region", f.admin, StatsFilter{From: mar, To: mar, Region: "37021"}, apperr.Invalid},
			{"no months", f.admin, StatsFilter{}, apperr.Invalid},
			{"backwards", f.admin, StatsFilter{From: mar, To: mar.Prev()}, apperr.Invalid},
			{"too long", f.admin, StatsFilter{From: mar.AddMonths(-StatsMaxMonths), To: mar}, apperr.Invalid},
			{"not a meals role", charity, StatsFilter{From: mar, To: mar}, apperr.Forbidden},
			{"an operator without a canteen", &auth.Principal{Role: auth.CanteenOperator, Scope: "3702"}, StatsFilter{From: mar, To: mar}, apperr.Forbidden},
		} {
			t.Run(tc.name, func(t *testing.T) {
				_, err := f.s.Stats(f.ctx, tc.p, tc.f)
				wantKind(t, err, tc.kind)
			})
		}
		st, err := f.s.Stats(f.ctx, f.admin, StatsFilter{From: mar.AddMonths(1 - StatsMaxMonths), To: mar})
		if err != nil || len(st.ByMonth) != StatsMaxMonths || len(st.ByRegion) != 10 || st.Total.Meals != 0 {
			t.Fatalf("the longest range over an empty city: %v, %d months, %d districts", err, len(st.ByMonth), len(st.ByRegion))
		}
	})
}
