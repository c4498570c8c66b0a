package api

import (
	"net/http"
	"strconv"
	"time"

	"github.com/minzheng/minzheng/internal/apperr"
	"github.com/minzheng/minzheng/internal/auth"
	"github.com/minzheng/minzheng/internal/meals"
)

// The staff API of canteens, menus (meals_menu.go) and diners (meals_diners.go): the same
// operations as the pages under /meals, for the district's own systems. internal/meals decides
// who sees and changes what (staff by region, a canteen operator only their own canteen and its
// menu, diners only for staff of their home area); a record outside the caller's sight answers
// 404. Amounts are in fen.

// registerMealCanteens adds the routes of canteens, menus and diners.
func (a *API) registerMealCanteens() {
	a.handle("GET", "/meals/canteens", auth.MealsView, a.listMealCanteens)
	a.handle("POST", "/meals/canteens", auth.MealsManage, a.createMealCanteen)
	a.handle("GET", "/meals/canteens/{id}", auth.MealsView, a.getMealCanteen)
	a.handle("PUT", "/meals/canteens/{id}", auth.MealsManage, a.updateMealCanteen)
	a.registerMealMenu()
	a.registerMealDiners()
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

// queryPage reads a list's page and per_page; anything unreadable is the first page of the
// default length, which the store bounds.
func queryPage(page, perPage string) (int, int) {
	p, _ := strconv.Atoi(page)
	n, _ := strconv.Atoi(perPage)
	return max(p, 1), max(n, 0)
}
