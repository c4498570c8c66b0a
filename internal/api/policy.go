package api

import (
	"net/http"

	"github.com/minzheng/minzheng/internal/apperr"
	"github.com/minzheng/minzheng/internal/auth"
	"github.com/minzheng/minzheng/internal/benefit"
	"github.com/minzheng/minzheng/internal/civil"
	"github.com/minzheng/minzheng/internal/httpx"
	"github.com/minzheng/minzheng/internal/policy"
)

func (a *API) registerPolicy() {
	a.handle("POST", "/calculations", auth.SignedIn, a.calculate)
	a.handle("GET", "/policy/params", auth.SignedIn, a.listParams)
	a.handle("POST", "/policy/params", auth.PolicyEdit, a.addParam)
	a.handle("POST", "/simulations", auth.HouseholdView, a.simulate)
}

// calculate answers POST /calculations: one request in, one result out, with the parameters in
// force in this installation.
func (a *API) calculate(w http.ResponseWriter, r *http.Request) {
	var req policy.Request
	if err := decode(r, &req); err != nil {
		a.writeError(w, r, err)
		return
	}
	set, err := a.deps.Params.Load(r.Context())
	if err != nil {
		a.writeError(w, r, err)
		return
	}
	res, err := policy.Calculate(set, req)
	if err != nil {
		a.writeError(w, r, apperr.New(apperr.Invalid, "invalid", err.Error()))
		return
	}
	writeJSON(w, http.StatusOK, res)
}

type paramJSON struct {
	Name      string      `json:"name"`
	Region    string      `json:"region_code"`
	Hukou     string      `json:"hukou"`
	ValidFrom civil.Date  `json:"valid_from"`
	ValidTo   civil.Date  `json:"valid_to"`
	Value     int64       `json:"value"`
	Unit      policy.Unit `json:"unit"`
	Official  bool        `json:"official"`
	Source    string      `json:"source"`
}

func (a *API) listParams(w http.ResponseWriter, r *http.Request) {
	set, err := a.deps.Params.Load(r.Context())
	if err != nil {
		a.writeError(w, r, err)
		return
	}
	out := []paramJSON{}
	name := r.URL.Query().Get("name")
	for _, p := range set.All() {
		if name == "" || p.Name == name {
			out = append(out, paramJSON{Name: p.Name, Region: p.Region, Hukou: p.Hukou, ValidFrom: p.ValidFrom, ValidTo: p.ValidTo,
				Value: p.Value, Unit: p.Unit, Official: p.Official, Source: p.Source})
		}
	}
	writeJSON(w, http.StatusOK, map[string]any{"params": out})
}

// addParam answers POST /policy/params: next year's value of a parameter, from its start date.
func (a *API) addParam(w http.ResponseWriter, r *http.Request) {
	var in paramJSON
	if err := decode(r, &in); err != nil {
		a.writeError(w, r, err)
		return
	}
	if err := a.deps.Params.Add(r.Context(), auth.FromContext(r.Context()), policy.Param{Name: in.Name, Region: in.Region,
		Hukou: in.Hukou, ValidFrom: in.ValidFrom, ValidTo: in.ValidTo, Value: in.Value, Unit: in.Unit, Official: in.Official,
		Source: in.Source}, httpx.ClientIP(r)); err != nil {
		a.writeError(w, r, err)
		return
	}
	writeJSON(w, http.StatusCreated, in)
}

type simulationJSON struct {
	Program  string     `json:"program"`
	Date     civil.Date `json:"date"`
	Param    string     `json:"parameter"`
	From     civil.Date `json:"from"`
	Permille int64      `json:"change_permille"`
}

// simulate answers POST /simulations: what if a parameter changes by change_permille from a date,
// over every household in the caller's scope, by district.
func (a *API) simulate(w http.ResponseWriter, r *http.Request) {
	var in simulationJSON
	if err := decode(r, &in); err != nil {
		a.writeError(w, r, err)
		return
	}
	rep, err := benefit.Run(r.Context(), a.deps.Registry, a.deps.Params, auth.FromContext(r.Context()),
		benefit.Scenario{Program: in.Program, Date: in.Date, Param: in.Param, From: in.From, Permille: in.Permille})
	if err != nil {
		a.writeError(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, rep)
}
