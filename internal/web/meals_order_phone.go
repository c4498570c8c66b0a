package web

import (
	"net/http"
	"net/url"
	"strconv"

	"github.com/minzheng/minzheng/internal/apperr"
	"github.com/minzheng/minzheng/internal/citizen"
	"github.com/minzheng/minzheng/internal/civil"
	"github.com/minzheng/minzheng/internal/meals"
)

// The ordering steps of the phone page: one choice per page, each a list of big buttons, each
// step's choice carried in the query so the browser's back button goes one step back.

// mealsHomeContent is the phone home page: whom the citizen may order for.
type mealsHomeContent struct {
	Citizen *citizen.Citizen
	Diners  []meals.OrderDiner
}

// mealsPhoneHome lists the diners the signed-in citizen may order for.
func (s *Site) mealsPhoneHome(w http.ResponseWriter, r *http.Request) {
	ds, err := s.deps.Meals.OrderDiners(r.Context(), orderer(r))
	if err != nil {
		s.publicError(w, r, err)
		return
	}
	s.render(w, r, http.StatusOK, "meals_order_home", s.msg.T("meals.ui.order.home_title"),
		mealsHomeContent{Citizen: citizen.FromContext(r.Context()), Diners: ds})
}

// Steps of the ordering page.
const (
	stepCanteen = "canteen"
	stepDay     = "day"
	stepMeal    = "meal"
	stepMode    = "mode"
	stepConfirm = "confirm"
)

// mealsStepContent is one step of ordering for a diner.
type mealsStepContent struct {
	Step   string
	Diner  meals.OrderDiner
	Back   string // the previous step's page
	Base   string // this page's path
	Choice url.Values
	// Chosen so far, for the line that says what has been chosen.
	Canteen  *meals.Canteen
	DayLabel string
	Item     *meals.MenuItem

	Canteens []meals.Canteen
	Days     []dayChoice
	Menu     []meals.MenuChoice
	Draft    *meals.Draft
	Form     *form
}

// dayChoice is a day button.
type dayChoice struct {
	Value, Label string
}

// link is the step page's URL with one more choice made.
func (c *mealsStepContent) link(name, value string) string {
	v := url.Values{}
	for k, vs := range c.Choice {
		v[k] = vs
	}
	v.Set(name, value)
	return c.Base + "?" + v.Encode()
}

// Link is the URL of the next step after choosing value for name.
func (c *mealsStepContent) Link(name string, value any) string {
	switch v := value.(type) {
	case int64:
		return c.link(name, strconv.FormatInt(v, 10))
	case string:
		return c.link(name, v)
	}
	return c.Base
}

// orderChoice is what the query of a step page has chosen.
type orderChoice struct {
	in   meals.OrderInput
	mode string // "eatin", "delivery" or "" (not chosen)
}

// readChoice reads the choices made so far from v; a malformed one counts as not made.
func readChoice(dinerID int64, v url.Values) orderChoice {
	c := orderChoice{in: meals.OrderInput{DinerID: dinerID, CanteenID: queryID(v, "canteen"), MenuItemID: queryID(v, "item")}}
	if d, err := civil.ParseDate(v.Get("day")); err == nil {
		c.in.Day = d
	}
	switch v.Get("mode") {
	case "eatin", "delivery":
		c.mode = v.Get("mode")
	}
	c.in.Delivery = c.mode == "delivery"
	return c
}

// findDiner is the diner dinerID among those the citizen may order for; anyone else is not found.
func (s *Site) findDiner(r *http.Request, dinerID int64) (meals.OrderDiner, error) {
	ds, err := s.deps.Meals.OrderDiners(r.Context(), orderer(r))
	if err != nil {
		return meals.OrderDiner{}, err
	}
	for _, d := range ds {
		if d.ID == dinerID {
			return d, nil
		}
	}
	return meals.OrderDiner{}, apperr.Msg(apperr.NotFound, "meals.diner_notfound")
}

// mealsPhoneStep shows the first step of ordering not yet chosen.
func (s *Site) mealsPhoneStep(w http.ResponseWriter, r *http.Request) {
	c, err := s.orderStep(r, nil)
	if err != nil {
		s.publicError(w, r, err)
		return
	}
	s.render(w, r, http.StatusOK, "meals_order_step", s.msg.T("meals.ui.order.step."+c.Step), c)
}

// orderStep builds the step page for the choices in the query (or, on a refused submit, in f).
func (s *Site) orderStep(r *http.Request, f *form) (*mealsStepContent, error) {
	ctx, o := r.Context(), orderer(r)
	dinerID, err := mealsPathID(r, "id", "meals.diner_notfound")
	if err != nil {
		return nil, err
	}
	d, err := s.findDiner(r, dinerID)
	if err != nil {
		return nil, err
	}
	v := r.URL.Query()
	if f != nil {
		v = f.Values
	}
	ch := readChoice(dinerID, v)
	c := &mealsStepContent{Diner: d, Base: r.URL.Path, Choice: url.Values{}, Form: f}
	if c.Form == nil {
		c.Form = emptyForm()
	}
	today := civil.Today(s.deps.Now())
	back := func() string { return c.Base + "?" + c.Choice.Encode() }
	c.Back = mealsHomePath
	if ch.in.CanteenID == 0 {
		c.Step = stepCanteen
		c.Canteens, err = s.deps.Meals.OrderCanteens(ctx, o, dinerID)
		return c, err
	}
	if c.Canteen, err = s.deps.Meals.OrderCanteen(ctx, ch.in.CanteenID); err != nil {
		return nil, err
	}
	c.Back = back()
	c.Choice.Set("canteen", strconv.FormatInt(ch.in.CanteenID, 10))
	if ch.in.Day.IsZero() {
		c.Step = stepDay
		days, err := s.deps.Meals.OrderDays(ctx, o, dinerID, ch.in.CanteenID)
		for _, day := range days {
			c.Days = append(c.Days, dayChoice{Value: day.String(), Label: s.dayLabel(day, today)})
		}
		return c, err
	}
	c.DayLabel = s.dayLabel(ch.in.Day, today)
	c.Back = back()
	c.Choice.Set("day", ch.in.Day.String())
	if ch.in.MenuItemID == 0 {
		c.Step = stepMeal
		c.Menu, err = s.deps.Meals.OrderMenu(ctx, o, dinerID, ch.in.CanteenID, ch.in.Day)
		return c, err
	}
	if c.Item, err = s.deps.Meals.OrderItem(ctx, ch.in.CanteenID, ch.in.MenuItemID); err != nil {
		return nil, err
	}
	c.Back = back()
	c.Choice.Set("item", strconv.FormatInt(ch.in.MenuItemID, 10))
	if ch.mode == "" {
		if d.Delivery && c.Canteen.Delivery {
			c.Step = stepMode
			return c, nil
		}
		ch.mode = "eatin" // nothing to choose: straight to the confirmation
	} else {
		c.Back = back()
	}
	c.Choice.Set("mode", ch.mode)
	ch.in.Delivery = ch.mode == "delivery"
	c.Step = stepConfirm
	c.Draft, err = s.deps.Meals.PreviewOrder(ctx, o, ch.in)
	if err != nil && f != nil && apperr.KindOf(err) != apperr.Internal {
		// The submit was refused and the preview now is too (the cut-off passed, say): the
		// refusal is on the form, and the page offers the way back.
		return c, nil
	}
	return c, err
}

// mealsPhonePlace places the order confirmed on the last step and pays for it in the same tap.
// A refused order shows the confirmation again with the reason; a failed payment leaves the order
// placed and shows it with a button to pay again.
func (s *Site) mealsPhonePlace(w http.ResponseWriter, r *http.Request) {
	f := newForm(r)
	dinerID, err := mealsPathID(r, "id", "meals.diner_notfound")
	if err != nil {
		s.publicError(w, r, err)
		return
	}
	ch := readChoice(dinerID, f.Values)
	ord, err := s.deps.Meals.PlaceOrder(r.Context(), orderer(r), ch.in)
	if err != nil {
		if ferr := f.fail(err); ferr != nil {
			s.publicError(w, r, ferr)
			return
		}
		if f.Error == "" { // a field's error: the confirmation has no fields, so say it on top
			for _, m := range f.Errors {
				f.Error = m
			}
		}
		c, cerr := s.orderStep(r, f)
		if cerr != nil {
			s.publicError(w, r, cerr)
			return
		}
		s.render(w, r, statusFor(err), "meals_order_step", s.msg.T("meals.ui.order.step."+c.Step), c)
		return
	}
	done := "paid"
	if _, err := s.deps.Meals.Pay(r.Context(), orderer(r), ord.ID); err != nil {
		if apperr.KindOf(err) == apperr.Internal {
			s.publicError(w, r, err)
			return
		}
		done = "pay_failed"
	}
	http.Redirect(w, r, doneURL(mealsMinePath+"/"+strconv.FormatInt(ord.ID, 10), done), http.StatusSeeOther)
}
