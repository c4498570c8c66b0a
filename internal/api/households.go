package api

import (
	"net/http"
	"net/url"
	"strconv"
	"time"

	"github.com/minzheng/minzheng/internal/apperr"
	"github.com/minzheng/minzheng/internal/auth"
	"github.com/minzheng/minzheng/internal/civil"
	"github.com/minzheng/minzheng/internal/httpx"
	"github.com/minzheng/minzheng/internal/registry"
)

func (a *API) registerHouseholds() {
	a.handle("GET", "/persons", auth.HouseholdView, a.searchPersons)
	a.handle("POST", "/persons/{id}/reveal-id", auth.PIIReveal, a.revealID)
	a.handle("POST", "/households", auth.HouseholdEdit, a.createHousehold)
	a.handle("GET", "/households/{id}", auth.HouseholdView, a.getHousehold)
	a.handle("PUT", "/households/{id}", auth.HouseholdEdit, a.updateHousehold)
	a.handle("GET", "/households/{id}/history", auth.HouseholdView, a.householdHistory)
}

// searchPersons answers GET /persons with the query parameters of registry.Query.
func (a *API) searchPersons(w http.ResponseWriter, r *http.Request) {
	rows, total, err := a.deps.Registry.Search(r.Context(), auth.FromContext(r.Context()), personQuery(r.URL.Query()))
	if err != nil {
		a.writeError(w, r, err)
		return
	}
	out := make([]personJSON, 0, len(rows))
	for _, row := range rows {
		pj := toPersonJSON(row.Person)
		pj.Address, pj.RegionCode = row.Address, row.RegionCode
		out = append(out, pj)
	}
	writeJSON(w, http.StatusOK, map[string]any{"persons": out, "total": total})
}

// personQuery reads the search parameters shared by GET /persons and its export.
func personQuery(q url.Values) registry.Query {
	flag := func(k string) bool { return q.Get(k) == "true" || q.Get(k) == "1" }
	page, _ := strconv.Atoi(q.Get("page"))
	perPage, _ := strconv.Atoi(q.Get("per_page"))
	return registry.Query{Name: q.Get("name"), NameExact: flag("name_exact"), IDNumber: q.Get("id_number"), Phone: q.Get("phone"),
		Address: q.Get("address"), Region: q.Get("region"), Tier: registry.Tier(q.Get("tier")), Disabled: flag("disabled"),
		Elderly: flag("elderly"), Minor: flag("minor"), Ill: flag("ill"), Sort: q.Get("sort"), Page: page, PerPage: perPage}
}

func pathInt(r *http.Request, name, notFoundKey string) (int64, error) {
	id, err := strconv.ParseInt(r.PathValue(name), 10, 64)
	if err != nil || id <= 0 {
		return 0, apperr.Msg(apperr.NotFound, notFoundKey)
	}
	return id, nil
}

func (a *API) getHousehold(w http.ResponseWriter, r *http.Request) {
	id, err := pathInt(r, "id", "registry.notfound")
	if err == nil {
		var h *registry.Household
		if h, err = a.deps.Registry.Get(r.Context(), auth.FromContext(r.Context()), id); err == nil {
			writeJSON(w, http.StatusOK, toHouseholdJSON(h))
			return
		}
	}
	a.writeError(w, r, err)
}

func (a *API) createHousehold(w http.ResponseWriter, r *http.Request) {
	var in householdInputJSON
	if err := decode(r, &in); err != nil {
		a.writeError(w, r, err)
		return
	}
	id, err := a.deps.Registry.Create(r.Context(), auth.FromContext(r.Context()), in.input())
	if err != nil {
		a.writeError(w, r, err)
		return
	}
	h, err := a.deps.Registry.Get(r.Context(), auth.FromContext(r.Context()), id)
	if err != nil {
		a.writeError(w, r, err)
		return
	}
	writeJSON(w, http.StatusCreated, toHouseholdJSON(h))
}

func (a *API) updateHousehold(w http.ResponseWriter, r *http.Request) {
	id, err := pathInt(r, "id", "registry.notfound")
	if err != nil {
		a.writeError(w, r, err)
		return
	}
	var in householdInputJSON
	if err := decode(r, &in); err != nil {
		a.writeError(w, r, err)
		return
	}
	if in.Version <= 0 {
		a.writeError(w, r, apperr.FieldMsg("version", "api.version_required"))
		return
	}
	p := auth.FromContext(r.Context())
	if err := a.deps.Registry.Update(r.Context(), p, id, in.Version, in.input()); err != nil {
		a.writeError(w, r, err)
		return
	}
	h, err := a.deps.Registry.Get(r.Context(), p, id)
	if err != nil {
		a.writeError(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, toHouseholdJSON(h))
}

type changeJSON struct {
	At     time.Time `json:"at"`
	Actor  string    `json:"actor"`
	Entity string    `json:"entity"`
	Field  string    `json:"field"`
	Old    string    `json:"old"`
	New    string    `json:"new"`
}

func (a *API) householdHistory(w http.ResponseWriter, r *http.Request) {
	id, err := pathInt(r, "id", "registry.notfound")
	if err == nil {
		var changes []registry.Change
		if changes, err = a.deps.Registry.History(r.Context(), auth.FromContext(r.Context()), id); err == nil {
			out := make([]changeJSON, 0, len(changes))
			for _, c := range changes {
				out = append(out, changeJSON{At: c.At, Actor: c.Actor, Entity: c.Entity, Field: c.Field, Old: c.Old, New: c.New})
			}
			writeJSON(w, http.StatusOK, map[string]any{"changes": out})
			return
		}
	}
	a.writeError(w, r, err)
}

// revealID answers with a person's full ID number; the reveal is audited first.
func (a *API) revealID(w http.ResponseWriter, r *http.Request) {
	id, err := pathInt(r, "id", "registry.person_notfound")
	if err == nil {
		var number string
		if number, err = a.deps.Registry.RevealID(r.Context(), auth.FromContext(r.Context()), id, httpx.ClientIP(r)); err == nil {
			writeJSON(w, http.StatusOK, map[string]string{"id_number": number})
			return
		}
	}
	a.writeError(w, r, err)
}

func parseDate(s string) civil.Date {
	d, _ := civil.ParseDate(s)
	return d
}
