package app

import (
	"context"
	"os"
	"slices"
	"strings"
	"testing"

	"github.com/minzheng/minzheng/internal/auth"
	"github.com/minzheng/minzheng/internal/civil"
	"github.com/minzheng/minzheng/internal/db/dbtest"
	"github.com/minzheng/minzheng/internal/meals"
	"github.com/minzheng/minzheng/internal/region"
	"github.com/minzheng/minzheng/internal/synth"
)

// TestDemoMeals starts the demo city and checks its meal assistance: canteens in every district,
// canteen 1 in the street of the demo canteen operator, diners of every kind, a month of meals up
// to yesterday with the planted anomalies, statistics that count them, online orders served,
// delivered and cancelled in the past and still to serve today and tomorrow — and that running
// the step again adds nothing.
func TestDemoMeals(t *testing.T) {
	run := func(t *testing.T, dsn string) {
		m := startDemo(t, dsn)
		ctx := context.Background()
		count := func(query string, args ...any) int {
			t.Helper()
			var n int
			if err := m.DB.QueryRow(ctx, query, args...).Scan(&n); err != nil {
				t.Fatal(err)
			}
			return n
		}
		tree, err := region.LoadTree(ctx, m.DB, synth.CityCode)
		if err != nil {
			t.Fatal(err)
		}
		t.Run("canteens in every district", func(t *testing.T) {
			cs, err := m.svc.meals.Canteens(ctx, auth.System())
			if err != nil {
				t.Fatal(err)
			}
			per := map[string]int{}
			for _, c := range cs {
				per[c.RegionCode[:6]]++
				if region.LevelOf(c.RegionCode) != region.Community || c.Latitude == "" || c.Operator == "" || c.Capacity == 0 {
					t.Errorf("canteen %d: %+v", c.ID, c)
				}
			}
			for _, d := range tree.Children(synth.CityCode) {
				if n := per[d.Code]; n < demoCanteensMin || n > demoCanteensMax {
					t.Errorf("%s has %d canteens", d.Name, n)
				}
			}
		})
		t.Run("canteen 1 is the operator's, in their street", func(t *testing.T) {
			p := demoPrincipal(t, m, "canteen")
			c, err := m.svc.meals.Canteen(ctx, p, 1)
			if err != nil {
				t.Fatal(err)
			}
			if p.OrgID != 1 || !strings.HasPrefix(c.RegionCode, demoStreet) || !p.Sees(c.RegionCode) {
				t.Fatalf("operator %+v, canteen 1 in %s", p, c.RegionCode)
			}
			if items, err := m.svc.meals.Menu(ctx, p, 1, false); err != nil || len(items) < 3 {
				t.Fatalf("menu of canteen 1: %d items, %v", len(items), err)
			}
		})
		today := civil.Today(m.Now())
		from, yesterday := civil.MonthOf(today).Prev().FirstDay(), today.AddDays(-1)
		t.Run("a month of meals", func(t *testing.T) {
			var first, last string
			if err := m.DB.QueryRow(ctx, `SELECT MIN(served_on), MAX(served_on) FROM meal_transactions`).Scan(&first, &last); err != nil {
				t.Fatal(err)
			}
			n := count(`SELECT COUNT(*) FROM meal_transactions`)
			days := count(`SELECT COUNT(DISTINCT served_on) FROM meal_transactions`)
			if first != from.String() || last != yesterday.String() || n < 10000 || n > 200000 || days != yesterday.Compare(from)+1 &&
				days < 28 {
				t.Fatalf("%d meals on %d days from %s to %s, want every day from %s to %s", n, days, first, last, from, yesterday)
			}
			if on := count(`SELECT COUNT(*) FROM meal_transactions WHERE channel = 'online'`); on == 0 || on > n/4 {
				t.Errorf("%d of %d meals online", on, n)
			}
			for _, kind := range []string{meals.Breakfast, meals.Lunch, meals.Dinner} {
				if count(`SELECT COUNT(*) FROM meal_transactions WHERE meal_type = ?`, kind) == 0 {
					t.Errorf("no %s", kind)
				}
			}
		})
		t.Run("diners of every kind", func(t *testing.T) {
			if n := count(`SELECT COUNT(*) FROM diners`); n < 1000 || n > 6000 {
				t.Errorf("%d diners", n)
			}
			for _, cat := range []string{meals.CategoryDibao, meals.CategoryTekun, meals.CategoryDisabled} {
				if count(`SELECT COUNT(*) FROM diners WHERE categories LIKE ?`, "%"+cat+"%") == 0 {
					t.Errorf("no diner is %s", cat)
				}
			}
			if count(`SELECT COUNT(*) FROM diners WHERE categories LIKE '%disabled%' AND address_sealed <> ''`) == 0 {
				t.Error("no 失能 diner has a delivery address")
			}
			if count(`SELECT COUNT(*) FROM diner_relatives`) == 0 {
				t.Error("no relative is linked")
			}
		})
		t.Run("planted anomalies", func(t *testing.T) {
			for _, flag := range []string{"second_meal_today", meals.FlagClosedDay, meals.FlagDeceased} {
				if count(`SELECT COUNT(*) FROM meal_transactions WHERE flags LIKE ?`, "%"+flag+"%") == 0 {
					t.Errorf("no meal is flagged %s", flag)
				}
			}
			if count(`SELECT COUNT(*) FROM meal_flags`) == 0 {
				t.Error("the anti-fraud scan flagged nothing")
			}
			if n := count(`SELECT COUNT(*) FROM meal_transactions WHERE flags LIKE '%second_meal_today%'`); n > 20 {
				t.Errorf("%d meals over the daily cap: the planted few are lost among them", n)
			}
		})
		t.Run("statistics count them", func(t *testing.T) {
			st, err := m.svc.meals.Stats(ctx, demoPrincipal(t, m, "admin"), meals.StatsFilter{From: civil.MonthOf(from), To: civil.MonthOf(today)})
			if err != nil {
				t.Fatal(err)
			}
			if st.Total.Meals != count(`SELECT COUNT(*) FROM meal_transactions WHERE status = 'served'`) || len(st.ByRegion) != 10 ||
				st.Total.Subsidy() == 0 || st.Total.CanteensRegistered != count(`SELECT COUNT(*) FROM canteens`) {
				t.Fatalf("total %+v over %d districts", st.Total, len(st.ByRegion))
			}
			for _, r := range st.ByRegion {
				if r.Meals == 0 || r.CanteensRegistered == 0 {
					t.Errorf("district %s: %+v", r.Region, r)
				}
			}
		})
		t.Run("online orders", func(t *testing.T) { demoMealOrdersCheck(t, m, count) })
		t.Run("a second run adds nothing", func(t *testing.T) {
			tables := func() []int {
				return []int{count(`SELECT COUNT(*) FROM canteens`), count(`SELECT COUNT(*) FROM diners`),
					count(`SELECT COUNT(*) FROM meal_transactions`), count(`SELECT COUNT(*) FROM menu_items`),
					count(`SELECT COUNT(*) FROM meal_orders`), count(`SELECT COUNT(*) FROM citizens`)}
			}
			before := tables()
			rep, err := generateDemoMeals(ctx, m.svc, m.DemoSeed, m.DemoHouseholds, m.Now)
			if err != nil {
				t.Fatal(err)
			}
			after := tables()
			if rep.Canteens != 0 || !slices.Equal(before, after) {
				t.Fatalf("second run made %+v: %v before, %v after", rep, before, after)
			}
		})
	}
	t.Run("sqlite", func(t *testing.T) { run(t, "") })
	if os.Getenv(dbtest.PostgresEnv) != "" {
		t.Run("postgres", func(t *testing.T) { run(t, dbtest.PostgresDSN(t)) })
	}
}

// demoMealOrdersCheck checks the demo's online orders: last month's statistics count meals
// ordered online and delivered; canteen 1 has paid orders to serve today and tomorrow, and a
// relative who ordered finds theirs on the phone page; every served order has exactly its one
// meal, on its day and online, and no other order has one; no such meal is a second meal of its
// diner's day; and the anti-fraud scan flagged none of them (no anomaly is planted through an
// order).
func demoMealOrdersCheck(t *testing.T, m *Main, count func(string, ...any) int) {
	ctx := context.Background()
	today := civil.Today(m.Now())
	last := civil.MonthOf(today).Prev()
	st, err := m.svc.meals.Stats(ctx, demoPrincipal(t, m, "admin"), meals.StatsFilter{From: last, To: last})
	if err != nil {
		t.Fatal(err)
	}
	if st.Total.DeliveredMeals == 0 || st.Total.OnlineMeals <= st.Total.DeliveredMeals {
		t.Errorf("%s: %d meals online, %d delivered", last, st.Total.OnlineMeals, st.Total.DeliveredMeals)
	}
	operator := demoPrincipal(t, m, "canteen")
	for _, day := range []civil.Date{today, today.AddDays(1)} {
		cd, err := m.svc.meals.CanteenOrders(ctx, operator, 1, day)
		if err != nil {
			t.Fatal(err)
		}
		if !slices.ContainsFunc(cd.Orders, func(o meals.Order) bool { return o.Status == meals.OrderPaid && o.CanFulfil }) {
			t.Errorf("canteen 1 has no paid order to serve on %s among %d", day, len(cd.Orders))
		}
	}
	mine := 0
	rows, err := m.DB.Query(ctx, `SELECT id FROM citizens ORDER BY id`)
	if err != nil {
		t.Fatal(err)
	}
	var citizens []int64
	for rows.Next() {
		var id int64
		if err := rows.Scan(&id); err != nil {
			t.Fatal(err)
		}
		citizens = append(citizens, id)
	}
	rows.Close()
	for _, id := range citizens {
		my, err := m.svc.meals.MyOrders(ctx, meals.ByCitizen(id), today)
		if err != nil {
			t.Fatal(err)
		}
		mine += len(my)
	}
	if len(citizens) == 0 || mine == 0 {
		t.Errorf("%d relatives signed in, %d orders of today or later on their phones", len(citizens), mine)
	}
	statuses := map[string]int{}
	served := map[string]int64{} // the meal's key: its order's transaction
	rows, err = m.DB.Query(ctx, `SELECT id, status, COALESCE(transaction_id, 0), meal_day FROM meal_orders`)
	if err != nil {
		t.Fatal(err)
	}
	for rows.Next() {
		var id, tx int64
		var status string
		var day civil.Date
		if err := rows.Scan(&id, &status, &tx, &day); err != nil {
			t.Fatal(err)
		}
		statuses[status]++
		if status == meals.OrderServed {
			served[meals.TransactionKey(id)] = tx
		}
		if want := day.Before(today); want != (status == meals.OrderServed || status == meals.OrderCancelled) {
			t.Errorf("order %d for %s is %s", id, day, status)
		}
	}
	rows.Close()
	if statuses[meals.OrderServed] < count(`SELECT COUNT(*) FROM canteens`) || statuses[meals.OrderCancelled] == 0 ||
		count(`SELECT COUNT(*) FROM meal_orders WHERE delivery = ? AND status = 'served'`, true) == 0 ||
		count(`SELECT COUNT(*) FROM meal_orders WHERE ordered_by LIKE 'relative:%'`) == 0 ||
		count(`SELECT COUNT(*) FROM meal_orders WHERE ordered_by LIKE 'staff:%'`) == 0 {
		t.Errorf("orders by status %v, not served, cancelled, delivered, by relatives and by staff", statuses)
	}
	rows, err = m.DB.Query(ctx, `SELECT t.id, t.idempotency_key, t.channel, t.served_on, o.meal_day FROM meal_transactions t
		LEFT JOIN meal_orders o ON o.transaction_id = t.id WHERE t.idempotency_key LIKE 'order-%'`)
	if err != nil {
		t.Fatal(err)
	}
	mealsOf := map[string]int{}
	for rows.Next() {
		var id int64
		var key, channel string
		var on, day civil.Date
		if err := rows.Scan(&id, &key, &channel, &on, &day); err != nil {
			t.Fatal(err)
		}
		if mealsOf[key]++; served[key] != id || channel != meals.ChannelOnline || on != day {
			t.Errorf("meal %d (%s, %s on %s) is not its served order's (meal %d, for %s)", id, key, channel, on, served[key], day)
		}
	}
	rows.Close()
	for key := range served {
		if mealsOf[key] != 1 {
			t.Errorf("served order %s has %d meals", key, mealsOf[key])
		}
	}
	if n := count(`SELECT COUNT(*) FROM meal_transactions t JOIN meal_transactions o ON o.diner_id = t.diner_id
		AND o.served_on = t.served_on AND o.id <> t.id WHERE t.idempotency_key LIKE 'order-%'`); n > 0 {
		t.Errorf("%d meals share their diner's day with the meal of an online order", n)
	}
	if n := count(`SELECT COUNT(*) FROM meal_flags f JOIN meal_transactions t ON t.id = f.transaction_id
		WHERE t.idempotency_key LIKE 'order-%'`) + count(`SELECT COUNT(*) FROM meal_transactions
		WHERE idempotency_key LIKE 'order-%' AND flags <> ''`); n > 0 {
		t.Errorf("%d flags on meals of online orders", n)
	}
}
