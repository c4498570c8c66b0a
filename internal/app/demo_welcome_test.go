package app

import (
	"bytes"
	"context"
	"regexp"
	"testing"
	"time"

	"github.com/minzheng/minzheng/internal/civil"
	"github.com/minzheng/minzheng/internal/meals"
)

// TestDemoWelcomeRelative reads the phone the demo's welcome prints for 亲属代订餐, signs in with
// it as the relatives' phone pages do, and finds a paid order still to serve at the demo canteen
// operator's canteen among the orders that relative sees.
func TestDemoWelcomeRelative(t *testing.T) {
	m := startDemo(t, "")
	var out bytes.Buffer
	m.Stdout = &out
	printDemoWelcome(m)
	match := regexp.MustCompile(`/m/meals — 手机号 phone (1\d{10}),`).FindStringSubmatch(out.String())
	if match == nil {
		t.Fatalf("no relative's phone in the welcome:\n%s", out.String())
	}
	g := &demoMealsGen{ctx: context.Background(), svc: m.svc}
	citizen, err := g.signIn(match[1], time.Now())
	if err != nil {
		t.Fatalf("sign in as %s: %v", match[1], err)
	}
	var operatorCanteen int64
	if err := m.DB.QueryRow(g.ctx, `SELECT org_id FROM users WHERE login = 'canteen'`).Scan(&operatorCanteen); err != nil {
		t.Fatal(err)
	}
	today := civil.Today(m.Now())
	orders, err := m.svc.meals.MyOrders(g.ctx, meals.ByCitizen(citizen), today)
	if err != nil {
		t.Fatal(err)
	}
	for _, o := range orders {
		if o.CanteenID == operatorCanteen && o.Status == meals.OrderPaid && !o.Day.Before(today) {
			return
		}
	}
	t.Fatalf("the relative's orders from %s hold no paid order at canteen %d: %+v", today, operatorCanteen, orders)
}
