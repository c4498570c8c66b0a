package app

import (
	"context"
	"fmt"
	"strings"

	"github.com/minzheng/minzheng/internal/auth"
	"github.com/minzheng/minzheng/internal/civil"
	"github.com/minzheng/minzheng/internal/db"
	"github.com/minzheng/minzheng/internal/idcard"
	"github.com/minzheng/minzheng/internal/meals"
	"github.com/minzheng/minzheng/internal/money"
	"github.com/minzheng/minzheng/internal/msg"
	"github.com/minzheng/minzheng/internal/synth"
)

// The meals benchmark (and the kill test) run on a database of their own: canteens whose
// operator is benchOperator and diners registered by benchLogin, nothing else. A database with
// anything else in it is refused, so a mistyped --db cannot fill a city's books with test meals.
const (
	benchOperator = "压测运营单位（bench meals）"
	benchLogin    = "bench.meals"
)

// benchCanteen is a canteen of the benchmark with the lunch item it sells and a terminal token.
type benchCanteen struct {
	id, item int64
	token    string
}

// benchMealsData is what the load generator needs: the canteens and the diners' card numbers.
type benchMealsData struct {
	canteens []benchCanteen
	cards    []string
}

// checkMealsBenchDB refuses a database that holds anything but an earlier benchmark's data.
func checkMealsBenchDB(ctx context.Context, d *db.DB) error {
	var households, users, canteens, diners int
	if err := d.QueryRow(ctx, `SELECT (SELECT COUNT(*) FROM households), (SELECT COUNT(*) FROM users),
		(SELECT COUNT(*) FROM canteens WHERE operator <> ?), (SELECT COUNT(*) FROM diners WHERE created_by <> ?)`,
		benchOperator, benchLogin).Scan(&households, &users, &canteens, &diners); err != nil {
		return err
	}
	var found []string
	for _, c := range []struct {
		n    int
		what string
	}{{households, "households"}, {users, "users"}, {canteens, "canteens"}, {diners, "diners"}} {
		if c.n > 0 {
			found = append(found, fmt.Sprintf("%d %s", c.n, c.what))
		}
	}
	if len(found) > 0 {
		return fmt.Errorf("%s", msg.Default().T("meals.bench.not_bench_db", strings.Join(found, ", ")))
	}
	return nil
}

// seedMealsBench makes sure the database has n canteens (each with a 12-yuan lunch) spread over
// the demo city's districts and m diners living across them, registers what is missing through
// the meals store as staff would, and issues every canteen a fresh terminal token (a secret is
// shown only when issued). An earlier run's canteens and diners are reused.
func seedMealsBench(ctx context.Context, svc *services, n, m int, progress func(string)) (*benchMealsData, error) {
	if err := checkMealsBenchDB(ctx, svc.db); err != nil {
		return nil, err
	}
	if _, err := synth.Regions(ctx, svc.db, 20231231); err != nil {
		return nil, err
	}
	communities, err := benchCommunities(ctx, svc.db)
	if err != nil {
		return nil, err
	}
	staff := &auth.Principal{Login: benchLogin, Name: benchLogin, Role: auth.CityAdmin, Scope: "3702"}
	out := &benchMealsData{}
	rows, err := svc.db.Query(ctx, `SELECT c.id, MIN(m.id) FROM canteens c JOIN menu_items m ON m.canteen_id = c.id
		WHERE c.operator = ? AND m.active = ? GROUP BY c.id ORDER BY c.id`, benchOperator, true)
	if err != nil {
		return nil, err
	}
	for rows.Next() {
		var c benchCanteen
		if err := rows.Scan(&c.id, &c.item); err != nil {
			rows.Close()
			return nil, err
		}
		out.canteens = append(out.canteens, c)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, err
	}
	for i := len(out.canteens); i < n; i++ {
		code := communities[(i*7919)%len(communities)]
		id, err := svc.meals.CreateCanteen(ctx, staff, meals.CanteenInput{Name: fmt.Sprintf("压测食堂 %04d", i+1),
			Operator: benchOperator, Address: fmt.Sprintf("压测路 %d 号", i+1), RegionCode: code, Capacity: 500})
		if err != nil {
			return nil, fmt.Errorf("canteen %d: %w", i+1, err)
		}
		item, err := svc.meals.AddMenuItem(ctx, staff, id, meals.MenuItem{Name: "两荤两素套餐", MealType: meals.Lunch, Price: money.Yuan(12)})
		if err != nil {
			return nil, err
		}
		out.canteens = append(out.canteens, benchCanteen{id: id, item: item})
	}
	out.canteens = out.canteens[:n]
	for i := range out.canteens {
		if _, out.canteens[i].token, err = svc.meals.IssueTerminalToken(ctx, staff, out.canteens[i].id, "压测终端"); err != nil {
			return nil, err
		}
	}
	progress(fmt.Sprintf("%d canteens with a terminal token each", n))

	if out.cards, err = benchCards(ctx, svc.db, m); err != nil {
		return nil, err
	}
	for i := len(out.cards); len(out.cards) < m; i++ {
		home := communities[(i*104729)%len(communities)]
		birth := civil.Date{Year: 1930, Month: 1, Day: 1}.AddDays(i / 1000 * 7)
		in := meals.DinerInput{Name: benchName(i), HomeRegion: home, IDNumber: string(idcard.Synthesize(home[:6], birth, i%1000))}
		if i%10 == 3 {
			in.Categories = []string{meals.CategoryDisabled}
		}
		r, err := svc.meals.RegisterDiner(ctx, staff, in)
		if err != nil {
			return nil, fmt.Errorf("diner %d: %w", i+1, err)
		}
		out.cards = append(out.cards, r.CardNo)
		if len(out.cards)%500 == 0 {
			progress(fmt.Sprintf("%d / %d diners registered", len(out.cards), m))
		}
	}
	progress(fmt.Sprintf("%d diners", m))
	return out, nil
}

// benchCards reads up to m card numbers of the benchmark's diners registered before.
func benchCards(ctx context.Context, d *db.DB, m int) ([]string, error) {
	return db.Column[string](d.Query(ctx, `SELECT card_no FROM diners WHERE created_by = ? ORDER BY id LIMIT ?`, benchLogin, m))
}

// benchCommunities lists the demo city's communities in code order.
func benchCommunities(ctx context.Context, d *db.DB) ([]string, error) {
	out, err := db.Column[string](d.Query(ctx, `SELECT code FROM regions WHERE level = 5 AND code LIKE '3702%' ORDER BY code`))
	if err == nil && len(out) == 0 {
		err = fmt.Errorf("no communities in the region table")
	}
	return out, err
}

// benchName is a plausible Chinese name for diner i.
func benchName(i int) string {
	family := []rune("王李张刘陈杨赵黄周吴徐孙胡朱高林何郭马罗")
	given := []rune("秀英桂兰玉珍凤芝淑华建国志明德福春荣")
	return string(family[i%len(family)]) + string(given[(i/len(family))%len(given)]) + string(given[(i*7/len(family)+3)%len(given)])
}
