package meals

import (
	"fmt"
	"slices"
	"sync"
	"testing"

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
// answers with the stored meal.
func TestServeKeyTakenMeanwhile(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		f := newFixture(t, d, day(2024, 3, 5))
		cid, lunch := f.canteen(f.laoshan)
		card := f.diner(f.laoshan, day(1955, 4, 1))
		first, _ := f.serve(cid, lunch, card, "k")
		err := d.InTx(f.ctx, func(tx *db.Tx) error {
			id, err := f.s.serve(f.ctx, tx, cid, "k", ServeInput{CardNo: card, MenuItemID: lunch})
			if err == nil && id != 0 {
				err = fmt.Errorf("inserted row %d under a taken key", id)
			}
			return err
		})
		if err != nil || f.rows(cid) != 1 || first.DinerPays != money.Yuan(6) {
			t.Fatalf("err %v, rows %d", err, f.rows(cid))
		}
	})
}
