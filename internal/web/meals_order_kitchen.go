package web

import (
	"net/http"
	"net/url"
	"strconv"

	"github.com/minzheng/minzheng/internal/apperr"
	"github.com/minzheng/minzheng/internal/auth"
	"github.com/minzheng/minzheng/internal/civil"
	"github.com/minzheng/minzheng/internal/meals"
)

// The kitchen's side of online orders: a canteen's orders of a day — how many of each item to
// cook, the delivery round, every order with its status — and the button that records an order
// as served. Delivery addresses are masked until the canteen's own operator asks to see them for
// the round, which is audited.

// kitchenDay reads the day a page is about (?day= or the form's day), today by default.
func (s *Site) kitchenDay(v url.Values) civil.Date {
	if d, err := civil.ParseDate(v.Get("day")); err == nil {
		return d
	}
	return civil.Today(s.deps.Now())
}

// mealOrdersDayContent lists the canteens with online orders on a day.
type mealOrdersDayContent struct {
	Day        civil.Date
	Prev, Next civil.Date
	Rows       []meals.CanteenOrderCount
}

// mealOrdersDay lists, for staff, the canteens of their area with online orders on a day; a
// canteen operator goes straight to their own canteen's orders.
func (s *Site) mealOrdersDay(w http.ResponseWriter, r *http.Request) {
	p := auth.FromContext(r.Context())
	day := s.kitchenDay(r.URL.Query())
	if p.Role == auth.CanteenOperator && p.OrgID > 0 {
		http.Redirect(w, r, kitchenURL(p.OrgID, day, ""), http.StatusSeeOther)
		return
	}
	rows, err := s.deps.Meals.OrderCountsByCanteen(r.Context(), p, day)
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	s.render(w, r, http.StatusOK, "meals_orders_day", s.msg.T("meals.ui.order.nav"),
		mealOrdersDayContent{Day: day, Prev: day.AddDays(-1), Next: day.AddDays(1), Rows: rows})
}

// kitchenURL is canteen cid's orders page for day, saying what was done.
func kitchenURL(cid int64, day civil.Date, done string) string {
	v := url.Values{"day": {day.String()}}
	if done != "" {
		v.Set("done", done)
	}
	return "/meals/canteens/" + strconv.FormatInt(cid, 10) + "/orders?" + v.Encode()
}

// kitchenOrder is an order on the kitchen's page.
type kitchenOrder struct {
	meals.Order
	By          string
	StatusClass string
	// Address is the full delivery address once revealed, else the masked one.
	Address string
}

// mealKitchenContent is a canteen's orders of a day.
type mealKitchenContent struct {
	*meals.CanteenDay
	Prev, Next  civil.Date
	Rows        []kitchenOrder
	Deliveries  []kitchenOrder
	IsOperator  bool
	CanFulfil   bool // the operator, on a day that has come
	Revealed    bool
	Done        string
	ActionError string
}

// loadKitchen reads canteen {id}'s orders for day, with addresses revealed when given.
func (s *Site) loadKitchen(r *http.Request, day civil.Date, addresses map[int64]string) (*mealKitchenContent, error) {
	p := auth.FromContext(r.Context())
	cid, err := mealsPathID(r, "id", "meals.canteen_notfound")
	if err != nil {
		return nil, err
	}
	cd, err := s.deps.Meals.CanteenOrders(r.Context(), p, cid, day)
	if err != nil {
		return nil, err
	}
	c := &mealKitchenContent{CanteenDay: cd, Prev: day.AddDays(-1), Next: day.AddDays(1), Revealed: addresses != nil,
		IsOperator: p.Role == auth.CanteenOperator && p.OrgID == cid}
	c.CanFulfil = c.IsOperator && !day.After(civil.Today(s.deps.Now()))
	row := func(o meals.Order) kitchenOrder {
		k := kitchenOrder{Order: o, By: s.orderedByLabel(o.OrderedBy), StatusClass: orderStatusClass(o.Status), Address: o.AddressMasked}
		if a, ok := addresses[o.ID]; ok {
			k.Address = a
		}
		return k
	}
	for _, o := range cd.Orders {
		c.Rows = append(c.Rows, row(o))
	}
	for _, o := range cd.Deliveries {
		c.Deliveries = append(c.Deliveries, row(o))
	}
	return c, nil
}

// mealKitchenPage shows a canteen's orders of a day.
func (s *Site) mealKitchenPage(w http.ResponseWriter, r *http.Request) {
	c, err := s.loadKitchen(r, s.kitchenDay(r.URL.Query()), nil)
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	c.Done = r.URL.Query().Get("done")
	s.showKitchen(w, r, http.StatusOK, c)
}

func (s *Site) showKitchen(w http.ResponseWriter, r *http.Request, status int, c *mealKitchenContent) {
	s.render(w, r, status, "meals_order_kitchen", s.msg.T("meals.ui.order.kitchen_title", c.Canteen.Name), c)
}

// mealKitchenReveal shows the day's page with the delivery addresses in full, for the canteen's
// operator to take on the round; the store audits it.
func (s *Site) mealKitchenReveal(w http.ResponseWriter, r *http.Request) {
	f := newForm(r)
	day := s.kitchenDay(f.Values)
	cid, err := mealsPathID(r, "id", "meals.canteen_notfound")
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	addrs, err := s.deps.Meals.RevealDeliveries(r.Context(), auth.FromContext(r.Context()), cid, day)
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	c, err := s.loadKitchen(r, day, addrs)
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	s.showKitchen(w, r, http.StatusOK, c)
}

// mealOrderFulfil records an order as served and goes back to its canteen's day. A refusal (not
// paid, not yet its day) is shown on that page.
func (s *Site) mealOrderFulfil(w http.ResponseWriter, r *http.Request) {
	p := auth.FromContext(r.Context())
	id, err := mealsPathID(r, "id", "meals.order.notfound")
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	o, err := s.deps.Meals.Order(r.Context(), meals.ByStaff(p), id)
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	if _, err := s.deps.Meals.Fulfil(r.Context(), p, id); err != nil {
		e := apperr.As(err)
		if e.Kind == apperr.Internal || e.Kind == apperr.NotFound {
			s.renderError(w, r, err)
			return
		}
		r.SetPathValue("id", strconv.FormatInt(o.CanteenID, 10))
		c, lerr := s.loadKitchen(r, o.Day, nil)
		if lerr != nil {
			s.renderError(w, r, lerr)
			return
		}
		c.ActionError = e.Message
		s.showKitchen(w, r, statusFor(err), c)
		return
	}
	http.Redirect(w, r, kitchenURL(o.CanteenID, o.Day, "fulfilled")+"#order-"+strconv.FormatInt(id, 10), http.StatusSeeOther)
}
