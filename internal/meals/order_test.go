package meals

import (
	"context"
	"errors"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/minzheng/minzheng/internal/apperr"
	"github.com/minzheng/minzheng/internal/auth"
	"github.com/minzheng/minzheng/internal/civil"
	"github.com/minzheng/minzheng/internal/db"
	"github.com/minzheng/minzheng/internal/db/dbtest"
	"github.com/minzheng/minzheng/internal/money"
	"github.com/minzheng/minzheng/internal/region"
)

// orderEnv is a fixture on Tuesday 2024-03-05 at 10:00 Beijing time (the clock moves by
// minutes through later), with a canteen in 崂山区 offering a 12-yuan lunch and dinner, a
// 76-year-old diner with her own phone and a daughter linked as relative, signed in.
type orderEnv struct {
	*fixture
	cid, lunch, dinner int64
	diner              int64
	daughter           Orderer
	operator           *auth.Principal
	later              time.Duration // added to the fixture's clock
	pay                *recordingPayments
}

const (
	elderPhone    = "13800000001"
	daughterPhone = "13900001111"
)

func newOrderEnv(t *testing.T, d *db.DB) *orderEnv {
	t.Helper()
	e := &orderEnv{fixture: newFixture(t, d, day(2024, 3, 5)), pay: &recordingPayments{}}
	e.s.Now = func() time.Time { return e.clock.Now().Add(e.later) }
	e.s.Payments = e.pay
	e.s.Policies = append(slices.Clone(e.s.Policies), anyMealPolicy)
	e.cid, e.lunch = e.canteen(e.laoshan)
	var err error
	if e.dinner, err = e.s.AddMenuItem(e.ctx, e.admin, e.cid, MenuItem{Name: "晚餐套餐", MealType: Dinner, Price: money.Yuan(12)}); err != nil {
		t.Fatal(err)
	}
	e.diner = e.elder(e.laoshan, day(1948, 3, 1), elderPhone)
	if _, err := e.s.AddRelative(e.ctx, e.officer, e.diner, RelativeInput{Name: "王小红", Relation: "女儿", Phone: daughterPhone}); err != nil {
		t.Fatal(err)
	}
	e.daughter = e.signIn(daughterPhone)
	e.operator = &auth.Principal{Login: "canteen.op", Role: auth.CanteenOperator, Scope: region.Scope(e.laoshan), OrgID: e.cid}
	return e
}

// anyMealPolicy subsidises every meal of 崂山区 diners aged 60 or over (city 3 + district 3
// yuan), one meal a day, so that a day's second meal, lunch or dinner, meets the daily cap.
var anyMealPolicy = Policy{ID: "laoshan-test", Name: "崂山区测试政策", Region: "370212", ValidFrom: civil.Date{Year: 2024, Month: 1, Day: 1},
	DailyCap: 1, Rules: []Rule{{ID: "age60", When: When{MinAge: 60},
		Shares: []Share{{Source: SourceCity, Amount: money.Yuan(3)}, {Source: SourceDistrict, Amount: money.Yuan(3), HomeOnly: true}}}}}

// place places an order and fails the test on an error.
func (e *orderEnv) place(o Orderer, in OrderInput) *Order {
	e.t.Helper()
	ord, err := e.s.PlaceOrder(e.ctx, o, in)
	if err != nil {
		e.t.Fatal(err)
	}
	return ord
}

// lunchOn is an eat-in order of the canteen's lunch for the env's diner on d.
func (e *orderEnv) lunchOn(d civil.Date) OrderInput {
	return OrderInput{DinerID: e.diner, CanteenID: e.cid, MenuItemID: e.lunch, Day: d}
}

// setCanteen changes the env's canteen with change.
func (e *orderEnv) setCanteen(change func(*CanteenInput)) {
	e.t.Helper()
	c, err := e.s.Canteen(e.ctx, e.admin, e.cid)
	if err != nil {
		e.t.Fatal(err)
	}
	in := CanteenInput{Name: c.Name, Operator: c.Operator, Address: c.Address, RegionCode: c.RegionCode, Capacity: c.Capacity,
		OpenDays: c.OpenDays, Delivery: c.Delivery, Status: c.Status, CutoffMinutes: c.CutoffMinutes}
	change(&in)
	if err := e.s.UpdateCanteen(e.ctx, e.admin, e.cid, c.Version, in); err != nil {
		e.t.Fatal(err)
	}
}

// recordingPayments is a provider that records its calls and fails while failing is set.
type recordingPayments struct {
	mu      sync.Mutex
	failing bool
	charges []Charge
	refunds []Refund
}

func (p *recordingPayments) Name() string { return "test" }

func (p *recordingPayments) Charge(_ context.Context, c Charge) (string, error) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.failing {
		return "", errors.New("gateway timeout")
	}
	p.charges = append(p.charges, c)
	return "pay-" + c.Key, nil
}

func (p *recordingPayments) Refund(_ context.Context, r Refund) (string, error) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.failing {
		return "", errors.New("gateway timeout")
	}
	p.refunds = append(p.refunds, r)
	return "refund-" + r.Key, nil
}

func TestOrderByRelativeStaffAndStranger(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		e := newOrderEnv(t, d)
		tomorrow := day(2024, 3, 6)
		ord := e.place(e.daughter, e.lunchOn(tomorrow))
		if ord.Status != OrderPlaced || ord.Price != money.Yuan(12) || ord.DinerPays != money.Yuan(6) || ord.City != money.Yuan(3) ||
			ord.District != money.Yuan(3) || ord.Rule != "age60" || ord.PolicyID != "laoshan-test" ||
			ord.OrderedBy == "" || ord.OrderedBy[:9] != "relative:" || ord.DinerName != "李*英" || ord.MealType != Lunch ||
			ord.Day != tomorrow || ord.Delivery || !ord.CanPay || !ord.CanCancel || ord.CanFulfil {
			t.Fatalf("order %+v", ord)
		}
		if e.auditCount("meals.order.place") != 1 {
			t.Error("placing is not audited")
		}

		// The elderly person with her own number sees it and orders her own dinner.
		self := e.signIn(elderPhone)
		mine, err := e.s.MyOrders(e.ctx, self, e.s.today())
		if err != nil || len(mine) != 1 || mine[0].ID != ord.ID {
			t.Fatalf("elder's orders %+v, %v", mine, err)
		}
		own := e.place(self, OrderInput{DinerID: e.diner, CanteenID: e.cid, MenuItemID: e.dinner, Day: tomorrow})
		if own.OrderedBy != "diner" || own.DinerPays != money.Yuan(12) || own.Reason == "" {
			t.Fatalf("her own dinner, the day's second meal, is not priced in full: %+v", own)
		}

		// A stranger signed in with another number learns nothing and can do nothing.
		stranger := e.signIn("13700007777")
		if ds, _ := e.s.OrderDiners(e.ctx, stranger); len(ds) != 0 {
			t.Fatalf("stranger may order for %+v", ds)
		}
		_, err = e.s.PlaceOrder(e.ctx, stranger, e.lunchOn(day(2024, 3, 7)))
		wantKind(t, err, apperr.NotFound)
		_, err = e.s.Order(e.ctx, stranger, ord.ID)
		wantKind(t, err, apperr.NotFound)
		_, err = e.s.Cancel(e.ctx, stranger, ord.ID)
		wantKind(t, err, apperr.NotFound)
		_, err = e.s.Pay(e.ctx, stranger, ord.ID)
		wantKind(t, err, apperr.NotFound)
		if mine, _ := e.s.MyOrders(e.ctx, stranger, day(2024, 1, 1)); len(mine) != 0 {
			t.Fatalf("stranger's orders %+v", mine)
		}
		_, err = e.s.PlaceOrder(e.ctx, Orderer{}, e.lunchOn(day(2024, 3, 7)))
		wantKind(t, err, apperr.Unauthenticated)

		// Staff who may register the diner order too; others may not.
		staff := e.place(ByStaff(e.officer), e.lunchOn(day(2024, 3, 7)))
		if staff.OrderedBy != "staff:laoshan.officer" {
			t.Fatalf("staff order by %q", staff.OrderedBy)
		}
		shinan := &auth.Principal{Login: "shinan", Role: auth.StreetOfficer, Scope: region.Scope(e.shinan[:9])}
		auditor := &auth.Principal{Login: "auditor", Role: auth.Auditor, Scope: region.Scope("3702")}
		for _, tc := range []struct {
			p    *auth.Principal
			kind apperr.Kind
		}{{shinan, apperr.NotFound}, {auditor, apperr.Forbidden}, {e.operator, apperr.NotFound}} {
			_, err := e.s.PlaceOrder(e.ctx, ByStaff(tc.p), e.lunchOn(day(2024, 3, 8)))
			wantKind(t, err, tc.kind)
		}
		// The canteen's operator and the auditor read the order; another district does not.
		if _, err := e.s.Order(e.ctx, ByStaff(e.operator), ord.ID); err != nil {
			t.Errorf("operator reads the order: %v", err)
		}
		if _, err := e.s.Order(e.ctx, ByStaff(auditor), ord.ID); err != nil {
			t.Errorf("auditor reads the order: %v", err)
		}
		_, err = e.s.Order(e.ctx, ByStaff(shinan), ord.ID)
		wantKind(t, err, apperr.NotFound)
		// The operator sees but neither pays nor cancels.
		_, err = e.s.Cancel(e.ctx, ByStaff(e.operator), ord.ID)
		wantKind(t, err, apperr.Forbidden)
		list, err := e.s.DinerOrders(e.ctx, e.officer, e.diner, e.s.today())
		if err != nil || len(list) != 3 {
			t.Fatalf("diner's orders %d, %v", len(list), err)
		}
	})
}

func TestOrderRefusesDays(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		e := newOrderEnv(t, d)
		e.setCanteen(func(in *CanteenInput) { in.OpenDays = "1111100" })
		for _, tc := range []struct {
			name  string
			day   civil.Date
			kind  apperr.Kind
			field string
		}{
			{"no day", civil.Date{}, apperr.Invalid, "day"},
			{"yesterday", day(2024, 3, 4), apperr.Invalid, "day"},
			{"eight days ahead", day(2024, 3, 13), apperr.Invalid, "day"},
			{"Saturday, closed", day(2024, 3, 9), apperr.Invalid, "day"},
			{"lunch today closed at 09:00", day(2024, 3, 5), apperr.Conflict, ""},
		} {
			t.Run(tc.name, func(t *testing.T) {
				_, err := e.s.PlaceOrder(e.ctx, e.daughter, e.lunchOn(tc.day))
				wantKind(t, err, tc.kind)
				if f := apperr.As(err).Field; f != tc.field {
					t.Errorf("field %q, want %q", f, tc.field)
				}
			})
		}
		e.place(e.daughter, e.lunchOn(day(2024, 3, 12))) // seven days ahead
		_, err := e.s.PlaceOrder(e.ctx, e.daughter, OrderInput{DinerID: e.diner, CanteenID: e.cid, MenuItemID: 999999, Day: day(2024, 3, 6)})
		wantKind(t, err, apperr.NotFound)
		if err := e.s.SetMenuItemActive(e.ctx, e.admin, e.dinner, false); err != nil {
			t.Fatal(err)
		}
		_, err = e.s.PlaceOrder(e.ctx, e.daughter, OrderInput{DinerID: e.diner, CanteenID: e.cid, MenuItemID: e.dinner, Day: day(2024, 3, 6)})
		wantKind(t, err, apperr.Conflict)
		var n int
		if err := d.QueryRow(e.ctx, `SELECT COUNT(*) FROM meal_orders`).Scan(&n); err != nil || n != 1 {
			t.Fatalf("%d orders stored, want 1 (%v)", n, err)
		}
	})
}

func TestCanteenCutoffSetting(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		e := newOrderEnv(t, d)
		c, err := e.s.Canteen(e.ctx, e.admin, e.cid)
		if err != nil || c.CutoffMinutes != DefaultCutoffMinutes {
			t.Fatalf("new canteen cut-off %d, %v", c.CutoffMinutes, err)
		}
		for _, bad := range []int{-1, 1441} {
			err := e.s.UpdateCanteen(e.ctx, e.admin, e.cid, c.Version, CanteenInput{Name: c.Name, Operator: c.Operator,
				Address: c.Address, RegionCode: c.RegionCode, CutoffMinutes: bad})
			wantKind(t, err, apperr.Invalid)
			if apperr.As(err).Field != "cutoff_minutes" {
				t.Errorf("cut-off %d: field %q", bad, apperr.As(err).Field)
			}
		}
		e.setCanteen(func(in *CanteenInput) { in.CutoffMinutes = 1440 })
		if c, _ := e.s.Canteen(e.ctx, e.admin, e.cid); c.CutoffMinutes != 1440 {
			t.Fatalf("cut-off %d, want 1440", c.CutoffMinutes)
		}
	})
}

func TestOrderCutoffAndCancel(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		e := newOrderEnv(t, d)
		e.setCanteen(func(in *CanteenInput) { in.CutoffMinutes = 30 }) // lunch closes at 10:30
		today := day(2024, 3, 5)
		ord := e.place(e.daughter, e.lunchOn(today))
		want := time.Date(2024, 3, 5, 10, 30, 0, 0, civil.China)
		if !ord.Cutoff.Equal(want) {
			t.Fatalf("cut-off %v, want %v", ord.Cutoff, want)
		}
		paid, err := e.s.Pay(e.ctx, e.daughter, ord.ID)
		if err != nil {
			t.Fatal(err)
		}
		if paid.Status != OrderPaid || paid.PaymentProvider != "test" || paid.PaymentRef != "pay-order-"+itoa(ord.ID)+"-charge" ||
			paid.PaidAt.IsZero() || paid.CanPay || !paid.CanCancel || !paid.CanFulfil {
			t.Fatalf("paid order %+v", paid)
		}
		if again, err := e.s.Pay(e.ctx, e.daughter, ord.ID); err != nil || again.Status != OrderPaid || len(e.pay.charges) != 1 {
			t.Fatalf("second pay: %v, %d charges", err, len(e.pay.charges))
		}
		if c := e.pay.charges[0]; c.Amount != money.Yuan(6) || c.OrderID != ord.ID || c.Key != "order-"+itoa(ord.ID)+"-charge" {
			t.Fatalf("charge %+v", c)
		}

		// At 10:31 the paid lunch can no longer be cancelled, nor a new one placed.
		e.later = 31 * time.Minute
		_, err = e.s.Cancel(e.ctx, e.daughter, ord.ID)
		wantKind(t, err, apperr.Conflict)
		if got, _ := e.s.Order(e.ctx, e.daughter, ord.ID); got.Status != OrderPaid || got.CanCancel {
			t.Fatalf("after a refused cancel: %+v", got)
		}
		if len(e.pay.refunds) != 0 {
			t.Fatal("a refused cancel refunded")
		}

		// Before its cut-off a paid dinner is cancelled and refunded, once however often asked.
		dinner := e.place(e.daughter, OrderInput{DinerID: e.diner, CanteenID: e.cid, MenuItemID: e.dinner, Day: today})
		if _, err := e.s.Pay(e.ctx, e.daughter, dinner.ID); err != nil {
			t.Fatal(err)
		}
		for range 2 {
			c, err := e.s.Cancel(e.ctx, e.daughter, dinner.ID)
			if err != nil || c.Status != OrderCancelled || c.CancelledAt.IsZero() || c.CanCancel || c.CanPay {
				t.Fatalf("cancel: %+v, %v", c, err)
			}
		}
		if len(e.pay.refunds) != 1 || e.pay.refunds[0].Amount != dinner.DinerPays || e.pay.refunds[0].ChargeRef == "" ||
			e.pay.refunds[0].Key != "order-"+itoa(dinner.ID)+"-refund" {
			t.Fatalf("refunds %+v", e.pay.refunds)
		}
		if e.auditCount("meals.order.cancel") != 1 {
			t.Errorf("%d cancel events, want 1", e.auditCount("meals.order.cancel"))
		}
		// The meal is free again: the same dinner may be ordered anew.
		e.place(e.daughter, OrderInput{DinerID: e.diner, CanteenID: e.cid, MenuItemID: e.dinner, Day: today})

		// An unpaid order may be cancelled after the cut-off: nobody cooks for it.
		e.later = 0
		e.setCanteen(func(in *CanteenInput) { in.CutoffMinutes = 30 })
		tomorrow := e.place(e.daughter, e.lunchOn(day(2024, 3, 6)))
		e.later = 25*time.Hour + 31*time.Minute // 2024-03-06 11:31
		if c, err := e.s.Cancel(e.ctx, e.daughter, tomorrow.ID); err != nil || c.Status != OrderCancelled {
			t.Fatalf("cancel unpaid after cut-off: %+v, %v", c, err)
		}
	})
}

func TestOrderPayFailureKeepsPlaced(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		e := newOrderEnv(t, d)
		ord := e.place(e.daughter, e.lunchOn(day(2024, 3, 6)))
		e.pay.failing = true
		_, err := e.s.Pay(e.ctx, e.daughter, ord.ID)
		wantKind(t, err, apperr.Conflict)
		if apperr.As(err).Code != "meals.order.pay_failed" {
			t.Fatalf("error %v", err)
		}
		got, err := e.s.Order(e.ctx, e.daughter, ord.ID)
		if err != nil || got.Status != OrderPlaced || got.PaymentRef != "" || !got.PaidAt.IsZero() || !got.CanPay {
			t.Fatalf("after a failed charge: %+v, %v", got, err)
		}
		day6, err := e.s.CanteenOrders(e.ctx, e.operator, e.cid, day(2024, 3, 6))
		if err != nil || len(day6.Counts) != 1 || day6.Counts[0].Unpaid != 1 || day6.Counts[0].Total() != 0 {
			t.Fatalf("kitchen counts an unpaid order: %+v, %v", day6, err)
		}
		_, err = e.s.Fulfil(e.ctx, e.operator, ord.ID)
		wantKind(t, err, apperr.Conflict)

		// A refund that fails leaves the order paid.
		e.pay.failing = false
		if got, err := e.s.Pay(e.ctx, e.daughter, ord.ID); err != nil || got.Status != OrderPaid {
			t.Fatalf("pay again: %+v, %v", got, err)
		}
		e.pay.failing = true
		_, err = e.s.Cancel(e.ctx, e.daughter, ord.ID)
		wantKind(t, err, apperr.Conflict)
		if got, _ := e.s.Order(e.ctx, e.daughter, ord.ID); got.Status != OrderPaid {
			t.Fatalf("after a failed refund: %+v", got)
		}
	})
}

func TestOrderDelivery(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		e := newOrderEnv(t, d)
		disabled := e.elder(e.laoshan, day(1940, 1, 1), "13800000002", CategoryDisabled)
		in := OrderInput{DinerID: disabled, CanteenID: e.cid, MenuItemID: e.lunch, Day: day(2024, 3, 6), Delivery: true}
		staff := ByStaff(e.officer)
		refused := func(name, code string, in OrderInput) {
			t.Helper()
			_, err := e.s.PlaceOrder(e.ctx, staff, in)
			if e := apperr.As(err); e.Code != code || e.Field != "delivery" {
				t.Errorf("%s: %v, want %s on delivery", name, err, code)
			}
		}
		refused("canteen does not deliver", "meals.order.no_delivery", in)
		e.setCanteen(func(c *CanteenInput) { c.Delivery = true })
		refused("no address on file", "meals.order.no_address", in)
		if err := e.s.SetDinerAddress(e.ctx, e.officer, disabled, "崂山区松岭路 88 号 2 单元 301"); err != nil {
			t.Fatal(err)
		}
		able := in
		able.DinerID = e.diner
		refused("not entitled", "meals.order.not_entitled", able)

		ord := e.place(staff, in)
		if !ord.Delivery || ord.AddressMasked != "崂山区松岭路****" {
			t.Fatalf("delivery order %+v", ord)
		}
		rec, err := e.s.Diner(e.ctx, e.officer, disabled)
		if err != nil || rec.AddressMasked != "崂山区松岭路****" {
			t.Fatalf("diner address %q, %v", rec.AddressMasked, err)
		}
		// A move afterwards does not change where this order goes.
		if err := e.s.SetDinerAddress(e.ctx, e.officer, disabled, "崂山区海尔路 1 号"); err != nil {
			t.Fatal(err)
		}
		_, err = e.s.RevealDeliveries(e.ctx, e.admin, e.cid, in.Day)
		wantKind(t, err, apperr.Forbidden)
		addrs, err := e.s.RevealDeliveries(e.ctx, e.operator, e.cid, in.Day)
		if err != nil || addrs[ord.ID] != "崂山区松岭路 88 号 2 单元 301" || len(addrs) != 1 {
			t.Fatalf("revealed %v, %v", addrs, err)
		}
		if e.auditCount("meals.order.reveal_addresses") != 1 {
			t.Error("reveal not audited")
		}
		cd, err := e.s.CanteenOrders(e.ctx, e.operator, e.cid, in.Day)
		if err != nil || len(cd.Deliveries) != 1 || cd.Deliveries[0].ID != ord.ID {
			t.Fatalf("delivery list %+v, %v", cd, err)
		}
		other := &auth.Principal{Login: "op2", Role: auth.CanteenOperator, Scope: region.Scope(e.laoshan), OrgID: e.cid + 1000}
		_, err = e.s.CanteenOrders(e.ctx, other, e.cid, in.Day)
		wantKind(t, err, apperr.NotFound)

		// The phone page offers delivery only to the entitled diner with an address.
		if err := e.s.SetDinerAddress(e.ctx, e.officer, e.diner, "崂山区松岭路 1 号"); err != nil {
			t.Fatal(err)
		}
		ds, err := e.s.OrderDiners(e.ctx, e.daughter)
		if err != nil || len(ds) != 1 || ds[0].Delivery {
			t.Fatalf("daughter's diner may have delivery: %+v, %v", ds, err)
		}
		err = e.s.SetDinerAddress(e.ctx, e.officer, disabled, string(make([]rune, 121)))
		wantKind(t, err, apperr.Invalid)
	})
}

func TestOneSubsidisedMealADay(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		e := newOrderEnv(t, d)
		rec, err := e.s.Diner(e.ctx, e.admin, e.diner)
		if err != nil {
			t.Fatal(err)
		}
		// A counter lunch today, then an online dinner: the dinner is charged in full.
		if r, _ := e.serve(e.cid, e.lunch, rec.CardNo, "counter-1"); r.DinerPays != money.Yuan(6) {
			t.Fatalf("counter lunch %+v", r)
		}
		dinner := e.place(e.daughter, OrderInput{DinerID: e.diner, CanteenID: e.cid, MenuItemID: e.dinner, Day: day(2024, 3, 5)})
		if dinner.DinerPays != money.Yuan(12) || dinner.Subsidy() != 0 || dinner.Reason == "" {
			t.Fatalf("dinner after a subsidised counter lunch %+v", dinner)
		}
		// Tomorrow: an online lunch, then an online dinner; cancelling the lunch frees the subsidy
		// for the next order.
		lunch := e.place(e.daughter, e.lunchOn(day(2024, 3, 6)))
		dinner2 := e.place(e.daughter, OrderInput{DinerID: e.diner, CanteenID: e.cid, MenuItemID: e.dinner, Day: day(2024, 3, 6)})
		if lunch.DinerPays != money.Yuan(6) || dinner2.DinerPays != money.Yuan(12) {
			t.Fatalf("lunch pays %v, dinner pays %v", lunch.DinerPays, dinner2.DinerPays)
		}
		// The menu the phone page shows prices the same way.
		menu, err := e.s.OrderMenu(e.ctx, e.daughter, e.diner, e.cid, day(2024, 3, 7))
		if err != nil || len(menu) != 2 || menu[0].Quote.DinerPays != money.Yuan(6) || menu[0].Taken {
			t.Fatalf("menu of the 7th %+v, %v", menu, err)
		}
		menu, _ = e.s.OrderMenu(e.ctx, e.daughter, e.diner, e.cid, day(2024, 3, 6))
		if len(menu) != 2 || !menu[0].Taken || !menu[1].Taken || menu[0].Quote.DinerPays != money.Yuan(12) {
			t.Fatalf("menu of the 6th %+v", menu)
		}
		// Note: the other direction (an order first, then a counter meal the same day) is the
		// counter's to count: Serve counts live online orders (serve_statements.go).
		e.clock.AdvanceDays(1)
		if r, _ := e.serve(e.cid, e.lunch, rec.CardNo, "counter-2"); r.DinerPays != money.Yuan(12) {
			t.Errorf("counter meal on a day with a subsidised online order: pays %v, want 12 yuan", r.DinerPays)
		}
	})
}

func TestFulfil(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		e := newOrderEnv(t, d)
		e.setCanteen(func(in *CanteenInput) { in.CutoffMinutes = 30 })
		ord := e.place(e.daughter, e.lunchOn(day(2024, 3, 5)))
		future := e.place(e.daughter, e.lunchOn(day(2024, 3, 6)))
		for _, o := range []*Order{ord, future} {
			if _, err := e.s.Pay(e.ctx, e.daughter, o.ID); err != nil {
				t.Fatal(err)
			}
		}
		_, err := e.s.Fulfil(e.ctx, e.admin, ord.ID)
		wantKind(t, err, apperr.Forbidden)
		other := &auth.Principal{Login: "op2", Role: auth.CanteenOperator, Scope: region.Scope(e.laoshan), OrgID: e.cid + 1000}
		_, err = e.s.Fulfil(e.ctx, other, ord.ID)
		wantKind(t, err, apperr.NotFound)
		_, err = e.s.Fulfil(e.ctx, e.operator, future.ID)
		wantKind(t, err, apperr.Conflict)

		e.later = time.Hour // 11:00: the lunch is served
		txID, err := e.s.Fulfil(e.ctx, e.operator, ord.ID)
		if err != nil || txID == 0 {
			t.Fatalf("fulfil: %d, %v", txID, err)
		}
		again, err := e.s.Fulfil(e.ctx, e.operator, ord.ID)
		if err != nil || again != txID || e.rows(e.cid) != 1 {
			t.Fatalf("fulfil again: %d, %v, %d meals", again, err, e.rows(e.cid))
		}
		var channel, key, servedOn, status string
		var price, pays, city, district, street int64
		if err := d.QueryRow(e.ctx, `SELECT channel, idempotency_key, served_on, status, price_fen, diner_pays_fen, city_fen,
			district_fen, street_fen FROM meal_transactions WHERE id = ?`, txID).Scan(&channel, &key, &servedOn, &status, &price,
			&pays, &city, &district, &street); err != nil {
			t.Fatal(err)
		}
		if channel != ChannelOnline || key != "order-"+itoa(ord.ID) || servedOn != "2024-03-05" || status != "served" ||
			price != 1200 || pays != 600 || city != 300 || district != 300 || street != 0 {
			t.Fatalf("meal %s %s %s %s %d %d %d %d %d", channel, key, servedOn, status, price, pays, city, district, street)
		}
		got, err := e.s.Order(e.ctx, e.daughter, ord.ID)
		if err != nil || got.Status != OrderServed || got.TransactionID != txID || got.CanCancel || got.CanPay {
			t.Fatalf("served order %+v, %v", got, err)
		}
		_, err = e.s.Cancel(e.ctx, e.daughter, ord.ID)
		wantKind(t, err, apperr.Conflict)
		// A counter terminal cannot take the order's key.
		if _, _, err := e.s.Serve(e.ctx, e.cid, "hist-2024-03-05-1-lunch", ServeInput{DinerID: e.diner, MenuItemID: e.lunch}); err == nil {
			t.Error("a terminal used a history key")
		}
		if _, _, err := e.s.Serve(e.ctx, e.cid, "order-999", ServeInput{DinerID: e.diner, MenuItemID: e.lunch}); err == nil {
			t.Error("a counter meal took an order's key")
		}
	})
}

func TestFulfilNothingToPay(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		e := newOrderEnv(t, d)
		e.s.Policies = append(slices.Clone(e.s.Policies), Policy{ID: "free-lunch", Name: "免费午餐（测试）", Region: e.laoshan,
			ValidFrom: day(2024, 1, 1), Rules: []Rule{{ID: "all", Shares: []Share{{Source: SourceCity, Amount: money.Yuan(20)}}}}})
		e.setCanteen(func(in *CanteenInput) { in.CutoffMinutes = 30 })
		ord := e.place(e.daughter, e.lunchOn(day(2024, 3, 5)))
		if ord.DinerPays != 0 || ord.City != money.Yuan(12) || ord.CanPay || !ord.CanFulfil {
			t.Fatalf("free lunch %+v", ord)
		}
		if _, err := e.s.Fulfil(e.ctx, e.operator, ord.ID); err != nil {
			t.Fatalf("fulfil an order with nothing to pay: %v", err)
		}
		next := e.place(e.daughter, e.lunchOn(day(2024, 3, 6)))
		if got, err := e.s.Pay(e.ctx, e.daughter, next.ID); err != nil || got.Status != OrderPaid || got.PaymentProvider != "" {
			t.Fatalf("pay nothing: %+v, %v", got, err)
		}
		if len(e.pay.charges) != 0 {
			t.Fatalf("charged %+v", e.pay.charges)
		}
	})
}

func TestOrderTwice(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		e := newOrderEnv(t, d)
		in := e.lunchOn(day(2024, 3, 6))
		e.place(e.daughter, in)
		_, err := e.s.PlaceOrder(e.ctx, ByStaff(e.officer), in)
		wantKind(t, err, apperr.Conflict)
		if apperr.As(err).Code != "meals.order.exists" {
			t.Fatalf("error %v", err)
		}

		// Two taps at the same moment: one order, and a Conflict (never a 500) for the other.
		in.Day = day(2024, 3, 7)
		var mu sync.Mutex
		var placed, conflicts int
		concurrently(t, 4, func(int) error {
			_, err := e.s.PlaceOrder(e.ctx, e.daughter, in)
			mu.Lock()
			defer mu.Unlock()
			switch {
			case err == nil:
				placed++
			case apperr.As(err).Code == "meals.order.exists":
				conflicts++
			default:
				return err
			}
			return nil
		})
		if placed != 1 || conflicts != 3 {
			t.Fatalf("%d placed, %d conflicts", placed, conflicts)
		}
	})
}

func TestCanteenOrders(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		e := newOrderEnv(t, d)
		e.setCanteen(func(in *CanteenInput) { in.Delivery = true })
		tomorrow := day(2024, 3, 6)
		disabled := e.elder(e.laoshan, day(1940, 1, 1), "", CategoryDisabled)
		if err := e.s.SetDinerAddress(e.ctx, e.officer, disabled, "崂山区松岭路 88 号"); err != nil {
			t.Fatal(err)
		}
		staff := ByStaff(e.officer)
		a := e.place(e.daughter, e.lunchOn(tomorrow))
		b := e.place(staff, OrderInput{DinerID: disabled, CanteenID: e.cid, MenuItemID: e.lunch, Day: tomorrow, Delivery: true})
		c := e.place(staff, OrderInput{DinerID: disabled, CanteenID: e.cid, MenuItemID: e.dinner, Day: tomorrow})
		for _, o := range []*Order{a, b, c} {
			if _, err := e.s.Pay(e.ctx, staff, o.ID); err != nil {
				t.Fatal(err)
			}
		}
		if _, err := e.s.Cancel(e.ctx, staff, c.ID); err != nil {
			t.Fatal(err)
		}
		cd, err := e.s.CanteenOrders(e.ctx, e.admin, e.cid, tomorrow)
		if err != nil {
			t.Fatal(err)
		}
		if len(cd.Orders) != 3 || len(cd.Counts) != 1 || cd.Counts[0].MenuItemID != e.lunch || cd.Counts[0].EatIn != 1 ||
			cd.Counts[0].Delivery != 1 || cd.Counts[0].Total() != 2 || len(cd.Deliveries) != 1 || cd.Deliveries[0].ID != b.ID ||
			cd.Deliveries[0].AddressMasked != "崂山区松岭路****" || cd.Deliveries[0].DinerName != "李*英" {
			t.Fatalf("kitchen's day %+v", cd)
		}
		shinan := &auth.Principal{Login: "shinan", Role: auth.StreetOfficer, Scope: region.Scope(e.shinan[:9])}
		_, err = e.s.CanteenOrders(e.ctx, shinan, e.cid, tomorrow)
		wantKind(t, err, apperr.NotFound)
	})
}

func TestOrderChoices(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		e := newOrderEnv(t, d)
		e.setCanteen(func(in *CanteenInput) { in.OpenDays = "1111100" })
		var street string
		if err := d.QueryRow(e.ctx, `SELECT MIN(code) FROM regions WHERE code > ? AND code < ? AND LENGTH(code) = 12
			AND substr(code, 1, 9) <> ?`, e.laoshan[:6], "370213", e.laoshan[:9]).Scan(&street); err != nil {
			t.Fatal(err)
		}
		near, _ := e.canteen(street)
		e.canteen(e.shinan) // another district: not offered
		empty, err := e.s.CreateCanteen(e.ctx, e.admin, CanteenInput{Name: "无菜单食堂", Operator: "某公司", Address: "某路",
			RegionCode: e.laoshan})
		if err != nil {
			t.Fatal(err)
		}
		cs, err := e.s.OrderCanteens(e.ctx, e.daughter, e.diner)
		if err != nil {
			t.Fatal(err)
		}
		var ids []int64
		for _, c := range cs {
			ids = append(ids, c.ID)
		}
		if !slices.Equal(ids, []int64{e.cid, near}) {
			t.Fatalf("canteens %v, want %v (not %d without a menu)", ids, []int64{e.cid, near}, empty)
		}
		_, err = e.s.OrderCanteens(e.ctx, e.signIn("13700007777"), e.diner)
		wantKind(t, err, apperr.NotFound)

		days, err := e.s.OrderDays(e.ctx, e.daughter, e.diner, e.cid)
		if err != nil {
			t.Fatal(err)
		}
		want := []civil.Date{day(2024, 3, 5), day(2024, 3, 6), day(2024, 3, 7), day(2024, 3, 8), day(2024, 3, 11), day(2024, 3, 12)}
		if !slices.Equal(days, want) {
			t.Fatalf("days %v, want %v", days, want)
		}
		menu, err := e.s.OrderMenu(e.ctx, e.daughter, e.diner, e.cid, day(2024, 3, 5))
		if err != nil || len(menu) != 1 || menu[0].Item.ID != e.dinner || menu[0].Quote.DinerPays != money.Yuan(6) {
			t.Fatalf("today's menu after the lunch cut-off %+v, %v", menu, err)
		}
		_, err = e.s.OrderMenu(e.ctx, e.daughter, e.diner, e.cid, day(2024, 3, 9))
		wantKind(t, err, apperr.Invalid)
		draft, err := e.s.PreviewOrder(e.ctx, e.daughter, e.lunchOn(day(2024, 3, 6)))
		if err != nil || draft.Quote.DinerPays != money.Yuan(6) || draft.ItemName != "两荤两素套餐" || draft.DinerName != "李*英" {
			t.Fatalf("preview %+v, %v", draft, err)
		}
		var n int
		if err := d.QueryRow(e.ctx, `SELECT COUNT(*) FROM meal_orders`).Scan(&n); err != nil || n != 0 {
			t.Fatalf("preview stored %d orders (%v)", n, err)
		}
	})
}

func TestMaskAddress(t *testing.T) {
	for in, want := range map[string]string{
		"":                     "",
		"崂山区松岭路 88 号 2 单元 301": "崂山区松岭路****",
		"松岭路８８号":               "松岭路****",
		"青岛市崂山区中韩街道松岭路海尔路交汇处": "青岛市崂山区中韩街道松岭****",
		"八十八号": "八十****",
		"1号楼":  "****",
	} {
		if got := MaskAddress(in); got != want {
			t.Errorf("MaskAddress(%q) = %q, want %q", in, got, want)
		}
	}
}
