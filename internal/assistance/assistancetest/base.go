// Package assistancetest builds, for the tests of modules above the assistance store (payouts,
// monitoring), the stores they stand on — the synthetic regions, keys, audit log, registry,
// seeded policy parameters and cases — over one test database and one hand-moved clock, so
// that each module's fixture adds only what is its own.
package assistancetest

import (
	"context"
	"testing"

	"github.com/minzheng/minzheng/internal/assistance"
	"github.com/minzheng/minzheng/internal/audit"
	"github.com/minzheng/minzheng/internal/civil"
	"github.com/minzheng/minzheng/internal/civil/civiltest"
	"github.com/minzheng/minzheng/internal/db"
	"github.com/minzheng/minzheng/internal/pii"
	"github.com/minzheng/minzheng/internal/policy/paramdb"
	"github.com/minzheng/minzheng/internal/registry"
	"github.com/minzheng/minzheng/internal/synth"
)

// Base is the stores a module's test fixture builds on.
type Base struct {
	Ctx    context.Context
	Clock  *civiltest.Clock
	Keys   *pii.Keyring
	Audit  *audit.Log
	Reg    *registry.Store
	Params *paramdb.Store
	Cases  *assistance.Store
}

// New builds the base over d with the clock at 10:00 China time on start.
func New(t *testing.T, d *db.DB, start civil.Date) *Base {
	t.Helper()
	ctx := context.Background()
	ck := civiltest.NewClock(start)
	if _, err := synth.Regions(ctx, d, 1); err != nil {
		t.Fatal(err)
	}
	keys, err := pii.GenerateKeyring()
	if err != nil {
		t.Fatal(err)
	}
	log := &audit.Log{Now: ck.Now}
	reg := &registry.Store{DB: d, Keys: keys, Audit: log, Now: ck.Now}
	params := &paramdb.Store{DB: d, Audit: log, Now: ck.Now}
	if err := params.Seed(ctx); err != nil {
		t.Fatal(err)
	}
	cases := &assistance.Store{DB: d, Keys: keys, Audit: log, Registry: reg, Params: params, Now: ck.Now}
	return &Base{Ctx: ctx, Clock: ck, Keys: keys, Audit: log, Reg: reg, Params: params, Cases: cases}
}
