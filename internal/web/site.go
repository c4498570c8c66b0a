// Package web is Minzheng's HTML user interface: server-rendered html/template pages in
// Simplified Chinese, embedded with their CSS, with no build step, no CDN and no external font,
// because a bureau's intranet has none of those.
//
// The package is a thin adapter: each page file parses the request, calls a domain package and
// renders a template. Business rules live in the domain packages. Every page registers its route
// and, if it belongs in the left navigation, its NavEntry, in one call (Site.page), so the
// navigation links only to pages that exist.
package web

import (
	"context"
	"errors"
	"html/template"
	"log/slog"
	"net/http"
	"strings"
	"time"

	"github.com/minzheng/minzheng/internal/apperr"
	"github.com/minzheng/minzheng/internal/assistance"
	"github.com/minzheng/minzheng/internal/audit"
	"github.com/minzheng/minzheng/internal/auth"
	"github.com/minzheng/minzheng/internal/citizen"
	"github.com/minzheng/minzheng/internal/db"
	"github.com/minzheng/minzheng/internal/meals"
	"github.com/minzheng/minzheng/internal/monitor"
	"github.com/minzheng/minzheng/internal/msg"
	"github.com/minzheng/minzheng/internal/payout"
	"github.com/minzheng/minzheng/internal/policy/paramdb"
	"github.com/minzheng/minzheng/internal/registry"
)

// Deps is what the site needs from the rest of the application.
type Deps struct {
	DB       *db.DB
	Auth     *auth.Service
	Audit    *audit.Log
	Registry *registry.Store
	Params   *paramdb.Store
	// Cases is the social-assistance service platform: applications, decisions, entitlements.
	Cases *assistance.Store
	// Citizens signs the public in by phone number and one-time code for the online application
	// pages (/apply); nil leaves those pages asking to try later.
	Citizens *citizen.Service
	Log      *slog.Logger
	// Now is the clock; deadlines and "today" come from it, never from time.Now directly.
	Now func() time.Time
	// Root is the region code the home page starts from (the city, "3702" for Qingdao).
	Root string
	// SecureCookies marks session cookies Secure behind an HTTPS reverse proxy.
	SecureCookies bool
	// Indicators add per-region count columns to the home page; modules contribute their own.
	// Their figures are reused for up to a minute.
	Indicators []Indicator
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

// Indicator is one live count per region shown on the home page, such as the number of streets
// below each district or, later, the number of 低保 persons.
type Indicator struct {
	// Label is the message key of the column heading.
	Label string
	// Count returns, for each direct child of parent, its count.
	Count func(ctx context.Context, parent string) (map[string]int, error)
}

// Route is one registered page route with the permission it needs, listed for the access-matrix
// test.
type Route struct {
	Method, Pattern string
	Perm            auth.Permission
}

// Site is the HTML application.
type Site struct {
	deps   Deps
	log    *slog.Logger
	msg    *msg.Catalog
	mux    *http.ServeMux
	nav    nav
	assets *assets
	pages  map[string]*template.Template
	routes []Route
}

// New builds the site and registers every page.
func New(deps Deps) (*Site, error) {
	if deps.Log == nil {
		deps.Log = slog.Default()
	}
	if deps.Now == nil {
		deps.Now = time.Now
	}
	if deps.Root == "" {
		deps.Root = "3702"
	}
	a, err := loadAssets()
	if err != nil {
		return nil, err
	}
	for i := range deps.Indicators {
		deps.Indicators[i].Count = cached(deps.Now, deps.Indicators[i].Count)
	}
	s := &Site{deps: deps, log: deps.Log, msg: msg.Default(), mux: http.NewServeMux(), assets: a}
	if err := s.parseTemplates(); err != nil {
		return nil, err
	}
	s.mux.HandleFunc("GET /static/{file}", a.serve)
	s.registerHome()
	s.registerRegions()
	s.registerLogin()
	s.registerPassword()
	s.registerUsers()
	s.registerUser()
	s.registerAuditLog()
	s.registerHouseholds()
	s.registerHouseholdForm()
	s.registerHousehold()
	s.registerDuplicates()
	s.registerImport()
	s.registerExport()
	s.registerCalc()
	s.registerCalcForm()
	s.registerParams()
	s.registerSimulation()
	s.registerCases()
	s.registerCase()
	s.registerDecisions()
	s.registerEntitlements()
	s.registerChain()
	s.registerNotice()
	s.registerCitizen()
	s.registerPayout()
	s.registerMonitor()
	s.registerMeals()
	s.mux.HandleFunc("/", s.notFound)
	return s, nil
}

// page registers a page route guarded by perm, and its navigation entry when nav is not nil.
// Every page goes through here, so no route can exist without a permission.
func (s *Site) page(method, pattern string, perm auth.Permission, h http.HandlerFunc, nav *NavEntry) {
	if !perm.Known() {
		panic("web: unknown permission " + string(perm) + " for " + pattern)
	}
	s.mux.Handle(method+" "+pattern, s.guard(perm, h))
	s.routes = append(s.routes, Route{Method: method, Pattern: pattern, Perm: perm})
	if nav != nil {
		nav.Perm = perm
		link := strings.TrimSuffix(pattern, "{$}")
		if strings.Contains(link, "{") {
			panic("web: a page with path wildcards cannot be a navigation entry: " + pattern)
		}
		s.nav.add(link, *nav)
	}
}

// Routes lists the registered page routes.
func (s *Site) Routes() []Route { return append([]Route(nil), s.routes...) }

// ServeHTTP serves the site, first finding who is signed in.
func (s *Site) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	s.authenticate(s.mux).ServeHTTP(w, r)
}

// CrossOriginRefused writes the 403 page for a state-changing request from another site.
func (s *Site) CrossOriginRefused(w http.ResponseWriter, r *http.Request) {
	s.renderError(w, r, apperr.Msg(apperr.Forbidden, "auth.cross_origin"))
}

// InternalError writes the 500 page; the server uses it after recovering from a panic.
func (s *Site) InternalError(w http.ResponseWriter, r *http.Request) {
	s.renderError(w, r, errors.New("recovered panic"))
}
