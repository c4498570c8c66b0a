package api

import (
	"net/http"
	"slices"
	"strconv"

	"github.com/minzheng/minzheng/internal/apperr"
	"github.com/minzheng/minzheng/internal/assistance"
	"github.com/minzheng/minzheng/internal/auth"
	"github.com/minzheng/minzheng/internal/civil"
	"github.com/minzheng/minzheng/internal/httpx"
	"github.com/minzheng/minzheng/internal/money"
)

// registerCases adds the case routes: the work queues and the case list, window intake, the case
// itself and what is done to it, and its documents. Which step a caller may perform is the
// store's decision (the workflow's level and the caller's scope), not the route's.
func (a *API) registerCases() {
	a.handle("GET", "/cases", auth.CaseView, a.listCases)
	a.handle("POST", "/cases", auth.CaseIntake, a.createCase)
	a.handle("GET", "/cases/{id}", auth.CaseView, a.getCase)
	a.handle("POST", "/cases/{id}/actions", auth.CaseHandle, a.actOnCase)
	a.handle("POST", "/cases/{id}/extension", auth.CaseHandle, a.extendCase)
	a.handle("POST", "/cases/{id}/withdrawal", auth.CaseHandle, a.withdrawCase)
	a.handle("POST", "/cases/{id}/objections/{objection}/resolution", auth.CaseHandle, a.resolveObjection)
	a.handle("POST", "/cases/{id}/documents", auth.CaseHandle, a.uploadDocument)
	a.handle("GET", "/cases/{id}/documents/{doc}", auth.CaseView, a.downloadDocument)
}

// listCases answers GET /cases: with ?queue= one of the caller's work queues (my tasks, due
// soon, overdue, awaiting approval), most urgent first; without it the cases of the caller's
// scope filtered by status, program, kind and region, newest first.
func (a *API) listCases(w http.ResponseWriter, r *http.Request) {
	p := auth.FromContext(r.Context())
	q := r.URL.Query()
	page, _ := strconv.Atoi(q.Get("page"))
	perPage, _ := strconv.Atoi(q.Get("per_page"))
	if queue := q.Get("queue"); queue != "" {
		if !slices.Contains(assistance.Queues(), queue) {
			a.writeError(w, r, apperr.FieldMsg("queue", "api.queue_invalid"))
			return
		}
		tasks, total, err := a.deps.Cases.Queue(r.Context(), p, queue, page, perPage)
		if err != nil {
			a.writeError(w, r, err)
			return
		}
		out := make([]taskJSON, 0, len(tasks))
		for _, t := range tasks {
			out = append(out, toTaskJSON(t))
		}
		writeJSON(w, http.StatusOK, map[string]any{"queue": queue, "tasks": out, "total": total})
		return
	}
	apps, total, err := a.deps.Cases.Search(r.Context(), p, assistance.CaseQuery{Status: q.Get("status"), Program: q.Get("program"),
		Kind: q.Get("kind"), Region: q.Get("region"), Page: page, PerPage: perPage})
	if err != nil {
		a.writeError(w, r, err)
		return
	}
	out := make([]applicationJSON, 0, len(apps))
	for _, app := range apps {
		out = append(out, toApplicationJSON(app))
	}
	writeJSON(w, http.StatusOK, map[string]any{"cases": out, "total": total})
}

// intakeJSON is the body of POST /cases: an application as the window officer enters it.
type intakeJSON struct {
	Program       string `json:"program"`
	Subtype       string `json:"subtype"`
	RegionCode    string `json:"region_code"`
	HouseholdID   int64  `json:"household_id"`
	ApplicantName string `json:"applicant_name"`
	IDNumber      string `json:"id_number"`
	Phone         string `json:"phone"`
	AgentName     string `json:"agent_name"`
	Address       string `json:"address"`
	Hukou         string `json:"hukou"`
	Reason        string `json:"reason"`
	Details       struct {
		Severity      int   `json:"severity"`
		ExpenseFen    int64 `json:"expense_fen"`
		RequestedFen  int64 `json:"requested_fen"`
		ChildPersonID int64 `json:"child_person_id"`
		Institutional bool  `json:"institutional"`
		Expenditure   bool  `json:"expenditure"`
	} `json:"details"`
}

func (in intakeJSON) intake() assistance.Intake {
	d := in.Details
	return assistance.Intake{Program: in.Program, Subtype: in.Subtype, RegionCode: in.RegionCode, HouseholdID: in.HouseholdID,
		ApplicantName: in.ApplicantName, IDNumber: in.IDNumber, Phone: in.Phone, AgentName: in.AgentName, Address: in.Address,
		Hukou: in.Hukou, Reason: in.Reason, Details: assistance.Details{Severity: d.Severity, Expense: money.Fen(d.ExpenseFen),
			Requested: money.Fen(d.RequestedFen), ChildPersonID: d.ChildPersonID, Institutional: d.Institutional,
			Expenditure: d.Expenditure}}
}

// createCase answers POST /cases: window intake (一门受理) by the street officer. When the
// household is in the registry the case is accepted on the spot and its household check has run
// by the time the answer (201, the whole case) comes back.
func (a *API) createCase(w http.ResponseWriter, r *http.Request) {
	var in intakeJSON
	if !a.body(w, r, &in) {
		return
	}
	p := auth.FromContext(r.Context())
	app, err := a.deps.Cases.Submit(r.Context(), assistance.Applicant{Officer: p, IP: httpx.ClientIP(r)}, in.intake())
	a.answerNewCase(w, r, app, err)
}

// getCase answers GET /cases/{id}: the case with its steps, objections, decisions and
// documents; out of the caller's scope it does not exist.
func (a *API) getCase(w http.ResponseWriter, r *http.Request) {
	if id, ok := a.pathID(w, r, "id", "case.notfound"); ok {
		a.writeCase(w, r, http.StatusOK, id)
	}
}

// writeCase answers with case id as the caller now sees it: every write on a case answers with
// the whole case, so that a client has the new version and current step without asking again.
func (a *API) writeCase(w http.ResponseWriter, r *http.Request, status int, id int64) {
	c, err := a.deps.Cases.Get(r.Context(), auth.FromContext(r.Context()), id)
	if err != nil {
		a.writeError(w, r, err)
		return
	}
	writeJSON(w, status, toCaseJSON(c, a.today()))
}

// today is the civil date of the store's clock, for the overdue flags.
func (a *API) today() civil.Date {
	if a.deps.Cases != nil && a.deps.Cases.Now != nil {
		return civil.Today(a.deps.Cases.Now())
	}
	return civil.Date{}
}
