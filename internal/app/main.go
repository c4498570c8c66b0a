package app

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"time"

	"github.com/minzheng/minzheng/internal/config"
	"github.com/minzheng/minzheng/internal/db"
	"github.com/minzheng/minzheng/internal/jobs"
	"github.com/minzheng/minzheng/internal/region"
	"github.com/minzheng/minzheng/internal/synth"
)

// Main is one running Minzheng server: the serve and demo subcommands, and tests that start a
// whole server on ":0" with a temporary data folder.
type Main struct {
	// Config is filled by ParseFlags; tests may set it directly.
	Config config.Config
	// Demo generates the synthetic demo city into an empty database before serving.
	Demo bool
	// Reset deletes the demo's SQLite database first (demo only).
	Reset bool
	// DemoSeed makes the demo city reproducible.
	DemoSeed uint64
	// DemoHouseholds is how many synthetic households the demo city gets on its first run.
	DemoHouseholds int

	Stdout, Stderr io.Writer
	Getenv         func(string) string
	// Now is the clock handed to every component.
	Now func() time.Time

	DB     *db.DB
	Logger *slog.Logger
	// DemoLogins are the demo's accounts, printed at start.
	DemoLogins []synth.Login

	svc    *services
	routes []Route

	ln  net.Listener
	srv *http.Server
	// jobs runs the periodic jobs on River; Close stops it before the database closes.
	jobs *jobs.Runner
}

// NewMain returns a Main with default configuration, writing to the process's stdout and stderr.
func NewMain() *Main {
	return &Main{
		Config:         config.Default(),
		DemoSeed:       20231231,
		DemoHouseholds: 3000,
		Stdout:         os.Stdout,
		Stderr:         os.Stderr,
		Getenv:         os.Getenv,
		Now:            time.Now,
	}
}

// ParseFlags reads the environment, then flags, into Config and validates the result.
func (m *Main) ParseFlags(args []string) error {
	e := env{stdout: m.Stdout, stderr: m.Stderr, getenv: m.Getenv}
	if err := m.Config.FromEnv(m.Getenv); err != nil {
		return err
	}
	name, synopsis := "serve", "运行服务。Run the Minzheng server on an existing or new database (migrated at start)."
	if m.Demo {
		name, synopsis = "demo", "生成并运行示范城市。Create the data folder and the synthetic demo city on first run, then serve it. A second run reuses the data."
	}
	fs := newFlagSet(e, name, synopsis)
	m.Config.AddServeFlags(fs)
	m.Config.AddDataFlags(fs)
	m.Config.AddLogFlags(fs)
	if m.Demo {
		fs.BoolVar(&m.Reset, "reset", false, "delete the demo database and generate the city again")
		fs.Uint64Var(&m.DemoSeed, "seed", m.DemoSeed, "random `seed` of the demo city")
		fs.IntVar(&m.DemoHouseholds, "households", m.DemoHouseholds, "synthetic `households` generated on the first run")
	}
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	return m.Config.Validate()
}

// Run opens and migrates the database, generates the demo city if asked, and starts serving. It
// returns once the server is listening; Close stops it.
func (m *Main) Run(ctx context.Context) error {
	logger, err := newLogger(m.Config, m.Stderr)
	if err != nil {
		return err
	}
	m.Logger = logger
	if m.Demo && m.Reset {
		if err := resetDemo(m.Config); err != nil {
			return err
		}
	}
	svc, err := openServices(ctx, m.Config, logger, m.Now)
	if err != nil {
		return err
	}
	m.svc, m.DB = svc, svc.db
	d := svc.db
	if m.Demo {
		if err := m.generateDemo(ctx); err != nil {
			return err
		}
	}
	if err := m.startJobs(ctx); err != nil {
		return fmt.Errorf("background jobs: %w", err)
	}
	handler, err := m.handler()
	if err != nil {
		return err
	}
	ln, err := net.Listen("tcp", m.Config.Addr)
	if err != nil {
		return fmt.Errorf("listen on %s: %w", m.Config.Addr, err)
	}
	m.ln = ln
	m.srv = &http.Server{Handler: handler, ReadHeaderTimeout: 10 * time.Second}
	go func() {
		if err := m.srv.Serve(ln); err != nil && !errors.Is(err, http.ErrServerClosed) {
			logger.Error("http server stopped", "err", err)
		}
	}()
	logger.Info("serving", "url", m.URL(), "db", d.String())
	return nil
}

// URL is the address the server listens on, as a browser would open it.
func (m *Main) URL() string {
	if m.ln == nil {
		return ""
	}
	addr := m.ln.Addr().(*net.TCPAddr)
	host := addr.IP.String()
	if addr.IP.IsUnspecified() || addr.IP.IsLoopback() {
		host = "localhost"
	}
	return fmt.Sprintf("http://%s", net.JoinHostPort(host, fmt.Sprint(addr.Port)))
}

// Close stops the server, letting requests in flight finish for a few seconds, and closes the
// database.
func (m *Main) Close() error {
	var errs []error
	if m.srv != nil {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		errs = append(errs, m.srv.Shutdown(ctx))
	}
	if m.jobs != nil {
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		errs = append(errs, m.jobs.Stop(ctx))
		cancel()
		m.jobs = nil
	}
	if m.DB != nil {
		errs = append(errs, m.DB.Close())
	}
	return errors.Join(errs...)
}

// openData opens the configured database, applies migrations and loads the official division
// codes — the steps every data-touching subcommand shares.
func openData(ctx context.Context, cfg config.Config, logger *slog.Logger) (*db.DB, error) {
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	d, err := db.Open(ctx, cfg.DSN())
	if err != nil {
		return nil, err
	}
	applied, err := d.Migrate(ctx)
	if err != nil {
		d.Close()
		return nil, err
	}
	if len(applied) > 0 {
		logger.Info("migrated", "versions", applied)
	}
	if n, err := region.Seed(ctx, d); err != nil {
		d.Close()
		return nil, fmt.Errorf("load division codes: %w", err)
	} else if n > 0 {
		logger.Info("loaded division codes", "rows", n)
	}
	return d, nil
}

func (m *Main) generateDemo(ctx context.Context) error {
	start := time.Now()
	n, err := synth.Regions(ctx, m.DB, m.DemoSeed)
	if err != nil {
		return fmt.Errorf("generate demo city: %w", err)
	}
	if n > 0 {
		m.Logger.Info("generated demo city", "communities", n, "seconds", time.Since(start).Seconds())
	}
	var existing int
	if err := m.DB.QueryRow(ctx, `SELECT COUNT(*) FROM households`).Scan(&existing); err != nil {
		return err
	}
	if existing == 0 && m.DemoHouseholds > 0 {
		start := time.Now()
		h, p, err := generateHouseholds(ctx, m.svc, m.DemoSeed, m.DemoHouseholds, nil)
		if err != nil {
			return fmt.Errorf("generate demo households: %w", err)
		}
		m.Logger.Info("generated demo households", "households", h, "persons", p, "seconds", time.Since(start).Seconds())
		n, err := demoPayees(ctx, m.svc)
		if err != nil {
			return fmt.Errorf("generate demo payees: %w", err)
		}
		m.Logger.Info("generated demo payees", "households", n)
	}
	if err := m.demoCases(ctx); err != nil {
		return err
	}
	if err := m.demoMonitor(ctx); err != nil {
		return err
	}
	if err := m.demoMeals(ctx); err != nil {
		return err
	}
	logins, err := synth.Users(ctx, m.DB, m.svc.auth)
	if err != nil {
		return err
	}
	if logins != nil {
		if err := saveDemoLogins(m.Config, logins); err != nil {
			return err
		}
	}
	m.DemoLogins, err = loadDemoLogins(m.Config)
	return err
}

func newLogger(cfg config.Config, w io.Writer) (*slog.Logger, error) {
	level, err := cfg.SlogLevel()
	if err != nil {
		return nil, err
	}
	opts := &slog.HandlerOptions{Level: level}
	if cfg.LogFormat == "json" {
		return slog.New(slog.NewJSONHandler(w, opts)), nil
	}
	return slog.New(slog.NewTextHandler(w, opts)), nil
}
