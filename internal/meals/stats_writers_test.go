package meals

import (
	"testing"

	"github.com/minzheng/minzheng/internal/civil"
	"github.com/minzheng/minzheng/internal/db"
	"github.com/minzheng/minzheng/internal/db/dbtest"
	"github.com/minzheng/minzheng/internal/money"
)

// order writes an online order of the canteen's lunch for diner on day on, with status (placed or
// paid) and delivered home or not, straight into the table: PlaceOrder refuses a day already
// past, and an order paid in time may still be served after its day.
func (c *statsStale) order(t *testing.T, diner int64, on civil.Date, status string, delivery bool) int64 {
	t.Helper()
	f := c.f
	var order int64
	err := f.d.InTx(f.ctx, func(tx *db.Tx) error {
		return tx.QueryRow(f.ctx, `INSERT INTO meal_orders (diner_id, canteen_id, menu_item_id, meal_type, meal_day, delivery,
			price_fen, diner_pays_fen, city_fen, ordered_by, status, created_at, updated_at)
			VALUES (?, ?, ?, 'lunch', ?, ?, ?, ?, ?, 'diner', ?, ?, ?) RETURNING id`, diner, c.canteen, c.lunch,
			on.String(), delivery, int64(money.Yuan(12)), int64(money.Yuan(6)), int64(money.Yuan(6)), status, f.s.stamp(),
			f.s.stamp()).Scan(&order)
	})
	if err != nil {
		t.Fatal(err)
	}
	return order
}

// TestStatsWriters runs, one after another, every path that writes what the statistics count or
// touches the orders beside it. Before each the statistics are read, which sums February as a
// month and the closed days of March one by one; after it the next read must give what counting
// the meals one by one gives, with the meals and deliveries the writer added. Last, the clock
// moves on so that the days written are summed, and March closes as a month.
func TestStatsWriters(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		c := newStatsStale(t, d)
		f := c.f
		fulfil := func(t *testing.T, order int64) {
			t.Helper()
			if _, err := f.s.Fulfil(f.ctx, c.operator, order); err != nil {
				t.Fatal(err)
			}
		}
		load := func(t *testing.T, on civil.Date) {
			t.Helper()
			if _, err := f.s.RecordHistory(f.ctx, []HistoricMeal{c.meal(c.other, on)}); err != nil {
				t.Fatal(err)
			}
		}
		steps := []struct {
			name             string
			write            func(t *testing.T)
			meals, delivered int
		}{
			{"history load into a closed month", func(t *testing.T) { load(t, c.lateFeb) }, 1, 0},
			{"history load into a closed day of this month", func(t *testing.T) { load(t, c.lateMarch) }, 1, 0},
			{"history load into yesterday", func(t *testing.T) { load(t, day(2024, 3, 19)) }, 1, 0},
			{"order fulfilled late, closed month", func(t *testing.T) { fulfil(t, c.order(t, c.other, day(2024, 2, 20), OrderPaid, true)) }, 1, 1},
			{"order fulfilled late, closed day", func(t *testing.T) { fulfil(t, c.order(t, c.other, day(2024, 3, 12), OrderPaid, false)) }, 1, 0},
			{"order fulfilled on its day", func(t *testing.T) { fulfil(t, c.order(t, c.diner, day(2024, 3, 20), OrderPaid, true)) }, 1, 1},
			{"counter meal", func(t *testing.T) {
				if _, _, err := f.s.Serve(f.ctx, c.canteen, "stats-counter", ServeInput{CardNo: c.otherCard, MenuItemID: c.lunch}); err != nil {
					t.Fatal(err)
				}
			}, 1, 0},
			{"order cancelled", func(t *testing.T) {
				if _, err := f.s.Cancel(f.ctx, ByStaff(f.admin), c.order(t, c.other, day(2024, 3, 21), OrderPlaced, true)); err != nil {
					t.Fatal(err)
				}
			}, 0, 0},
			{"orders voided by a death", func(t *testing.T) {
				c.order(t, c.diner, day(2024, 3, 22), OrderPlaced, false)
				if err := f.s.SetDinerStatus(f.ctx, f.admin, c.diner, f.dinerState(c.diner).version,
					DinerStatusInput{Status: DinerDeceased, On: day(2024, 3, 20), Note: "家属告知"}); err != nil {
					t.Fatal(err)
				}
			}, 0, 0},
			{"the days written close", func(t *testing.T) { f.clock.To(day(2024, 3, 23)) }, 0, 0},
			{"March closes", func(t *testing.T) { f.clock.To(day(2024, 4, 2)) }, 0, 0},
			{"history load into the closed March", func(t *testing.T) { load(t, day(2024, 3, 21)) }, 1, 0},
		}
		before := c.read(t, "first read")
		for _, step := range steps {
			step.write(t)
			after := c.read(t, "after "+step.name)
			if after.Meals != before.Meals+step.meals || after.DeliveredMeals != before.DeliveredMeals+step.delivered {
				t.Fatalf("after %s: %d meals, %d delivered; before %d, %d", step.name, after.Meals, after.DeliveredMeals,
					before.Meals, before.DeliveredMeals)
			}
			before = after
		}
	})
}
