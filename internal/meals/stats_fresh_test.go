package meals

import (
	"math/rand/v2"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/minzheng/minzheng/internal/auth"
	"github.com/minzheng/minzheng/internal/civil"
	"github.com/minzheng/minzheng/internal/db"
	"github.com/minzheng/minzheng/internal/db/dbtest"
	"github.com/minzheng/minzheng/internal/region"
)

// statsSim is a small city living through the first months of 2024 day by day: canteens and
// diners registered as it goes, the day's meals recorded each day, now and then a meal recorded
// late on a past day, voided, or delivered, and a canteen that moves to another district.
type statsSim struct {
	f        *fixture
	rnd      *rand.Rand
	canteens []statsSimCanteen
	diners   []int64
	// streets are communities of three streets of two districts.
	communities []string
}

// statsSimCanteen is a canteen of the simulation with its lunch and breakfast.
type statsSimCanteen struct {
	id, lunch, breakfast int64
}

// newStatsSim is the city on 1 January 2024, before anything is registered; seed draws its life.
func newStatsSim(t *testing.T, d *db.DB, seed uint64) *statsSim {
	t.Helper()
	f := newFixture(t, d, day(2024, 1, 1))
	tree, err := region.LoadTree(f.ctx, d, "370212")
	if err != nil {
		t.Fatal(err)
	}
	street2 := tree.Children(tree.Children("370212")[1].Code)
	return &statsSim{f: f, rnd: rand.New(rand.NewPCG(seed, 2024)),
		communities: []string{f.laoshan, street2[0].Code, street2[min(1, len(street2)-1)].Code, f.shinan}}
}

// grow registers a canteen and a few diners now and then.
func (c *statsSim) grow() {
	f := c.f
	if len(c.canteens) < 5 && (len(c.canteens) == 0 || c.rnd.IntN(12) == 0) {
		id, lunch := f.canteen(c.communities[len(c.canteens)%len(c.communities)])
		c.canteens = append(c.canteens, statsSimCanteen{id, lunch, f.histMenu(id, Breakfast, 5)})
	}
	for range c.rnd.IntN(3) {
		if len(c.diners) < 40 {
			id, _ := f.histDiner(c.communities[c.rnd.IntN(len(c.communities))], day(1935+c.rnd.IntN(25), 1, 1), c.rnd.IntN(6) == 0)
			c.diners = append(c.diners, id)
		}
	}
}

// meals draws meals of day on: each diner eats now and then, mostly at one canteen.
func (c *statsSim) meals(on civil.Date, n int) []HistoricMeal {
	var out []HistoricMeal
	for _, d := range c.diners {
		if c.rnd.IntN(n) != 0 {
			continue
		}
		k := c.canteens[int(d)%len(c.canteens)]
		if c.rnd.IntN(5) == 0 {
			k = c.canteens[c.rnd.IntN(len(c.canteens))]
		}
		m := HistoricMeal{CanteenID: k.id, DinerID: d, MenuItemID: k.lunch, At: on.Time(civil.China).Add(11 * time.Hour)}
		if c.rnd.IntN(4) == 0 {
			m.Channel = ChannelOnline
		}
		if c.rnd.IntN(6) == 0 {
			m.MenuItemID, m.At = k.breakfast, m.At.Add(-4*time.Hour)
		}
		out = append(out, m)
	}
	return out
}

// record records meals as history; RecordHistory marks their past days itself.
func (c *statsSim) record(meals []HistoricMeal) {
	f := c.f
	if _, err := f.s.RecordHistory(f.ctx, meals); err != nil {
		f.t.Fatal(err)
	}
}

// change voids a random meal of a past day, or delivers one ordered online, or moves a canteen to
// 市南区, marking the day of the meal as a writer of such a change must (no store method makes
// the first two yet).
func (c *statsSim) change() {
	f := c.f
	var id int64
	var served string
	err := f.d.QueryRow(f.ctx, `SELECT id, served_on FROM meal_transactions WHERE status = 'served' AND channel = ?
		ORDER BY id LIMIT 1 OFFSET ?`, []string{ChannelCounter, ChannelOnline}[c.rnd.IntN(2)], c.rnd.IntN(40)).Scan(&id, &served)
	if err != nil {
		return // too few meals yet
	}
	on, _ := civil.ParseDate(served)
	err = f.d.InTx(f.ctx, func(tx *db.Tx) error {
		switch c.rnd.IntN(3) {
		case 0:
			_, err = tx.Exec(f.ctx, `UPDATE meal_transactions SET status = 'voided' WHERE id = ?`, id)
		case 1:
			_, err = tx.Exec(f.ctx, `INSERT INTO meal_orders (diner_id, canteen_id, menu_item_id, meal_type, meal_day, delivery,
				price_fen, diner_pays_fen, city_fen, ordered_by, status, transaction_id, created_at, updated_at)
				SELECT diner_id, canteen_id, menu_item_id, meal_type, served_on, ?, price_fen, diner_pays_fen,
				price_fen - diner_pays_fen, 'diner', 'served', id, created_at, created_at FROM meal_transactions t
				WHERE id = ? AND channel = 'online' AND NOT EXISTS (SELECT 1 FROM meal_orders o WHERE o.diner_id = t.diner_id
				AND o.meal_day = t.served_on AND o.meal_type = t.meal_type)`, c.rnd.IntN(3) > 0, id)
		default:
			_, err = tx.Exec(f.ctx, `UPDATE canteens SET region_code = ? WHERE id = ?`, f.shinan, c.canteens[0].id)
		}
		if err != nil {
			return err
		}
		return f.s.statsTouched(f.ctx, tx, on)
	})
	if err != nil {
		f.t.Fatal(err)
	}
}

// check compares Stats with the straightforward count for the filters a city's staff use.
func (c *statsSim) check(t *testing.T) {
	t.Helper()
	f := c.f
	now := civil.MonthOf(f.s.today())
	jan := civil.Month{Year: 2024, Month: 1}
	operator := &auth.Principal{Login: "op", Role: auth.CanteenOperator, Scope: "370212", OrgID: c.canteens[0].id}
	for _, tc := range []struct {
		name string
		p    *auth.Principal
		f    StatsFilter
	}{
		{"city, every month", f.admin, StatsFilter{From: jan, To: now}},
		{"city, last month and this", f.admin, StatsFilter{From: now.Prev(), To: now}},
		{"city, this month", f.admin, StatsFilter{From: now, To: now}},
		{"district", f.admin, StatsFilter{From: jan, To: now, Region: "370212"}},
		{"street", f.admin, StatsFilter{From: now.Prev(), To: now, Region: f.laoshan[:9]}},
		{"community", f.admin, StatsFilter{From: jan, To: now, Region: c.communities[1]}},
		{"street officer", f.officer, StatsFilter{From: jan, To: now}},
		{"canteen operator", operator, StatsFilter{From: jan, To: now}},
	} {
		got, err := f.s.Stats(f.ctx, tc.p, tc.f)
		if err != nil {
			t.Fatalf("%s on %s: %v", tc.name, f.s.today(), err)
		}
		if diff := cmp.Diff(naiveStats(t, f.d, got), got); diff != "" {
			t.Fatalf("%s on %s (-counted one by one +Stats):\n%s", tc.name, f.s.today(), diff)
		}
	}
	below, err := f.s.MealsBelow(f.ctx, "3702")
	if err != nil {
		t.Fatal(err)
	}
	st, err := f.s.Stats(f.ctx, f.admin, StatsFilter{From: now, To: now})
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range st.ByRegion {
		if below[r.Region] != r.Meals {
			t.Fatalf("on %s, %d meals this month below %s, the statistics say %d", f.s.today(), below[r.Region], r.Region, r.Meals)
		}
	}
}

// TestStatsMatchCountingOneByOne lives a city through three months and checks, on many days —
// the first days of a month among them, when the month before is not yet closed — that Stats
// gives exactly the figures of counting every meal one by one, while meals keep coming, some of
// them late, voided or delivered, and summaries are made and made again.
func TestStatsMatchCountingOneByOne(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		c := newStatsSim(t, d, 7)
		f := c.f
		for on := day(2024, 1, 1); !on.After(day(2024, 4, 3)); on = on.AddDays(1) {
			f.clock.To(on)
			c.grow()
			c.record(c.meals(on, 5))
			if on.Day%5 == 0 { // late meals, a few days or weeks back
				late := on.AddDays(-1 - c.rnd.IntN(40))
				if late.Year < 2024 {
					late = day(2024, 1, 1)
				}
				c.record(c.meals(late, 4))
				c.change()
			}
			if on.Day <= 3 || on.Day%9 == 0 {
				c.check(t)
			}
			c.record(c.meals(on, 5)) // the counter goes on after the page was read
		}
		var summed, voided int
		if err := d.QueryRow(f.ctx, `SELECT (SELECT COUNT(*) FROM meal_stats_periods WHERE version = built_version),
			(SELECT COUNT(*) FROM meal_transactions WHERE status = 'voided')`).Scan(&summed, &voided); err != nil {
			t.Fatal(err)
		}
		st, err := f.s.Stats(f.ctx, f.admin, StatsFilter{From: civil.Month{Year: 2024, Month: 1}, To: civil.Month{Year: 2024, Month: 4}})
		if err != nil || summed < 10 || voided == 0 || st.Total.DeliveredMeals == 0 || st.Total.Meals < 500 {
			t.Fatalf("too little happened to test: %d periods summed, %d meals voided, %+v (%v)", summed, voided, st.Total, err)
		}
	})
}
