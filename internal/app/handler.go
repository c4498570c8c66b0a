package app

import (
	"context"
	"net/http"
	"strings"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"

	"github.com/minzheng/minzheng/internal/api"
	"github.com/minzheng/minzheng/internal/auth"
	"github.com/minzheng/minzheng/internal/httpx"
	"github.com/minzheng/minzheng/internal/jobs"
	"github.com/minzheng/minzheng/internal/web"
)

// Route is one route of the whole server with the permission it requires, for the access-matrix
// test and for operators who want the policy as a list.
type Route struct {
	API             bool
	Method, Pattern string
	Perm            auth.Permission
}

// indicators are the live per-region counts the home page shows beside streets and communities:
// low-income households and persons from the registry.
func (m *Main) indicators() []web.Indicator {
	return []web.Indicator{
		{Label: "home.households", Count: m.svc.registry.HouseholdsBelow},
		{Label: "home.persons", Count: m.svc.registry.PersonsBelow},
		{Label: "meals.stats.indicator", Count: m.svc.meals.MealsBelow},
	}
}

// Routes lists every page and API route registered by Run.
func (m *Main) Routes() []Route { return append([]Route(nil), m.routes...) }

// handler assembles the whole HTTP surface: the HTML site at /, the JSON API at /api/v1, and the
// operations endpoints /healthz, /readyz and /metrics.
func (m *Main) handler() (http.Handler, error) {
	site, err := web.New(web.Deps{Indicators: m.indicators(), DB: m.DB, Auth: m.svc.auth, Audit: m.svc.audit, Registry: m.svc.registry, Params: m.svc.params, Cases: m.svc.cases, Citizens: m.svc.citizens, Payout: m.svc.payout, Monitor: m.svc.monitor, Meals: m.svc.meals, Log: m.Logger, Now: m.Now,
		SecureCookies: m.Config.SecureCookies, MonitorRunNow: m.monitorRunNow})
	if err != nil {
		return nil, err
	}
	apiHandler := api.New(api.Deps{DB: m.DB, Auth: m.svc.auth, Registry: m.svc.registry, Params: m.svc.params, Cases: m.svc.cases, Payout: m.svc.payout, Monitor: m.svc.monitor, Meals: m.svc.meals, Log: m.Logger,
		MonitorRunNow: m.monitorRunNow})
	m.routes = nil
	for _, r := range site.Routes() {
		m.routes = append(m.routes, Route{Method: r.Method, Pattern: r.Pattern, Perm: r.Perm})
	}
	for _, r := range apiHandler.Routes() {
		m.routes = append(m.routes, Route{API: true, Method: r.Method, Pattern: api.Prefix + r.Path, Perm: r.Perm})
	}

	reg := prometheus.NewRegistry()
	reg.MustRegister(collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	metrics := httpx.NewMetrics(reg)

	mux := http.NewServeMux()
	mux.Handle("/", site)
	mux.Handle(api.Prefix+"/", apiHandler)
	mux.HandleFunc("GET /healthz", func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "text/plain; charset=utf-8")
		_, _ = w.Write([]byte("ok\n"))
	})
	mux.HandleFunc("GET /readyz", func(w http.ResponseWriter, r *http.Request) {
		ctx, cancel := context.WithTimeout(r.Context(), 3*time.Second)
		defer cancel()
		w.Header().Set("Content-Type", "text/plain; charset=utf-8")
		if err := m.DB.Ping(ctx); err != nil {
			m.Logger.Warn("readiness check failed", "err", err)
			w.WriteHeader(http.StatusServiceUnavailable)
			_, _ = w.Write([]byte("database unavailable\n"))
			return
		}
		_, _ = w.Write([]byte("ready\n"))
	})
	mux.Handle("GET /metrics", promhttp.HandlerFor(reg, promhttp.HandlerOpts{}))

	onPanic := func(w http.ResponseWriter, r *http.Request) {
		if strings.HasPrefix(r.URL.Path, api.Prefix+"/") {
			apiHandler.InternalError(w, r)
			return
		}
		site.InternalError(w, r)
	}
	// Cross-origin protection on every state-changing request: a form on another site cannot make
	// a signed-in officer's browser approve or delete anything.
	cop := http.NewCrossOriginProtection()
	cop.SetDenyHandler(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if strings.HasPrefix(r.URL.Path, api.Prefix+"/") {
			apiHandler.CrossOriginRefused(w, r)
			return
		}
		site.CrossOriginRefused(w, r)
	}))
	protected := cop.Handler(mux)
	return httpx.SecureHeaders(httpx.Observe(m.Logger, metrics, onPanic, protected)), nil
}

// monitorRunNow is "run now" for the agency-file pages and the API: a request for the on-demand
// River job monitor.run_now, durable like the monthly run — queued in the database, retried,
// taken up by another process if this one stops. Requests in the same second are one run. Only
// without a jobs runner (tests that serve no jobs) does the run go in the background here.
func (m *Main) monitorRunNow(ctx context.Context) error {
	if m.jobs != nil {
		_, err := m.jobs.Enqueue(ctx, "monitor.run_now", time.Now())
		return err
	}
	go func() {
		ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), jobs.DefaultTimeout)
		defer cancel()
		if err := m.runMonitor(ctx); err != nil {
			m.Logger.Error("monitor run", "err", err)
		}
	}()
	return nil
}
