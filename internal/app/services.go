package app

import (
	"context"
	"fmt"
	"log/slog"
	"path/filepath"
	"time"

	"github.com/minzheng/minzheng/internal/assistance"
	"github.com/minzheng/minzheng/internal/audit"
	"github.com/minzheng/minzheng/internal/auth"
	"github.com/minzheng/minzheng/internal/citizen"
	"github.com/minzheng/minzheng/internal/config"
	"github.com/minzheng/minzheng/internal/db"
	"github.com/minzheng/minzheng/internal/meals"
	"github.com/minzheng/minzheng/internal/monitor"
	"github.com/minzheng/minzheng/internal/payout"
	"github.com/minzheng/minzheng/internal/pii"
	"github.com/minzheng/minzheng/internal/policy"
	"github.com/minzheng/minzheng/internal/policy/paramdb"
	"github.com/minzheng/minzheng/internal/registry"
)

// services are the long-lived domain objects every command and the server share.
type services struct {
	db    *db.DB
	keys  *pii.Keyring
	audit *audit.Log
	auth  *auth.Service
	// registry is the low-income population database.
	registry *registry.Store
	// params are the policy parameters as stored.
	params *paramdb.Store
	// cases are the social-assistance applications, decisions and entitlements.
	cases *assistance.Store
	// citizens signs the public in by phone number and one-time code.
	citizens *citizen.Service
	// payout makes the monthly rosters and keeps the funds ledger.
	payout *payout.Store
	// monitor cross-matches agency files against the registry and keeps the warnings.
	monitor *monitor.Store
	// meals keeps the canteens, diners, meals served, online orders and monthly settlements.
	meals *meals.Store
	// keysPath is where keys came from, for commands that add a key.
	keysPath string
}

// openServices opens the database (migrated, divisions loaded) and the personal-data keys, and
// builds the domain services on them. A missing key file is created, and said so in the log: a
// new installation needs keys, and an existing one must never silently get different ones — so a
// database that already holds sealed data refuses new keys.
func openServices(ctx context.Context, cfg config.Config, logger *slog.Logger, now func() time.Time) (*services, error) {
	d, err := openData(ctx, cfg, logger)
	if err != nil {
		return nil, err
	}
	keys, created, err := pii.LoadOrCreateKeyFile(cfg.KeysPath())
	if err != nil {
		d.Close()
		return nil, fmt.Errorf("personal-data keys: %w", err)
	}
	if created {
		var sealed int
		if err := d.QueryRow(ctx, `SELECT (SELECT COUNT(*) FROM users WHERE phone_sealed <> '') + (SELECT COUNT(*) FROM persons)`).Scan(&sealed); err != nil {
			d.Close()
			return nil, err
		}
		if sealed > 0 {
			d.Close()
			return nil, fmt.Errorf("key file %s was missing and has been created, but the database holds data sealed with other keys: restore the original key file (and delete the new one)", cfg.KeysPath())
		}
		logger.Warn("generated new personal-data keys; back this file up apart from the database", "file", cfg.KeysPath())
	}
	if err := registry.EnsureIndexes(ctx, d); err != nil {
		d.Close()
		return nil, fmt.Errorf("registry indexes: %w", err)
	}
	if err := registry.EnsureFacts(ctx, d); err != nil {
		d.Close()
		return nil, fmt.Errorf("registry facts for monitoring: %w", err)
	}
	log := &audit.Log{Now: now}
	params := &paramdb.Store{DB: d, Audit: log, Now: now, Checks: []func(policy.Param) error{meals.CheckFraudParam}}
	if err := params.Seed(ctx); err != nil {
		d.Close()
		return nil, fmt.Errorf("policy parameters: %w", err)
	}
	reg := &registry.Store{DB: d, Keys: keys, Audit: log, Now: now}
	cases := &assistance.Store{DB: d, Keys: keys, Audit: log, Registry: reg, Params: params, Now: now}
	pay := &payout.Store{DB: d, Keys: keys, Audit: log, Cases: cases, Registry: reg, Params: params, Now: now}
	cases.ChainSources = append(cases.ChainSources, pay.ChainEvents) // payments join the household's chain
	mon := &monitor.Store{DB: d, Keys: keys, Audit: log, Registry: reg, Cases: cases, Params: params,
		City: cityRoot, Spool: filepath.Join(cfg.DataDir, "feeds"), Now: now}
	cases.ChainSources = append(cases.ChainSources, mon.ChainEvents) // warnings join the household's chain
	cases.AgencyCheck = mon.AgencyCheck                              // the household check consults the agencies' warnings
	return &services{db: d, keys: keys, audit: log, auth: auth.NewService(d, keys, log, now), registry: reg, params: params,
		cases:    cases,
		payout:   pay,
		monitor:  mon,
		meals:    &meals.Store{DB: d, Keys: keys, Audit: log, Registry: reg, Policies: meals.DefaultPolicies(), Params: params, Now: now},
		citizens: &citizen.Service{DB: d, Keys: keys, Audit: log, Sender: citizen.LogSender{Log: logger}, Now: now},
		keysPath: cfg.KeysPath()}, nil
}

func discardLogger() *slog.Logger { return slog.New(slog.DiscardHandler) }
