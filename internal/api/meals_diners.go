package api

import (
	"net/http"
	"strings"
	"time"

	"github.com/minzheng/minzheng/internal/apperr"
	"github.com/minzheng/minzheng/internal/auth"
	"github.com/minzheng/minzheng/internal/civil"
	"github.com/minzheng/minzheng/internal/meals"
	"github.com/minzheng/minzheng/internal/pii"
)

// The API of the elderly diners: the roster, one diner, registration (which issues the card),
// and the change of a diner's status (died, left, or active again). Diners are read by staff of
// their home area and registered by those who may register diners there.

// registerMealDiners adds the routes of diners.
func (a *API) registerMealDiners() {
	a.handle("GET", "/meals/diners", auth.MealsView, a.listMealDiners)
	a.handle("POST", "/meals/diners", auth.MealsDiners, a.registerMealDiner)
	a.handle("GET", "/meals/diners/{id}", auth.MealsView, a.getMealDiner)
	a.handle("POST", "/meals/diners/{id}/status", auth.MealsDiners, a.setMealDinerStatus)
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
	// StatusOn is the date of death (deceased) or of leaving (left), when one diner is read and
	// the date is recorded.
	StatusOn  string     `json:"status_on,omitempty"`
	Version   int        `json:"version"`
	CreatedAt *time.Time `json:"created_at,omitempty"`
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
	a.writeDiner(w, r, id)
}

// writeDiner answers with diner id as the caller sees it, in full, with the date of its status.
func (a *API) writeDiner(w http.ResponseWriter, r *http.Request, id int64) {
	p := auth.FromContext(r.Context())
	d, err := a.deps.Meals.Diner(r.Context(), p, id)
	if err != nil {
		a.writeError(w, r, err)
		return
	}
	on, err := a.deps.Meals.DinerStatusOn(r.Context(), p, id)
	if err != nil {
		a.writeError(w, r, err)
		return
	}
	out := toDinerJSON(d, a.mealsToday(), true)
	out.StatusOn = on.String()
	writeJSON(w, http.StatusOK, out)
}

// dinerStatusInJSON is the body of POST /meals/diners/{id}/status: the new status, the date of
// death or of leaving (YYYY-MM-DD; none for active), why, and the version the client read.
type dinerStatusInJSON struct {
	Status  string `json:"status"`
	On      string `json:"on"`
	Note    string `json:"note"`
	Version int    `json:"version"`
}

// setMealDinerStatus answers POST /meals/diners/{id}/status: marks the diner deceased or left on
// a date, or active again, if the diner still has the body's version (else 409), and answers
// with the diner as now stored. From then on the counter gives the diner no subsidy.
func (a *API) setMealDinerStatus(w http.ResponseWriter, r *http.Request) {
	var in dinerStatusInJSON
	p, id, ok := a.writeInput(w, r, "meals.diner_notfound", found(a.deps.Meals.Diner), &in)
	if !ok {
		return
	}
	if in.Version <= 0 {
		a.writeError(w, r, apperr.FieldMsg("version", "meals.diner_status.version_required"))
		return
	}
	var on civil.Date
	if strings.TrimSpace(in.On) != "" {
		var err error
		if on, err = civil.ParseDate(strings.TrimSpace(in.On)); err != nil {
			a.writeError(w, r, apperr.FieldMsg("on", "field.date_invalid"))
			return
		}
	}
	if err := a.deps.Meals.SetDinerStatus(r.Context(), p, id, in.Version, meals.DinerStatusInput{Status: in.Status, On: on,
		Note: in.Note}); err != nil {
		a.writeError(w, r, err)
		return
	}
	a.writeDiner(w, r, id)
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
