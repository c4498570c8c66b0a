package meals

import (
	"errors"
	"fmt"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/minzheng/minzheng/internal/apperr"
	"github.com/minzheng/minzheng/internal/civil"
	"github.com/minzheng/minzheng/internal/db"
	"github.com/minzheng/minzheng/internal/db/dbtest"
	"github.com/minzheng/minzheng/internal/money"
)

// diner registers someone born on birth living in community and returns their card number.
func (f *fixture) diner(community string, birth civil.Date) string {
	f.t.Helper()
	r, err := f.s.RegisterDiner(f.ctx, f.admin, DinerInput{Name: "用餐人", IDNumber: f.idNumber(birth), HomeRegion: community})
	if err != nil {
		f.t.Fatal(err)
	}
	return r.CardNo
}

// serve serves item to card under key and fails the test on an error.
func (f *fixture) serve(cid, item int64, card, key string) (*Receipt, bool) {
	f.t.Helper()
	r, replayed, err := f.s.Serve(f.ctx, cid, key, ServeInput{CardNo: card, MenuItemID: item})
	if err != nil {
		f.t.Fatal(err)
	}
	return r, replayed
}

// rows counts canteen cid's meal rows.
func (f *fixture) rows(cid int64) int {
	f.t.Helper()
	var n int
	if err := f.d.QueryRow(f.ctx, `SELECT COUNT(*) FROM meal_transactions WHERE canteen_id = ?`, cid).Scan(&n); err != nil {
		f.t.Fatal(err)
	}
	return n
}

func TestServe(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		f := newFixture(t, d, day(2024, 3, 5)) // a Tuesday
		cid, lunch := f.canteen(f.laoshan)
		card := f.diner(f.laoshan, day(1955, 4, 1))

		r, replayed := f.serve(cid, lunch, card, "k1")
		if replayed || r.Price != money.Yuan(12) || r.DinerPays != money.Yuan(6) || r.City != money.Yuan(3) ||
			r.District != money.Yuan(3) || r.Street != 0 || r.PolicyID != "qingdao-default" || r.Rule != "age60" ||
			r.ServedOn != day(2024, 3, 5) || r.MealType != Lunch || r.ItemName != "两荤两素套餐" || r.DinerName != "用*人" {
			t.Fatalf("first lunch: %+v", r)
		}

		again, replayed := f.serve(cid, lunch, card, "k1")
		if !replayed || !cmp.Equal(again, r) || f.rows(cid) != 1 {
			t.Fatalf("replay: replayed=%v rows=%d diff %s", replayed, f.rows(cid), cmp.Diff(r, again))
		}
		_, _, err := f.s.Serve(f.ctx, cid, "k1", ServeInput{CardNo: f.diner(f.laoshan, day(1950, 1, 1)), MenuItemID: lunch})
		wantKind(t, err, apperr.Conflict)

		second, _ := f.serve(cid, lunch, card, "k2")
		if second.DinerPays != money.Yuan(12) || second.Subsidy() != 0 || !slices.Contains(second.Flags, "second_meal_today") ||
			second.Reason == "" {
			t.Fatalf("second lunch: %+v", second)
		}

		// The next day the subsidy is back; in another district the home-only district share is not.
		f.clock.AdvanceDays(1)
		if r, _ := f.serve(cid, lunch, card, "k3"); r.DinerPays != money.Yuan(6) {
			t.Fatalf("next day: %+v", r)
		}
		f.clock.AdvanceDays(1)
		away, awayLunch := f.canteen(f.shinan)
		if r, _ := f.serve(away, awayLunch, card, "k1"); r.DinerPays != money.Yuan(9) || r.City != money.Yuan(3) || r.District != 0 {
			t.Fatalf("away from home: %+v", r)
		}
	})
}

func TestServeCategories(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		f := newFixture(t, d, day(2024, 3, 9)) // a Saturday
		cid, lunch := f.canteen(f.laoshan)
		old := f.diner(f.laoshan, day(1940, 2, 2))
		reg, err := f.s.RegisterDiner(f.ctx, f.officer, DinerInput{Name: "王大爷",
			IDNumber: f.dibaoHousehold(f.laoshan, day(1958, 1, 1)), HomeRegion: f.laoshan})
		if err != nil {
			t.Fatal(err)
		}
		dead := f.diner(f.laoshan, day(1944, 5, 5))
		if _, err := d.Exec(f.ctx, `UPDATE diners SET status = 'deceased' WHERE card_no = ?`, dead); err != nil {
			t.Fatal(err)
		}
		weekdays, weekdayLunch := f.canteen(f.laoshan)
		c, _ := f.s.Canteen(f.ctx, f.admin, weekdays)
		if err := f.s.UpdateCanteen(f.ctx, f.admin, weekdays, c.Version, CanteenInput{Name: c.Name, Operator: c.Operator,
			Address: c.Address, RegionCode: c.RegionCode, OpenDays: "1111100"}); err != nil {
			t.Fatal(err)
		}
		for i, tc := range []struct {
			name      string
			cid, item int64
			card      string
			pays      money.Fen
			flags     []string
		}{
			{"80+ pays 5", cid, lunch, old, money.Yuan(5), nil},
			{"低保 pays 2", cid, lunch, reg.CardNo, money.Yuan(2), nil},
			{"deceased pays in full, flagged", cid, lunch, dead, money.Yuan(12), []string{FlagDeceased}},
			{"Saturday at a weekday canteen is flagged", weekdays, weekdayLunch, "", money.Yuan(12), []string{"second_meal_today", FlagClosedDay}},
		} {
			t.Run(tc.name, func(t *testing.T) {
				card := tc.card
				if card == "" {
					card = old
				}
				r, _, err := f.s.Serve(f.ctx, tc.cid, fmt.Sprintf("key-%d", i), ServeInput{CardNo: card, MenuItemID: tc.item})
				if err != nil {
					t.Fatal(err)
				}
				if r.DinerPays != tc.pays || !slices.Equal(r.Flags, tc.flags) {
					t.Fatalf("pays %v flags %v, want %v %v (%+v)", r.DinerPays, r.Flags, tc.pays, tc.flags, r)
				}
			})
		}
	})
}

func TestServeRefuses(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		f := newFixture(t, d, day(2024, 3, 5))
		cid, lunch := f.canteen(f.laoshan)
		other, otherLunch := f.canteen(f.shinan)
		card := f.diner(f.laoshan, day(1955, 4, 1))
		typo := card[:11] + string('0'+(card[11]-'0'+1)%10)
		unknown, _ := newCardNo()
		for _, tc := range []struct {
			name string
			cid  int64
			key  string
			in   ServeInput
			kind apperr.Kind
		}{
			{"no key", cid, "", ServeInput{CardNo: card, MenuItemID: lunch}, apperr.Invalid},
			{"key with a space", cid, "a b", ServeInput{CardNo: card, MenuItemID: lunch}, apperr.Invalid},
			{"card typo", cid, "k", ServeInput{CardNo: typo, MenuItemID: lunch}, apperr.Invalid},
			{"no diner", cid, "k", ServeInput{MenuItemID: lunch}, apperr.Invalid},
			{"unknown card", cid, "k", ServeInput{CardNo: unknown, MenuItemID: lunch}, apperr.NotFound},
			{"another canteen's item", cid, "k", ServeInput{CardNo: card, MenuItemID: otherLunch}, apperr.NotFound},
			{"unknown canteen", 9999, "k", ServeInput{CardNo: card, MenuItemID: lunch}, apperr.NotFound},
		} {
			t.Run(tc.name, func(t *testing.T) {
				_, _, err := f.s.Serve(f.ctx, tc.cid, tc.key, tc.in)
				wantKind(t, err, tc.kind)
			})
		}
		if f.rows(cid)+f.rows(other) != 0 {
			t.Fatal("a refused meal left a row")
		}
	})
}

// TestServeConcurrent races, each day, copies of one request at one canteen against meals of
// the same card under other keys at a second canteen: one row per key, the copies all get the
// same receipt, and one meal of the day is subsidised however the race goes. Several rounds, so
// that later ones run on a warm connection pool and really overlap.
func TestServeConcurrent(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		f := newFixture(t, d, day(2024, 3, 4))
		cid, lunch := f.canteen(f.laoshan)
		other, otherLunch := f.canteen(f.laoshan)
		card := f.diner(f.laoshan, day(1955, 4, 1))
		const n, rounds = 12, 4
		for round := range rounds {
			receipts, fresh := make([]*Receipt, n), make([]bool, n)
			concurrently(t, n, func(i int) error {
				c, item, key := cid, lunch, fmt.Sprint("same-", round)
				if i%2 == 1 {
					c, item, key = other, otherLunch, fmt.Sprint("other-", round, "-", i)
				}
				var err error
				var replayed bool
				receipts[i], replayed, err = f.s.Serve(f.ctx, c, key, ServeInput{CardNo: card, MenuItemID: item})
				fresh[i] = !replayed
				return err
			})
			firsts, subsidised := 0, 0
			for i := range n {
				if i%2 == 1 || fresh[i] {
					if receipts[i].Subsidy() > 0 {
						subsidised++
					}
				}
				if i%2 == 1 {
					continue
				}
				if fresh[i] {
					firsts++
				}
				if !cmp.Equal(receipts[i], receipts[0]) {
					t.Fatalf("round %d: receipts differ: %s", round, cmp.Diff(receipts[0], receipts[i]))
				}
			}
			if firsts != 1 || f.rows(cid) != round+1 || f.rows(other) != (round+1)*n/2 || subsidised != 1 {
				t.Fatalf("round %d: %d first answers, rows %d and %d, %d subsidised meals", round, firsts,
					f.rows(cid), f.rows(other), subsidised)
			}
			f.clock.AdvanceDays(1)
		}
	})
}

// concurrently runs fn(0) … fn(n-1) in goroutines released together, and fails on any error.
func concurrently(t *testing.T, n int, fn func(i int) error) {
	t.Helper()
	var wg sync.WaitGroup
	start := make(chan struct{})
	errs := make([]error, n)
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			<-start
			errs[i] = fn(i)
		}()
	}
	close(start)
	wg.Wait()
	for i, err := range errs {
		if err != nil {
			t.Fatalf("request %d: %v", i, err)
		}
	}
}

// TestServeKeyTakenMeanwhile plays the losing side of a race directly: a transaction that finds
// no meal under its key, but whose insert meets one committed meanwhile, inserts nothing and
// says so, and Serve answers with the stored meal.
func TestServeKeyTakenMeanwhile(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		f := newFixture(t, d, day(2024, 3, 5))
		cid, lunch := f.canteen(f.laoshan)
		card := f.diner(f.laoshan, day(1955, 4, 1))
		first, _ := f.serve(cid, lunch, card, "k")
		err := d.InTx(f.ctx, func(tx *db.Tx) error {
			r, err := f.s.serve(f.ctx, tx, cid, "k", ServeInput{CardNo: card, MenuItemID: lunch})
			if err == nil {
				err = fmt.Errorf("inserted row %d under a taken key", r.TransactionID)
			}
			if errors.Is(err, errKeyTaken) {
				return nil
			}
			return err
		})
		if err != nil || f.rows(cid) != 1 || first.DinerPays != money.Yuan(6) {
			t.Fatalf("err %v, rows %d", err, f.rows(cid))
		}
	})
}

// TestServeQRToken serves by the QR token printed on the card, replays by token or by card, and
// refuses another diner's token under the same key.
func TestServeQRToken(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		f := newFixture(t, d, day(2024, 3, 5))
		cid, lunch := f.canteen(f.laoshan)
		reg, err := f.s.RegisterDiner(f.ctx, f.admin, DinerInput{Name: "赵奶奶", IDNumber: f.idNumber(day(1950, 2, 3)), HomeRegion: f.laoshan})
		if err != nil {
			t.Fatal(err)
		}
		r, replayed, err := f.s.Serve(f.ctx, cid, "qr-1", ServeInput{QRToken: reg.QRToken, MenuItemID: lunch})
		if err != nil || replayed || r.DinerID != reg.DinerID || r.CardNo != reg.CardNo || r.DinerPays != money.Yuan(6) {
			t.Fatalf("by QR: %+v replayed=%v err=%v", r, replayed, err)
		}
		for _, in := range []ServeInput{{QRToken: reg.QRToken, MenuItemID: lunch}, {CardNo: reg.CardNo, MenuItemID: lunch}} {
			again, replayed, err := f.s.Serve(f.ctx, cid, "qr-1", in)
			if err != nil || !replayed || !cmp.Equal(again, r) {
				t.Fatalf("replay %+v: replayed=%v err=%v diff %s", in, replayed, err, cmp.Diff(r, again))
			}
		}
		other, err := f.s.RegisterDiner(f.ctx, f.admin, DinerInput{Name: "钱爷爷", IDNumber: f.idNumber(day(1951, 2, 3)), HomeRegion: f.laoshan})
		if err != nil {
			t.Fatal(err)
		}
		_, _, err = f.s.Serve(f.ctx, cid, "qr-1", ServeInput{QRToken: other.QRToken, MenuItemID: lunch})
		wantKind(t, err, apperr.Conflict)
		_, _, err = f.s.Serve(f.ctx, cid, "qr-2", ServeInput{QRToken: "not-a-token", MenuItemID: lunch})
		wantKind(t, err, apperr.NotFound)
		if f.rows(cid) != 1 {
			t.Fatalf("%d rows, want 1", f.rows(cid))
		}
	})
}

// insertOrder writes an online order of diner card for today directly, as the ordering code
// would leave it, with what the diner pays.
func (f *fixture) insertOrder(card string, cid, item int64, day civil.Date, status string, pays money.Fen) {
	f.t.Helper()
	var dinerID int64
	if err := f.d.QueryRow(f.ctx, `SELECT id FROM diners WHERE card_no = ?`, card).Scan(&dinerID); err != nil {
		f.t.Fatal(err)
	}
	price := money.Yuan(12)
	if _, err := f.d.Exec(f.ctx, `INSERT INTO meal_orders (diner_id, canteen_id, menu_item_id, meal_type, meal_day, price_fen,
		diner_pays_fen, city_fen, ordered_by, status, created_at, updated_at) VALUES (?, ?, ?, 'lunch', ?, ?, ?, ?, 'diner', ?, ?, ?)`,
		dinerID, cid, item, day.String(), int64(price), int64(pays), int64(price-pays), status, "2024-03-01T00:00:00.000000Z",
		"2024-03-01T00:00:00.000000Z"); err != nil {
		f.t.Fatal(err)
	}
}

// TestServeCountsOnlineOrders: a live online order with a subsidy takes the day's subsidised
// meal, so the counter charges in full and flags; a cancelled order, an order paid in full and
// an order of another day do not.
func TestServeCountsOnlineOrders(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		today := day(2024, 3, 5)
		f := newFixture(t, d, today)
		cid, lunch := f.canteen(f.laoshan)
		for i, tc := range []struct {
			name   string
			status string
			day    civil.Date
			pays   money.Fen
			want   money.Fen
		}{
			{"placed with a subsidy", OrderPlaced, today, money.Yuan(6), money.Yuan(12)},
			{"paid with a subsidy", OrderPaid, today, money.Yuan(6), money.Yuan(12)},
			{"cancelled", OrderCancelled, today, money.Yuan(6), money.Yuan(6)},
			{"paid in full", OrderPaid, today, money.Yuan(12), money.Yuan(6)},
			{"tomorrow", OrderPaid, today.AddDays(1), money.Yuan(6), money.Yuan(6)},
		} {
			t.Run(tc.name, func(t *testing.T) {
				card := f.diner(f.laoshan, day(1955, 4, 1+i))
				f.insertOrder(card, cid, lunch, tc.day, tc.status, tc.pays)
				r, _, err := f.s.Serve(f.ctx, cid, fmt.Sprint("counts-", i), ServeInput{CardNo: card, MenuItemID: lunch})
				if err != nil {
					t.Fatal(err)
				}
				if r.DinerPays != tc.want || (tc.want == money.Yuan(12)) != slices.Contains(r.Flags, "second_meal_today") {
					t.Fatalf("pays %v flags %v, want %v", r.DinerPays, r.Flags, tc.want)
				}
			})
		}
	})
}

// TestServeAfterChanges: the cached canteen and menu item follow every change, whether made
// through the store or straight in the database by another process; a retry of a meal served
// before the change still gets its first receipt.
func TestServeAfterChanges(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		f := newFixture(t, d, day(2024, 3, 5))
		cid, lunch := f.canteen(f.laoshan)
		card := f.diner(f.laoshan, day(1955, 4, 1))
		first, _ := f.serve(cid, lunch, card, "k1")

		c, err := f.s.Canteen(f.ctx, f.admin, cid)
		if err != nil {
			t.Fatal(err)
		}
		in := CanteenInput{Name: c.Name, Operator: c.Operator, Address: c.Address, RegionCode: c.RegionCode, Status: CanteenSuspended}
		if err := f.s.UpdateCanteen(f.ctx, f.admin, cid, c.Version, in); err != nil {
			t.Fatal(err)
		}
		_, _, err = f.s.Serve(f.ctx, cid, "k2", ServeInput{CardNo: card, MenuItemID: lunch})
		wantKind(t, err, apperr.Conflict)
		again, replayed, err := f.s.Serve(f.ctx, cid, "k1", ServeInput{CardNo: card, MenuItemID: lunch})
		if err != nil || !replayed || !cmp.Equal(again, first) {
			t.Fatalf("retry after suspension: replayed=%v err=%v", replayed, err)
		}
		_, _, err = f.s.Serve(f.ctx, cid, "k1", ServeInput{CardNo: f.diner(f.laoshan, day(1950, 1, 1)), MenuItemID: lunch})
		wantKind(t, err, apperr.Conflict)

		// Another process reopens the canteen and moves it to weekdays only.
		if _, err := d.Exec(f.ctx, `UPDATE canteens SET status = 'open', open_days = '0000011', version = version + 1 WHERE id = ?`, cid); err != nil {
			t.Fatal(err)
		}
		r, _ := f.serve(cid, lunch, card, "k3")
		if r.DinerPays != money.Yuan(12) || !slices.Contains(r.Flags, FlagClosedDay) {
			t.Fatalf("after reopening: %+v", r)
		}

		if err := f.s.SetMenuItemActive(f.ctx, f.admin, lunch, false); err != nil {
			t.Fatal(err)
		}
		_, _, err = f.s.Serve(f.ctx, cid, "k4", ServeInput{CardNo: card, MenuItemID: lunch})
		wantKind(t, err, apperr.Conflict)
		if _, err := d.Exec(f.ctx, `UPDATE menu_items SET active = ?, price_fen = 1500 WHERE id = ?`, true, lunch); err != nil {
			t.Fatal(err)
		}
		if r, _ := f.serve(cid, lunch, card, "k5"); r.Price != money.Yuan(15) {
			t.Fatalf("new price not seen: %+v", r)
		}
		if f.rows(cid) != 3 {
			t.Fatalf("%d rows, want 3", f.rows(cid))
		}
	})
}

// TestServeReservedKeys: keys of served online orders are not the terminal's to use.
func TestServeReservedKeys(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		f := newFixture(t, d, day(2024, 3, 5))
		cid, lunch := f.canteen(f.laoshan)
		card := f.diner(f.laoshan, day(1955, 4, 1))
		_, _, err := f.s.Serve(f.ctx, cid, TransactionKey(7), ServeInput{CardNo: card, MenuItemID: lunch})
		wantKind(t, err, apperr.Invalid)
		_, _, err = f.s.Serve(f.ctx, cid, "k", ServeInput{CardNo: card})
		wantKind(t, err, apperr.Invalid)
	})
}

// TestPreviewMeal: what the terminal shows before charging matches what Serve then charges.
func TestPreviewMeal(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		f := newFixture(t, d, day(2024, 3, 5))
		cid, lunch := f.canteen(f.laoshan)
		dinner, err := f.s.AddMenuItem(f.ctx, f.admin, cid, MenuItem{Name: "晚餐套餐", MealType: Dinner, Price: money.Yuan(10)})
		if err != nil {
			t.Fatal(err)
		}
		reg, err := f.s.RegisterDiner(f.ctx, f.admin, DinerInput{Name: "孙奶奶", IDNumber: f.idNumber(day(1950, 2, 3)), HomeRegion: f.laoshan})
		if err != nil {
			t.Fatal(err)
		}
		pv, err := f.s.PreviewMeal(f.ctx, cid, ServeInput{CardNo: reg.CardNo})
		if err != nil {
			t.Fatal(err)
		}
		if pv.Name != "孙*奶" || pv.SubsidisedToday != 0 || pv.SubsidisedLeft != 1 || len(pv.Offers) != 2 ||
			pv.Offers[0].Item.ID != lunch || pv.Offers[0].Quote.DinerPays != money.Yuan(6) || pv.Offers[1].Item.ID != dinner {
			t.Fatalf("before: %+v", pv)
		}
		r, _ := f.serve(cid, lunch, reg.CardNo, "k")
		if r.DinerPays != pv.Offers[0].Quote.DinerPays {
			t.Fatalf("charged %v, previewed %v", r.DinerPays, pv.Offers[0].Quote.DinerPays)
		}
		pv, err = f.s.PreviewMeal(f.ctx, cid, ServeInput{QRToken: reg.QRToken})
		if err != nil {
			t.Fatal(err)
		}
		if pv.SubsidisedToday != 1 || pv.SubsidisedLeft != 0 || pv.Offers[0].Quote.DinerPays != money.Yuan(12) {
			t.Fatalf("after: %+v", pv)
		}
		_, err = f.s.PreviewMeal(f.ctx, cid, ServeInput{})
		wantKind(t, err, apperr.Invalid)
		unknown, _ := newCardNo()
		_, err = f.s.PreviewMeal(f.ctx, cid, ServeInput{CardNo: unknown})
		wantKind(t, err, apperr.NotFound)
		_, err = f.s.PreviewMeal(f.ctx, 9999, ServeInput{CardNo: reg.CardNo})
		wantKind(t, err, apperr.NotFound)

		if err := f.s.SetMenuItemActive(f.ctx, f.admin, dinner, false); err != nil {
			t.Fatal(err)
		}
		c, items, err := f.s.TerminalMenu(f.ctx, cid)
		if err != nil || c.ID != cid || len(items) != 1 || items[0].ID != lunch {
			t.Fatalf("menu %+v %+v %v", c, items, err)
		}
	})
}

// TestServeBatchFault: meals that share a transaction are each answered for themselves. A
// database error of one meal aborts the shared transaction; every meal is then served again
// alone, so the others are recorded (once) and only a meal whose fault persists fails.
func TestServeBatchFault(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		f := newFixture(t, d, day(2024, 3, 5))
		cid, lunch := f.canteen(f.laoshan)
		var cards []string
		for i := range 4 {
			cards = append(cards, f.diner(f.laoshan, day(1950, 1, 1+i)))
		}
		failures := map[string]int{}
		serveFault = func(key string) error {
			if strings.HasPrefix(key, "bad") && (key == "bad-always" || failures[key] == 0) {
				failures[key]++
				return errors.New("injected database fault")
			}
			return nil
		}
		defer func() { serveFault = nil }()
		run := func(keys ...string) []serveResult {
			var batch []*serveReq
			for i, k := range keys {
				batch = append(batch, &serveReq{cid: cid, key: k, in: ServeInput{CardNo: cards[i%len(cards)], MenuItemID: lunch},
					done: make(chan serveResult, 1)})
			}
			f.s.serveBatch(batch)
			out := make([]serveResult, len(batch))
			for i, q := range batch {
				out[i] = <-q.done
			}
			return out
		}
		res := run("a1", "a2", "bad-once", "a3", "a1")
		for i, r := range res {
			if r.err != nil || r.r == nil || r.replayed != (i == 4) {
				t.Fatalf("meal %d: %+v", i, r)
			}
		}
		if res[4].r.TransactionID != res[0].r.TransactionID || f.rows(cid) != 4 {
			t.Fatalf("rows %d; replay %d of %d", f.rows(cid), res[4].r.TransactionID, res[0].r.TransactionID)
		}
		res = run("b1", "bad-always", "b2")
		if res[0].err != nil || res[2].err != nil || apperr.KindOf(res[1].err) != apperr.Internal || f.rows(cid) != 6 {
			t.Fatalf("persistent fault: %+v, rows %d", res, f.rows(cid))
		}
	})
}

// TestServeWaitsForTheDinersLock plays two transactions that serve the same card at two
// canteens, bypassing the lanes (as two app servers would): the second waits for the diner's
// lock while the first holds it, and when the first commits, the second must count the first's
// meal although its first statement's snapshot predates it (PostgreSQL), and charge in full.
func TestServeWaitsForTheDinersLock(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		f := newFixture(t, d, day(2024, 3, 5))
		cid, lunch := f.canteen(f.laoshan)
		other, otherLunch := f.canteen(f.laoshan)
		card := f.diner(f.laoshan, day(1955, 4, 1))
		locked, release := make(chan struct{}), make(chan struct{})
		first := make(chan error, 1)
		go func() {
			first <- d.InTx(f.ctx, func(tx *db.Tx) error {
				_, err := f.s.serve(f.ctx, tx, cid, "a", ServeInput{CardNo: card, MenuItemID: lunch})
				close(locked)
				<-release
				return err
			})
		}()
		<-locked
		var second *Receipt
		done := make(chan error, 1)
		go func() {
			done <- d.InTx(f.ctx, func(tx *db.Tx) error {
				var err error
				second, err = f.s.serve(f.ctx, tx, other, "b", ServeInput{CardNo: card, MenuItemID: otherLunch})
				return err
			})
		}()
		if d.Dialect() == db.Postgres {
			// Wait until the second transaction really waits for the diner's row lock.
			for i := 0; ; i++ {
				var waiting int
				if err := d.QueryRow(f.ctx, `SELECT COUNT(*) FROM pg_stat_activity WHERE wait_event_type = 'Lock'
					AND datname = current_database()`).Scan(&waiting); err != nil {
					t.Fatal(err)
				}
				if waiting > 0 {
					break
				}
				if i == 500 {
					t.Fatal("the second transaction never waited for the lock")
				}
				time.Sleep(10 * time.Millisecond)
			}
		}
		close(release)
		if err := <-first; err != nil {
			t.Fatal(err)
		}
		if err := <-done; err != nil {
			t.Fatal(err)
		}
		if second.DinerPays != money.Yuan(12) || !slices.Contains(second.Flags, "second_meal_today") {
			t.Fatalf("second meal: %+v", second)
		}
	})
}
