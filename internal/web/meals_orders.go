package web

import (
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"github.com/minzheng/minzheng/internal/apperr"
	"github.com/minzheng/minzheng/internal/auth"
	"github.com/minzheng/minzheng/internal/citizen"
	"github.com/minzheng/minzheng/internal/civil"
	"github.com/minzheng/minzheng/internal/meals"
)

// Online ordering of meals (线上订餐, 亲属代订餐). Two sides:
//
//   - The phone pages under /m/meals, for the elderly and their relatives after the citizen sign-in
//     of the public portal. They follow 适老化 (the .public layout: large type, 48 px buttons, one
//     column, one choice per page): choose whom to order for, then canteen, day, meal, eat in or
//     delivery, confirm with the amount to pay, and pay in the same tap. Like the portal's pages
//     they are auth.Public for the staff guard and drop any staff session; who may order for whom
//     is the citizen session's and the meals store's business.
//   - The kitchen's page of a canteen's orders for a day (/meals/canteens/{id}/orders), where the
//     canteen's operator records each order as served, and a list of the day's orders by canteen
//     (/meals/orders) for staff.
//
// After sign-in the portal returns only to pages under /apply/ (applyNext in citizen.go), so the
// phone pages send the citizen through mealsBouncePath, an /apply/ page that passes them on to
// the /m/meals page they came from.

// The phone pages' paths.
const (
	mealsHomePath   = "/m/meals"
	mealsMinePath   = "/m/meals/orders"
	mealsBouncePath = "/apply/meals"
)

// registerMealOrders registers the phone pages of online ordering and the kitchen's pages.
func (s *Site) registerMealOrders() {
	s.page("GET", mealsHomePath, auth.Public, s.mealsCitizenOnly(s.mealsPhoneHome), nil)
	s.page("GET", mealsHomePath+"/diners/{id}/order", auth.Public, s.mealsCitizenOnly(s.mealsPhoneStep), nil)
	s.page("POST", mealsHomePath+"/diners/{id}/order", auth.Public, s.mealsCitizenOnly(s.mealsPhonePlace), nil)
	s.page("GET", mealsMinePath, auth.Public, s.mealsCitizenOnly(s.mealsPhoneMine), nil)
	s.page("GET", mealsMinePath+"/{id}", auth.Public, s.mealsCitizenOnly(s.mealsPhoneOrder), nil)
	s.page("POST", mealsMinePath+"/{id}/pay", auth.Public, s.mealsCitizenOnly(s.mealsPhonePay), nil)
	s.page("POST", mealsMinePath+"/{id}/cancel", auth.Public, s.mealsCitizenOnly(s.mealsPhoneCancel), nil)
	s.page("GET", mealsBouncePath, auth.Public, s.mealsBounce, nil)

	s.page("GET", "/meals/orders", auth.MealsView, s.mealOrdersDay,
		&NavEntry{Section: "meals.ui.nav.section", Label: "meals.ui.order.nav", Order: 615})
	s.page("GET", "/meals/canteens/{id}/orders", auth.MealsView, s.mealKitchenPage, nil)
	s.page("POST", "/meals/canteens/{id}/orders/addresses", auth.MealsServe, s.mealKitchenReveal, nil)
	s.page("POST", "/meals/orders/{id}/fulfil", auth.MealsServe, s.mealOrderFulfil, nil)
}

// mealsCitizenOnly is citizenOnly for the phone pages: someone not signed in is sent to the
// portal's sign-in and brought back, through mealsBouncePath, to the page they asked for.
func (s *Site) mealsCitizenOnly(h http.HandlerFunc) http.HandlerFunc {
	return s.citizenPage(func(w http.ResponseWriter, r *http.Request) {
		if citizen.FromContext(r.Context()) == nil {
			back := r.URL.Path
			if r.Method != http.MethodGet {
				back = mealsHomePath
			}
			next := mealsBouncePath + "?" + url.Values{"to": {back}}.Encode()
			http.Redirect(w, r, applySigninPath+"?"+url.Values{"next": {next}}.Encode(), http.StatusSeeOther)
			return
		}
		h(w, r)
	})
}

// mealsBounce passes a citizen who has just signed in on to the phone page they came from; any
// other destination is refused in favour of the ordering home page.
func (s *Site) mealsBounce(w http.ResponseWriter, r *http.Request) {
	to := r.URL.Query().Get("to")
	if !strings.HasPrefix(to, mealsHomePath) || strings.ContainsAny(to, "\\?#") || strings.Contains(to, "//") ||
		strings.Contains(to, "..") {
		to = mealsHomePath
	}
	http.Redirect(w, r, to, http.StatusSeeOther)
}

// orderer is the signed-in citizen of a phone page as the meals store knows them.
func orderer(r *http.Request) meals.Orderer {
	return meals.ByCitizen(citizen.FromContext(r.Context()).ID)
}

// mealsPathID reads a positive id from the path; anything else is the page of notFoundKey.
func mealsPathID(r *http.Request, name, notFoundKey string) (int64, error) {
	id, err := strconv.ParseInt(r.PathValue(name), 10, 64)
	if err != nil || id <= 0 {
		return 0, apperr.Msg(apperr.NotFound, notFoundKey)
	}
	return id, nil
}

// queryID reads a positive id from the query, 0 when absent or malformed.
func queryID(q url.Values, name string) int64 {
	id, err := strconv.ParseInt(q.Get(name), 10, 64)
	if err != nil || id < 0 {
		return 0
	}
	return id
}

// dayLabel names a day as the elderly read it: 3月6日 星期三, with 今天 or 明天 when it is.
func (s *Site) dayLabel(d, today civil.Date) string {
	label := s.msg.T("meals.ui.order.day", int(d.Month), d.Day, s.msg.T("meals.ui.order.weekday."+strconv.Itoa(int(d.Weekday()))))
	switch d {
	case today:
		label += s.msg.T("meals.ui.order.today")
	case today.AddDays(1):
		label += s.msg.T("meals.ui.order.tomorrow")
	}
	return label
}

// orderedByLabel says who placed an order: 本人, 亲属 or 工作人员.
func (s *Site) orderedByLabel(by string) string {
	kind, _, _ := strings.Cut(by, ":")
	return s.msg.T("meals.ui.order.by." + kind)
}

// orderStatusClass is the badge colour of an order's status.
func orderStatusClass(status string) string {
	switch status {
	case meals.OrderPaid, meals.OrderServed:
		return "ok"
	case meals.OrderPlaced:
		return "warn"
	}
	return ""
}
