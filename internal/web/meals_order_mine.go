package web

import (
	"context"
	"net/http"
	"strconv"

	"github.com/minzheng/minzheng/internal/apperr"
	"github.com/minzheng/minzheng/internal/citizen"
	"github.com/minzheng/minzheng/internal/civil"
	"github.com/minzheng/minzheng/internal/meals"
)

// The citizen's orders on the phone: the list, with a cancel button while cancelling is allowed,
// and one order with what is left to do (pay again after a failed payment, cancel).

// mineDays is how far back the list of orders goes: last week's meals are still there to check.
const mineDays = 7

// phoneOrder is an order as the phone pages show it.
type phoneOrder struct {
	meals.Order
	DayLabel    string
	By          string
	StatusClass string
	// Upcoming says the meal is today or later and not cancelled.
	Upcoming bool
}

// mealsMineContent is the citizen's list of orders.
type mealsMineContent struct {
	Citizen  *citizen.Citizen
	Upcoming []phoneOrder
	Past     []phoneOrder
	Done     string
}

func (s *Site) phoneOrder(o meals.Order, today civil.Date) phoneOrder {
	return phoneOrder{Order: o, DayLabel: s.dayLabel(o.Day, today), By: s.orderedByLabel(o.OrderedBy),
		StatusClass: orderStatusClass(o.Status), Upcoming: !o.Day.Before(today) && o.Live()}
}

// mealsPhoneMine lists the orders of every diner the citizen may order for, coming meals first.
func (s *Site) mealsPhoneMine(w http.ResponseWriter, r *http.Request) {
	today := civil.Today(s.deps.Now())
	list, err := s.deps.Meals.MyOrders(r.Context(), orderer(r), today.AddDays(-mineDays))
	if err != nil {
		s.publicError(w, r, err)
		return
	}
	c := mealsMineContent{Citizen: citizen.FromContext(r.Context()), Done: r.URL.Query().Get("done")}
	for _, o := range list {
		po := s.phoneOrder(o, today)
		if po.Upcoming {
			c.Upcoming = append(c.Upcoming, po)
		} else {
			c.Past = append([]phoneOrder{po}, c.Past...) // the most recent first
		}
	}
	s.render(w, r, http.StatusOK, "meals_order_mine", s.msg.T("meals.ui.order.mine_title"), c)
}

// mealsOrderContent is one order on the phone.
type mealsOrderContent struct {
	O     phoneOrder
	Done  string
	Error string
}

// showPhoneOrder renders order id with a notice (done) or a refusal (msg).
func (s *Site) showPhoneOrder(w http.ResponseWriter, r *http.Request, status int, id int64, done, msg string) {
	o, err := s.deps.Meals.Order(r.Context(), orderer(r), id)
	if err != nil {
		s.publicError(w, r, err)
		return
	}
	if done == "pay_failed" {
		done, msg = "", s.msg.T("meals.order.pay_failed")
	}
	c := mealsOrderContent{O: s.phoneOrder(*o, civil.Today(s.deps.Now())), Done: done, Error: msg}
	s.render(w, r, status, "meals_order_one", s.msg.T("meals.ui.order.one_title"), c)
}

// mealsPhoneOrder shows one order.
func (s *Site) mealsPhoneOrder(w http.ResponseWriter, r *http.Request) {
	id, err := mealsPathID(r, "id", "meals.order.notfound")
	if err != nil {
		s.publicError(w, r, err)
		return
	}
	s.showPhoneOrder(w, r, http.StatusOK, id, r.URL.Query().Get("done"), "")
}

// mealsPhonePay pays an order whose payment failed before.
func (s *Site) mealsPhonePay(w http.ResponseWriter, r *http.Request) {
	s.phoneAct(w, r, "paid", s.deps.Meals.Pay)
}

// mealsPhoneCancel cancels an order (refunding it if paid) and goes back to where the button was.
func (s *Site) mealsPhoneCancel(w http.ResponseWriter, r *http.Request) {
	s.phoneAct(w, r, "cancelled", s.deps.Meals.Cancel)
}

// phoneAct runs act on the order of the path; done says what the next page reports. A refusal is
// shown on the order's page with the reason.
func (s *Site) phoneAct(w http.ResponseWriter, r *http.Request, done string,
	act func(ctx context.Context, o meals.Orderer, id int64) (*meals.Order, error)) {
	id, err := mealsPathID(r, "id", "meals.order.notfound")
	if err != nil {
		s.publicError(w, r, err)
		return
	}
	if _, err := act(r.Context(), orderer(r), id); err != nil {
		if e := apperr.As(err); e.Kind != apperr.Internal && e.Kind != apperr.NotFound {
			s.showPhoneOrder(w, r, statusFor(err), id, "", e.Message)
			return
		}
		s.publicError(w, r, err)
		return
	}
	back := mealsMinePath + "/" + strconv.FormatInt(id, 10)
	if r.PostFormValue("from") == "list" {
		back = mealsMinePath
	}
	http.Redirect(w, r, doneURL(back, done), http.StatusSeeOther)
}
