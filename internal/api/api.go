// Package api is Minzheng's REST JSON API under /api/v1: the same domain operations as the HTML
// site, for other systems (agency feeds, canteen terminals, the dashboard). Errors always have the
// shape {"error": {"code", "message", "field"}}. The OpenAPI 3 document served at
// /api/v1/openapi.json is written by hand next to the code, and a test checks it against the
// routes registered here, so the two cannot drift apart.
package api

import (
	"context"
	_ "embed"
	"encoding/json"
	"log/slog"
	"net/http"

	"github.com/minzheng/minzheng/internal/apperr"
	"github.com/minzheng/minzheng/internal/assistance"
	"github.com/minzheng/minzheng/internal/auth"
	"github.com/minzheng/minzheng/internal/db"
	"github.com/minzheng/minzheng/internal/meals"
	"github.com/minzheng/minzheng/internal/monitor"
	"github.com/minzheng/minzheng/internal/msg"
	"github.com/minzheng/minzheng/internal/payout"
	"github.com/minzheng/minzheng/internal/policy/paramdb"
	"github.com/minzheng/minzheng/internal/registry"
)

// Prefix is where the API is mounted.
const Prefix = "/api/v1"

//go:embed openapi.json
var openAPIDoc []byte

// Deps is what the API needs from the application.
type Deps struct {
	DB       *db.DB
	Auth     *auth.Service
	Registry *registry.Store
	Params   *paramdb.Store
	// Cases is the social-assistance service platform: applications, decisions, entitlements.
	Cases *assistance.Store
	Log   *slog.Logger
	// Payout makes the monthly rosters, keeps the funds ledger and records payees.
	Payout *payout.Store
	// Monitor keeps the monitoring warnings, their visits and outcomes, and screening campaigns.
	Monitor *monitor.Store
	// Meals keeps canteens, diners, meals served, online orders and monthly settlements.
	Meals *meals.Store
	// MonitorRunNow starts a monitoring run over the waiting agency files in the background;
	// nil runs it within the request instead (tests of this package have no job runner).
	MonitorRunNow func(ctx context.Context) error
}

// Route is one registered API route, in OpenAPI path form ("/regions/{code}"), with the
// permission it needs.
type Route struct {
	Method, Path string
	Perm         auth.Permission
}

// API is the JSON API handler.
type API struct {
	deps   Deps
	log    *slog.Logger
	msg    *msg.Catalog
	mux    *http.ServeMux
	routes []Route
}

// New builds the API and registers every route.
func New(deps Deps) *API {
	if deps.Log == nil {
		deps.Log = slog.Default()
	}
	a := &API{deps: deps, log: deps.Log, msg: msg.Default(), mux: http.NewServeMux()}
	a.handle("GET", "/openapi.json", auth.Public, a.openAPI)
	a.handle("GET", "/regions/{code}", auth.RegionView, a.getRegion)
	a.registerUsers()
	a.registerHouseholds()
	a.registerDuplicates()
	a.registerImports()
	a.registerPolicy()
	a.registerCases()
	a.registerDecisions()
	a.registerEntitlements()
	a.registerChain()
	a.registerNotice()
	a.registerPayout()
	a.registerMonitor()
	a.registerMeals()
	a.handle("GET", "/audit", auth.AuditView, a.searchAudit)
	a.mux.HandleFunc(Prefix+"/", func(w http.ResponseWriter, r *http.Request) {
		a.writeError(w, r, apperr.New(apperr.NotFound, "no_route", a.msg.T("api.noroute")))
	})
	return a
}

// handle registers a route guarded by perm; no route exists without a permission.
func (a *API) handle(method, path string, perm auth.Permission, h http.HandlerFunc) {
	if !perm.Known() {
		panic("api: unknown permission " + string(perm) + " for " + path)
	}
	a.mux.Handle(method+" "+Prefix+path, a.guard(perm, h))
	a.routes = append(a.routes, Route{Method: method, Path: path, Perm: perm})
}

// Routes lists the registered routes, relative to Prefix.
func (a *API) Routes() []Route { return append([]Route(nil), a.routes...) }

// ServeHTTP serves the API, first finding the caller from a bearer token or a session cookie.
func (a *API) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	a.authenticate(a.mux).ServeHTTP(w, r)
}

func (a *API) openAPI(w http.ResponseWriter, _ *http.Request) {
	w.Header().Set("Content-Type", "application/json")
	_, _ = w.Write(openAPIDoc)
}

// errorBody is the one error shape of the API.
type errorBody struct {
	Error errorDetail `json:"error"`
}

type errorDetail struct {
	Code    string `json:"code"`
	Message string `json:"message"`
	Field   string `json:"field,omitempty"`
}

func (a *API) writeError(w http.ResponseWriter, r *http.Request, err error) {
	e := apperr.As(err)
	if e.Kind == apperr.Internal {
		a.log.Error("internal error", "method", r.Method, "path", r.URL.Path, "err", err)
		e = apperr.New(apperr.Internal, "internal", a.msg.T("error.internal"))
	}
	writeJSON(w, apperr.Status(e.Kind), errorBody{Error: errorDetail{Code: e.Code, Message: e.Message, Field: e.Field}})
}

// CrossOriginRefused answers a state-changing request from another site's page.
func (a *API) CrossOriginRefused(w http.ResponseWriter, r *http.Request) {
	a.writeError(w, r, apperr.Msg(apperr.Forbidden, "auth.cross_origin"))
}

// InternalError writes the JSON 500 answer; the server uses it after recovering from a panic.
func (a *API) InternalError(w http.ResponseWriter, r *http.Request) {
	writeJSON(w, http.StatusInternalServerError, errorBody{Error: errorDetail{Code: "internal", Message: a.msg.T("error.internal")}})
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.WriteHeader(status)
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(false)
	_ = enc.Encode(v)
}
