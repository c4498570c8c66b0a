package api

import (
	"net/http"
	"strconv"
	"time"

	"github.com/minzheng/minzheng/internal/apperr"
	"github.com/minzheng/minzheng/internal/auth"
	"github.com/minzheng/minzheng/internal/civil"
	"github.com/minzheng/minzheng/internal/meals"
	"github.com/minzheng/minzheng/internal/money"
	"github.com/minzheng/minzheng/internal/pii"
)

// The staff API of canteens, menus and diners: the same operations as the pages under /meals,
// for the district's own systems. internal/meals decides who sees and changes what (staff by
// region, a canteen operator only their own canteen and its menu, diners only for staff of their
// home area); a record outside the caller's sight answers 404. Amounts are in fen.

// registerMealCanteens adds the routes of canteens, menus and diners.
func (a *API) registerMealCanteens() {
	a.handle("GET", "/meals/canteens", auth.MealsView, a.listMealCanteens)
	a.handle("POST", "/meals/canteens", auth.MealsManage, a.createMealCanteen)
	a.handle("GET", "/meals/canteens/{id}", auth.MealsView, a.getMealCanteen)
	a.handle("PUT", "/meals/canteens/{id}", auth.MealsManage, a.updateMealCanteen)
	a.handle("GET", "/meals/canteens/{id}/menu", auth.MealsView, a.listMealMenu)
	a.handle("POST", "/meals/canteens/{id}/menu", auth.MealsManage, a.addMealMenuItem)
	a.handle("PATCH", "/meals/canteens/{id}/menu/{item}", auth.MealsManage, a.setMealMenuItem)
	a.handle("GET", "/meals/diners", auth.MealsView, a.listMealDiners)
	a.handle("POST", "/meals/diners", auth.MealsDiners, a.registerMealDiner)
	a.handle("GET", "/meals/diners/{id}", auth.MealsView, a.getMealDiner)
}

// canteenJSON is a canteen as the API shows it.
type canteenJSON struct {
	ID            int64      `json:"id"`
	Name          string     `json:"name"`
	Operator      string     `json:"operator"`
	Address       string     `json:"address"`
	Latitude      string     `json:"latitude"`
	Longitude     string     `json:"longitude"`
	RegionCode    string     `json:"region_code"`
	Capacity      int        `json:"capacity"`
	OpenDays      string     `json:"open_days"`
	Delivery      bool       `json:"delivery"`
	CutoffMinutes int        `json:"cutoff_minutes"`
	Status        string     `json:"status"`
	Version       int        `json:"version"`
	MealsToday    *int       `json:"meals_today,omitempty"`
	CreatedAt     *time.Time `json:"created_at,omitempty"`
	UpdatedAt     *time.Time `json:"updated_at,omitempty"`
}

func toCanteenJSON(c *meals.Canteen) canteenJSON {
	return canteenJSON{ID: c.ID, Name: c.Name, Operator: c.Operator, Address: c.Address, Latitude: c.Latitude,
		Longitude: c.Longitude, RegionCode: c.RegionCode, Capacity: c.Capacity, OpenDays: c.OpenDays, Delivery: c.Delivery,
		CutoffMinutes: c.CutoffMinutes, Status: c.Status, Version: c.Version, CreatedAt: stamp(c.CreatedAt), UpdatedAt: stamp(c.UpdatedAt)}
}

// canteenInJSON is the body of POST /meals/canteens and PUT /meals/canteens/{id}; version is the
// one the client read, required on PUT so that no edit is silently lost.
type canteenInJSON struct {
	Name          string `json:"name"`
	Operator      string `json:"operator"`
	Address       string `json:"address"`
	Latitude      string `json:"latitude"`
	Longitude     string `json:"longitude"`
	RegionCode    string `json:"region_code"`
	Capacity      int    `json:"capacity"`
	OpenDays      string `json:"open_days"`
	Delivery      bool   `json:"delivery"`
	CutoffMinutes int    `json:"cutoff_minutes"`
	Status        string `json:"status"`
	Version       int    `json:"version"`
}

func (in canteenInJSON) input() meals.CanteenInput {
	return meals.CanteenInput{Name: in.Name, Operator: in.Operator, Address: in.Address, Latitude: in.Latitude,
		Longitude: in.Longitude, RegionCode: in.RegionCode, Capacity: in.Capacity, OpenDays: in.OpenDays,
		Delivery: in.Delivery, CutoffMinutes: in.CutoffMinutes, Status: in.Status}
}

// listMealCanteens answers GET /meals/canteens: a page of the canteens the caller sees, by region
// (a code prefix) and status, with the meals each served today.
func (a *API) listMealCanteens(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	page, perPage := queryPage(q.Get("page"), q.Get("per_page"))
	f := meals.CanteenFilter{Region: q.Get("region"), Status: q.Get("status"), Page: page, PerPage: perPage}
	rows, total, err := a.deps.Meals.ListCanteens(r.Context(), auth.FromContext(r.Context()), f)
	if err != nil {
		a.writeError(w, r, err)
		return
	}
	out := make([]canteenJSON, 0, len(rows))
	for i := range rows {
		c := toCanteenJSON(&rows[i].Canteen)
		c.MealsToday = &rows[i].MealsToday
		out = append(out, c)
	}
	writeJSON(w, http.StatusOK, map[string]any{"canteens": out, "total": total, "page": page})
}

// createMealCanteen answers POST /meals/canteens: adds a canteen (201).
func (a *API) createMealCanteen(w http.ResponseWriter, r *http.Request) {
	var in canteenInJSON
	if !a.body(w, r, &in) {
		return
	}
	p := auth.FromContext(r.Context())
	id, err := a.deps.Meals.CreateCanteen(r.Context(), p, in.input())
	if err != nil {
		a.writeError(w, r, err)
		return
	}
	a.writeCanteen(w, r, http.StatusCreated, id)
}

// getMealCanteen answers GET /meals/canteens/{id}.
func (a *API) getMealCanteen(w http.ResponseWriter, r *http.Request) {
	id, ok := a.pathID(w, r, "id", "meals.canteen_notfound")
	if !ok {
		return
	}
	a.writeCanteen(w, r, http.StatusOK, id)
}

// updateMealCanteen answers PUT /meals/canteens/{id}: replaces the canteen with the body, if it
// still has the body's version (else 409), and answers with it as now stored.
func (a *API) updateMealCanteen(w http.ResponseWriter, r *http.Request) {
	var in canteenInJSON
	p, id, ok := a.writeInput(w, r, "meals.canteen_notfound", found(a.deps.Meals.Canteen), &in)
	if !ok {
		return
	}
	if in.Version <= 0 {
		a.writeError(w, r, apperr.FieldMsg("version", "meals.ui.canteen.version_required"))
		return
	}
	if err := a.deps.Meals.UpdateCanteen(r.Context(), p, id, in.Version, in.input()); err != nil {
		a.writeError(w, r, err)
		return
	}
	a.writeCanteen(w, r, http.StatusOK, id)
}

// writeCanteen answers with canteen id as the caller sees it.
func (a *API) writeCanteen(w http.ResponseWriter, r *http.Request, status int, id int64) {
	c, err := a.deps.Meals.Canteen(r.Context(), auth.FromContext(r.Context()), id)
	if err != nil {
		a.writeError(w, r, err)
		return
	}
	writeJSON(w, status, toCanteenJSON(c))
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

// queryPage reads a list's page and per_page; anything unreadable is the first page of the
// default length, which the store bounds.
func queryPage(page, perPage string) (int, int) {
	p, _ := strconv.Atoi(page)
	n, _ := strconv.Atoi(perPage)
	return max(p, 1), max(n, 0)
}

// dinerJSON is a registered diner as the API shows them: identifiers masked; the full name only
// when one diner is asked for.
type dinerJSON struct {
	ID            int64      `json:"id"`
	Name          string     `json:"name,omitempty"`
	NameMasked    string     `json:"name_masked"`
	IDMasked      string     `json:"id_number_masked"`
	BirthDate     civil.Date `json:"birth_date"`
	Age           int        `json:"age"`
	HukouRegion   string     `json:"hukou_region"`
	HomeRegion    string     `json:"home_region"`
	PhoneMasked   string     `json:"phone_masked"`
	AddressMasked string     `json:"address_masked"`
	Categories    []string   `json:"categories"`
	CardNo        string     `json:"card_no"`
	Status        string     `json:"status"`
	Version       int        `json:"version"`
	CreatedAt     *time.Time `json:"created_at,omitempty"`
}

func toDinerJSON(d *meals.DinerRecord, today civil.Date, full bool) dinerJSON {
	out := dinerJSON{ID: d.ID, NameMasked: pii.MaskName(d.Name), IDMasked: d.IDMasked, BirthDate: d.BirthDate, Age: d.AgeOn(today),
		HukouRegion: d.HukouRegion, HomeRegion: d.HomeRegion, PhoneMasked: d.PhoneMasked, AddressMasked: d.AddressMasked,
		Categories: d.Categories, CardNo: d.CardNo, Status: d.Status, Version: d.Version, CreatedAt: stamp(d.CreatedAt)}
	if out.Categories == nil {
		out.Categories = []string{}
	}
	if full {
		out.Name = d.Name
	}
	return out
}

// mealsToday is the day in China by the meals store's clock, for ages.
func (a *API) mealsToday() civil.Date { return civil.Today(a.deps.Meals.Now()) }

// listMealDiners answers GET /meals/diners: a page of the diners whose home lies in the caller's
// area, newest first, by q (part of a name, or a whole card number), category, status and region
// (a home-area code prefix). A canteen operator reads no diners: the list is empty.
func (a *API) listMealDiners(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	page, perPage := queryPage(q.Get("page"), q.Get("per_page"))
	f := meals.DinerFilter{Query: q.Get("q"), Category: q.Get("category"), Status: q.Get("status"), Region: q.Get("region"),
		Page: page, PerPage: perPage}
	rows, total, err := a.deps.Meals.ListDiners(r.Context(), auth.FromContext(r.Context()), f)
	if err != nil {
		a.writeError(w, r, err)
		return
	}
	today := a.mealsToday()
	out := make([]dinerJSON, 0, len(rows))
	for i := range rows {
		out = append(out, toDinerJSON(&rows[i], today, false))
	}
	writeJSON(w, http.StatusOK, map[string]any{"diners": out, "total": total, "page": page})
}

// getMealDiner answers GET /meals/diners/{id}.
func (a *API) getMealDiner(w http.ResponseWriter, r *http.Request) {
	id, ok := a.pathID(w, r, "id", "meals.diner_notfound")
	if !ok {
		return
	}
	d, err := a.deps.Meals.Diner(r.Context(), auth.FromContext(r.Context()), id)
	if err != nil {
		a.writeError(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, toDinerJSON(d, a.mealsToday(), true))
}

// dinerInJSON is the body of POST /meals/diners. categories may only hold "disabled" (失能):
// 低保 and 特困 come from the registry.
type dinerInJSON struct {
	Name        string   `json:"name"`
	IDNumber    string   `json:"id_number"`
	HomeRegion  string   `json:"home_region"`
	HukouRegion string   `json:"hukou_region"`
	Phone       string   `json:"phone"`
	Address     string   `json:"address"`
	Categories  []string `json:"categories"`
}

// registrationJSON is the card issued at registration; qr_token is shown this once.
type registrationJSON struct {
	DinerID    int64    `json:"diner_id"`
	CardNo     string   `json:"card_no"`
	QRToken    string   `json:"qr_token"`
	Categories []string `json:"categories"`
}

// registerMealDiner answers POST /meals/diners: registers an elderly person (60 or over by the
// ID number) once and answers with the card issued (201); a person registered already is 409.
func (a *API) registerMealDiner(w http.ResponseWriter, r *http.Request) {
	var in dinerInJSON
	if !a.body(w, r, &in) {
		return
	}
	reg, err := a.deps.Meals.RegisterDiner(r.Context(), auth.FromContext(r.Context()), meals.DinerInput{Name: in.Name,
		IDNumber: in.IDNumber, HomeRegion: in.HomeRegion, HukouRegion: in.HukouRegion, Phone: in.Phone, Address: in.Address,
		Categories: in.Categories})
	if err != nil {
		a.writeError(w, r, err)
		return
	}
	cats := reg.Categories
	if cats == nil {
		cats = []string{}
	}
	w.Header().Set("Cache-Control", "no-store")
	writeJSON(w, http.StatusCreated, registrationJSON{DinerID: reg.DinerID, CardNo: reg.CardNo, QRToken: reg.QRToken, Categories: cats})
}
