package web

import (
	"crypto/rand"
	"encoding/hex"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"github.com/minzheng/minzheng/internal/apperr"
	"github.com/minzheng/minzheng/internal/auth"
	"github.com/minzheng/minzheng/internal/meals"
	"github.com/minzheng/minzheng/internal/money"
)

// The counter (/meals/counter) is where a canteen operator serves meals at their own canteen:
// the card reader types the card number into the first form; the page then shows the diner
// (name masked) and, on one button per menu item grouped by meal type, what the item costs and
// what this diner pays for it, before anything is charged. Pressing a button records the meal
// with Store.Serve under an Idempotency-Key drawn when that page was rendered and carried in a
// hidden field, so a double click, a resubmitted form or a second tab sends the same key and the
// meal is charged once; the receipt is then shown by a redirect, which a refresh only reads.

// registerMealCounter registers the counter page for canteen operators.
func (s *Site) registerMealCounter() {
	s.page("GET", "/meals/counter", auth.MealsServe, s.mealCounterPage,
		&NavEntry{Section: "meals.ui.nav.section", Label: "meals.ui.nav.counter", Order: 610})
	s.page("POST", "/meals/counter", auth.MealsServe, s.mealCounterServe, nil)
}

// mealCounterContent is the counter page: the canteen and its menu, the card form, the diner of
// the card read (if any) with a priced button per item, the receipt of the meal just recorded,
// and the meals served today.
type mealCounterContent struct {
	C        *meals.Canteen
	Form     *form
	Diner    *meals.CounterDiner
	Offers   []offerGroup
	Key      string
	Receipt  *mealView
	Replayed bool
	Current  string // the meal type of the hour, offered first
	Today    []mealView
	pager
}

// offerGroup is the priced items of one meal type.
type offerGroup struct {
	MealType string
	Current  bool
	Offers   []meals.CounterOffer
}

// counterFields are the fields of the counter's forms.
var counterFields = []string{"card_no"}

// mealCounterPage shows the counter: the card form, and for card_no the diner's priced menu; for
// receipt the meal just recorded.
func (s *Site) mealCounterPage(w http.ResponseWriter, r *http.Request) {
	c, err := s.loadCounter(r)
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	q := r.URL.Query()
	p := auth.FromContext(r.Context())
	if id := atoi(q.Get("receipt")); id > 0 {
		m, err := s.deps.Meals.ServedMeal(r.Context(), p, int64(id))
		if err != nil {
			s.renderError(w, r, err)
			return
		}
		v := s.mealView(*m)
		c.Receipt, c.Replayed = &v, q.Get("replayed") == "1"
	}
	status := http.StatusOK
	if card := strings.TrimSpace(q.Get("card_no")); card != "" {
		c.Form.Values = url.Values{"card_no": {card}}
		if err := s.priceCard(r, c, card); err != nil {
			if ferr := c.Form.fail(onlyFields(err, counterFields)); ferr != nil {
				s.renderError(w, r, ferr)
				return
			}
			status = statusFor(err)
		}
	}
	s.render(w, r, status, "meals_counter", s.msg.T("meals.ui.nav.counter"), c)
}

// mealCounterServe records the meal of the pressed button: card card_no, item item, under the
// form's Idempotency-Key. A key already used returns the first meal's receipt, marked as such.
func (s *Site) mealCounterServe(w http.ResponseWriter, r *http.Request) {
	c, err := s.loadCounter(r)
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	f := newForm(r)
	c.Form = f
	card, key := strings.TrimSpace(f.Get("card_no")), f.Get("key")
	item, _ := strconv.ParseInt(f.Get("item"), 10, 64)
	switch {
	case card == "":
		err = apperr.FieldMsg("card_no", "meals.diner_required")
	case item <= 0:
		err = apperr.Msg(apperr.Invalid, "meals.ui.counter.item_required")
	}
	var rc *meals.Receipt
	replayed := false
	if err == nil {
		rc, replayed, err = s.deps.Meals.Serve(r.Context(), c.C.ID, key, meals.ServeInput{CardNo: card, MenuItemID: item})
	}
	if err != nil {
		s.refused(w, r, f, onlyFields(err, counterFields), func(status int) {
			if card != "" && meals.ValidCardNo(card) {
				_ = s.priceCard(r, c, card) // the menu again, with a fresh key; a refusal is already on top
			}
			s.render(w, r, status, "meals_counter", s.msg.T("meals.ui.nav.counter"), c)
		})
		return
	}
	v := url.Values{"receipt": {strconv.FormatInt(rc.TransactionID, 10)}}
	if replayed {
		v.Set("replayed", "1")
	}
	http.Redirect(w, r, "/meals/counter?"+v.Encode()+"#receipt", http.StatusSeeOther)
}

// loadCounter reads the caller's own canteen, its menu and today's meals. Only a canteen's
// operator has a counter: the permission says so, and the store's sight of the canteen again.
func (s *Site) loadCounter(r *http.Request) (*mealCounterContent, error) {
	p := auth.FromContext(r.Context())
	if p.Role != auth.CanteenOperator || p.OrgID == 0 {
		return nil, apperr.Msg(apperr.Forbidden, "meals.forbidden")
	}
	ctx := r.Context()
	cant, err := s.deps.Meals.Canteen(ctx, p, p.OrgID)
	if err != nil {
		return nil, err
	}
	c := &mealCounterContent{C: cant, Form: emptyForm(), Current: mealTypeAt(s.deps.Now().In(chinaTime).Hour())}
	page := max(1, atoi(r.URL.Query().Get("page")))
	rows, total, err := s.deps.Meals.CanteenMeals(ctx, p, cant.ID, s.todayOf(), page, mealsTodayPerPage)
	if err != nil {
		return nil, err
	}
	c.Today = s.mealViews(rows)
	c.pager = paging(total, page, mealsTodayPerPage, pageLink("/meals/counter", url.Values{}))
	return c, nil
}

// priceCard reads card's diner and prices the menu for them, with a fresh Idempotency-Key for
// the buttons.
func (s *Site) priceCard(r *http.Request, c *mealCounterContent, card string) error {
	d, err := s.deps.Meals.CounterQuote(r.Context(), auth.FromContext(r.Context()), card)
	if err != nil {
		return err
	}
	c.Diner = d
	for _, t := range meals.MealTypes() {
		g := offerGroup{MealType: t, Current: t == c.Current}
		for _, o := range d.Offers {
			if o.Item.MealType == t {
				g.Offers = append(g.Offers, o)
			}
		}
		if len(g.Offers) == 0 {
			continue
		}
		if g.Current {
			c.Offers = append([]offerGroup{g}, c.Offers...)
		} else {
			c.Offers = append(c.Offers, g)
		}
	}
	c.Key, err = newServeKey()
	return err
}

// mealTypeAt is the meal a counter most likely serves at hour (China time): breakfast before 10,
// lunch before 15, dinner after.
func mealTypeAt(hour int) string {
	switch {
	case hour < 10:
		return meals.Breakfast
	case hour < 15:
		return meals.Lunch
	}
	return meals.Dinner
}

// newServeKey draws the Idempotency-Key of one rendered counter form.
func newServeKey() (string, error) {
	b := make([]byte, 16)
	if _, err := rand.Read(b); err != nil {
		return "", err
	}
	return "web-" + hex.EncodeToString(b), nil
}

// mealView is a served meal as the pages show it: the split named, flags and the rule in words.
type mealView struct {
	meals.MealRow
	Subsidy   money.Fen
	RuleLabel string
	FlagTexts []string
}

// mealViews prepares served meals for display.
func (s *Site) mealViews(rows []meals.MealRow) []mealView {
	out := make([]mealView, 0, len(rows))
	for _, m := range rows {
		out = append(out, s.mealView(m))
	}
	return out
}

func (s *Site) mealView(m meals.MealRow) mealView {
	v := mealView{MealRow: m, Subsidy: m.Subsidy(), RuleLabel: s.mealRuleLabel(m.PolicyID, m.Rule)}
	for _, f := range m.Flags {
		v.FlagTexts = append(v.FlagTexts, s.mealFlagText(f))
	}
	return v
}

// mealRuleLabel names the subsidy rule a meal was priced by, as its policy labels it; the rule's
// id when the policy is no longer loaded.
func (s *Site) mealRuleLabel(policyID, rule string) string {
	if rule == "" {
		return ""
	}
	if s.deps.Meals != nil {
		for _, p := range s.deps.Meals.Policies {
			if p.ID != policyID {
				continue
			}
			for _, rl := range p.Rules {
				if rl.ID == rule && rl.Label != "" {
					return rl.Label
				}
			}
		}
	}
	return rule
}

// mealFlagText names a meal's flag in words; a flag the catalogue does not know yet shows as is.
func (s *Site) mealFlagText(flag string) string {
	if k := "meals.ui.counter.flag." + flag; s.msg.Has(k) {
		return s.msg.T(k)
	}
	return flag
}
