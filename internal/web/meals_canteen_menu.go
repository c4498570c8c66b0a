package web

import (
	"net/http"
	"strconv"
	"strings"

	"github.com/minzheng/minzheng/internal/apperr"
	"github.com/minzheng/minzheng/internal/auth"
	"github.com/minzheng/minzheng/internal/meals"
)

// menuFields are the fields of the add-item form.
var menuFields = []string{"name", "meal_type", "price"}

// mealMenuAdd adds an item to canteen {id}'s menu. The canteen is read first, so one outside the
// caller's sight is not found whatever the form holds; the store decides who may keep the menu.
func (s *Site) mealMenuAdd(w http.ResponseWriter, r *http.Request) {
	c, err := s.loadMealCanteen(r)
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	f := newForm(r)
	item := meals.MenuItem{Name: strings.TrimSpace(f.Get("name")), MealType: f.Get("meal_type")}
	item.Price, err = yuanField(f.Values, "price")
	if err == nil && item.Price <= 0 {
		err = apperr.FieldMsg("price", "meals.price_invalid")
	}
	if err == nil {
		_, err = s.deps.Meals.AddMenuItem(r.Context(), auth.FromContext(r.Context()), c.C.ID, item)
	}
	if err != nil {
		c.MenuForm = f
		s.refused(w, r, f, onlyFields(err, menuFields), func(status int) { s.showMealCanteen(w, r, status, c) })
		return
	}
	http.Redirect(w, r, doneURL(canteenURL(c.C.ID), "menu_added")+"#menu", http.StatusSeeOther)
}

// mealMenuActive takes item {item} off canteen {id}'s menu (active=0) or puts it back
// (active=1). Served meals keep their price either way.
func (s *Site) mealMenuActive(w http.ResponseWriter, r *http.Request) {
	c, err := s.loadMealCanteen(r)
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	active := r.PostFormValue("active")
	if active != "0" && active != "1" {
		s.canteenActionRefused(w, r, c, apperr.Msg(apperr.Invalid, "meals.ui.canteen.active_required"))
		return
	}
	itemID, err := pathNumber(r, "item", "meals.item_notfound")
	if err == nil && !c.hasItem(itemID) {
		err = apperr.Msg(apperr.NotFound, "meals.item_notfound")
	}
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	if err := s.deps.Meals.SetMenuItemActive(r.Context(), auth.FromContext(r.Context()), itemID, active == "1"); err != nil {
		s.canteenActionRefused(w, r, c, err)
		return
	}
	done := "item_off"
	if active == "1" {
		done = "item_on"
	}
	http.Redirect(w, r, doneURL(canteenURL(c.C.ID), done)+"#item-"+strconv.FormatInt(itemID, 10), http.StatusSeeOther)
}

// hasItem reports whether the canteen's menu holds item id.
func (c *mealCanteenContent) hasItem(id int64) bool {
	for _, g := range c.Menu {
		for _, it := range g.Items {
			if it.ID == id {
				return true
			}
		}
	}
	return false
}
