package web

import (
	"net/http"
	"net/url"

	"github.com/minzheng/minzheng/internal/apperr"
	"github.com/minzheng/minzheng/internal/auth"
	"github.com/minzheng/minzheng/internal/meals"
)

// mealCanteenContent is one canteen's page: its facts, its menu by meal type with the add form,
// its terminal tokens with the issue form, and the meals it served today. The Can* flags offer
// only the forms the store will accept from the caller.
type mealCanteenContent struct {
	C           *meals.Canteen
	RegionName  string
	OpenDays    string
	StatusClass string
	CanEdit     bool
	CanMenu     bool
	// IsOperator is set for the canteen's own operator, who serves at its counter.
	IsOperator bool
	Menu       []menuGroup
	MealTypes  []string
	MenuForm   *form
	// Tokens are the canteen's terminal tokens; only those who keep the menu (CanMenu) issue
	// and revoke them.
	Tokens    []meals.TerminalToken
	TokenForm *form
	// ActionError is a refusal of a row's button (activate, revoke), shown on top.
	ActionError string
	Meals       []mealView
	MealsPager  pager
	Done        string
}

// menuGroup is the items of one meal type, for the menu table and the counter's buttons.
type menuGroup struct {
	MealType string
	Items    []meals.MenuItem
}

// groupMenu sorts items into their meal types, in the order of a day; empty types are left out.
func groupMenu(items []meals.MenuItem) []menuGroup {
	var out []menuGroup
	for _, t := range meals.MealTypes() {
		g := menuGroup{MealType: t}
		for _, it := range items {
			if it.MealType == t {
				g.Items = append(g.Items, it)
			}
		}
		if len(g.Items) > 0 {
			out = append(out, g)
		}
	}
	return out
}

// mealsTodayPerPage is the length of a page of a canteen's meals of the day.
const mealsTodayPerPage = 20

// loadMealCanteen reads canteen {id} within the caller's sight and everything its page shows.
func (s *Site) loadMealCanteen(r *http.Request) (*mealCanteenContent, error) {
	p, c, err := lookupPath(r, "meals.canteen_notfound", s.deps.Meals.Canteen)
	if err != nil {
		return nil, err
	}
	ctx := r.Context()
	out := &mealCanteenContent{C: c, RegionName: s.regionBelow(r, p, c.RegionCode), OpenDays: s.openDaysText(c.OpenDays),
		StatusClass: canteenStatusClass(c.Status), CanEdit: meals.ManagesCanteensIn(p, c.RegionCode), CanMenu: meals.KeepsMenuOf(p, c),
		IsOperator: p.Role == auth.CanteenOperator && p.OrgID == c.ID, MealTypes: meals.MealTypes(),
		MenuForm: emptyForm(), TokenForm: emptyForm(), Done: r.URL.Query().Get("done")}
	items, err := s.deps.Meals.Menu(ctx, p, c.ID, true)
	if err != nil {
		return nil, err
	}
	out.Menu = groupMenu(items)
	if out.Tokens, err = s.deps.Meals.TerminalTokens(ctx, p, c.ID); err != nil {
		return nil, err
	}
	page := max(1, atoi(r.URL.Query().Get("page")))
	rows, total, err := s.deps.Meals.CanteenMeals(ctx, p, c.ID, s.todayOf(), page, mealsTodayPerPage)
	if err != nil {
		return nil, err
	}
	out.Meals = s.mealViews(rows)
	out.MealsPager = paging(total, page, mealsTodayPerPage, pageLink(canteenURL(c.ID), url.Values{}))
	return out, nil
}

// mealCanteenPage shows a canteen with its menu, tokens and today's meals.
func (s *Site) mealCanteenPage(w http.ResponseWriter, r *http.Request) {
	c, err := s.loadMealCanteen(r)
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	s.showMealCanteen(w, r, http.StatusOK, c)
}

func (s *Site) showMealCanteen(w http.ResponseWriter, r *http.Request, status int, c *mealCanteenContent) {
	s.render(w, r, status, "meals_canteen", c.C.Name, c)
}

// canteenActionRefused shows the canteen page again after a row's button was refused: the
// message on top, with the refusal's status.
func (s *Site) canteenActionRefused(w http.ResponseWriter, r *http.Request, c *mealCanteenContent, err error) {
	f := emptyForm()
	if ferr := f.fail(onTop(err)); ferr != nil {
		s.renderError(w, r, ferr)
		return
	}
	c.ActionError = f.Error
	s.showMealCanteen(w, r, statusFor(err), c)
}

// requireConfirm is the refusal of an irreversible act whose form lacks its confirmation box.
func requireConfirm(r *http.Request) error {
	if !confirmed(r) {
		return apperr.Msg(apperr.Invalid, "action.confirm_required")
	}
	return nil
}
