package api

import (
	"net/http"

	"github.com/minzheng/minzheng/internal/apperr"
	"github.com/minzheng/minzheng/internal/auth"
	"github.com/minzheng/minzheng/internal/meals"
	"github.com/minzheng/minzheng/internal/money"
)

// The API of a canteen's menu: its dishes and set meals, added and taken off (never deleted, so
// served meals keep their price). A canteen operator keeps their own canteen's menu only.

// registerMealMenu adds the routes of canteens' menus.
func (a *API) registerMealMenu() {
	a.handle("GET", "/meals/canteens/{id}/menu", auth.MealsView, a.listMealMenu)
	a.handle("POST", "/meals/canteens/{id}/menu", auth.MealsManage, a.addMealMenuItem)
	a.handle("PATCH", "/meals/canteens/{id}/menu/{item}", auth.MealsManage, a.setMealMenuItem)
}

// menuItemJSON is a menu item as the API shows it.
type menuItemJSON struct {
	ID        int64  `json:"id"`
	CanteenID int64  `json:"canteen_id"`
	Name      string `json:"name"`
	MealType  string `json:"meal_type"`
	PriceFen  int64  `json:"price_fen"`
	Active    bool   `json:"active"`
}

func toMenuItemJSON(it *meals.MenuItem) menuItemJSON {
	return menuItemJSON{ID: it.ID, CanteenID: it.CanteenID, Name: it.Name, MealType: it.MealType, PriceFen: it.Price.Int64(), Active: it.Active}
}

// listMealMenu answers GET /meals/canteens/{id}/menu: the items on offer, or with all=true those
// taken off too.
func (a *API) listMealMenu(w http.ResponseWriter, r *http.Request) {
	id, ok := a.pathID(w, r, "id", "meals.canteen_notfound")
	if !ok {
		return
	}
	all := r.URL.Query().Get("all") == "true" || r.URL.Query().Get("all") == "1"
	items, err := a.deps.Meals.Menu(r.Context(), auth.FromContext(r.Context()), id, all)
	if err != nil {
		a.writeError(w, r, err)
		return
	}
	out := make([]menuItemJSON, 0, len(items))
	for i := range items {
		out = append(out, toMenuItemJSON(&items[i]))
	}
	writeJSON(w, http.StatusOK, map[string]any{"items": out, "total": len(out)})
}

// menuItemInJSON is the body of POST /meals/canteens/{id}/menu.
type menuItemInJSON struct {
	Name     string `json:"name"`
	MealType string `json:"meal_type"`
	PriceFen int64  `json:"price_fen"`
}

// addMealMenuItem answers POST /meals/canteens/{id}/menu: adds an item (201).
func (a *API) addMealMenuItem(w http.ResponseWriter, r *http.Request) {
	var in menuItemInJSON
	p, id, ok := a.writeInput(w, r, "meals.canteen_notfound", found(a.deps.Meals.Canteen), &in)
	if !ok {
		return
	}
	itemID, err := a.deps.Meals.AddMenuItem(r.Context(), p, id, meals.MenuItem{Name: in.Name, MealType: in.MealType, Price: money.Fen(in.PriceFen)})
	if err != nil {
		a.writeError(w, r, err)
		return
	}
	a.writeMenuItem(w, r, http.StatusCreated, id, itemID)
}

// menuItemPatchJSON is the body of PATCH /meals/canteens/{id}/menu/{item}.
type menuItemPatchJSON struct {
	Active *bool `json:"active"`
}

// setMealMenuItem answers PATCH /meals/canteens/{id}/menu/{item}: takes the item off the menu
// (active false) or puts it back; served meals keep their price.
func (a *API) setMealMenuItem(w http.ResponseWriter, r *http.Request) {
	var in menuItemPatchJSON
	p, id, ok := a.writeInput(w, r, "meals.canteen_notfound", found(a.deps.Meals.Canteen), &in)
	if !ok {
		return
	}
	if in.Active == nil {
		a.writeError(w, r, apperr.FieldMsg("active", "meals.ui.canteen.active_field_required"))
		return
	}
	itemID, ok := a.pathID(w, r, "item", "meals.item_notfound")
	if !ok {
		return
	}
	if _, err := a.menuItem(r, p, id, itemID); err != nil {
		a.writeError(w, r, err)
		return
	}
	if err := a.deps.Meals.SetMenuItemActive(r.Context(), p, itemID, *in.Active); err != nil {
		a.writeError(w, r, err)
		return
	}
	a.writeMenuItem(w, r, http.StatusOK, id, itemID)
}

// menuItem reads item itemID of canteen id's menu; an item of another canteen is not found.
func (a *API) menuItem(r *http.Request, p *auth.Principal, id, itemID int64) (*meals.MenuItem, error) {
	items, err := a.deps.Meals.Menu(r.Context(), p, id, true)
	if err != nil {
		return nil, err
	}
	for i := range items {
		if items[i].ID == itemID {
			return &items[i], nil
		}
	}
	return nil, apperr.Msg(apperr.NotFound, "meals.item_notfound")
}

// writeMenuItem answers with item itemID of canteen id as now stored.
func (a *API) writeMenuItem(w http.ResponseWriter, r *http.Request, status int, id, itemID int64) {
	it, err := a.menuItem(r, auth.FromContext(r.Context()), id, itemID)
	if err != nil {
		a.writeError(w, r, err)
		return
	}
	writeJSON(w, status, toMenuItemJSON(it))
}
