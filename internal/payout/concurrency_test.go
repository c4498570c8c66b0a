package payout

import (
	"context"
	"database/sql"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/minzheng/minzheng/internal/assistance"
	"github.com/minzheng/minzheng/internal/audit"
	"github.com/minzheng/minzheng/internal/civil"
	"github.com/minzheng/minzheng/internal/db"
	"github.com/minzheng/minzheng/internal/db/dbtest"
	"github.com/minzheng/minzheng/internal/money"
	"github.com/minzheng/minzheng/internal/policy/paramdb"
	"github.com/minzheng/minzheng/internal/registry"
)

// process is what another app process would have: its own database handle and stores on it,
// with the same keys and clock.
func (f *fixture) process(d *db.DB) *Store {
	log := &audit.Log{Now: f.clock.Now}
	reg := &registry.Store{DB: d, Keys: f.keys, Audit: log, Now: f.clock.Now}
	params := &paramdb.Store{DB: d, Audit: log, Now: f.clock.Now}
	cases := &assistance.Store{DB: d, Keys: f.keys, Audit: log, Registry: reg, Params: params, Now: f.clock.Now}
	return &Store{DB: d, Keys: f.keys, Audit: log, Cases: cases, Registry: reg, Params: params, Now: f.clock.Now}
}

// gate holds row locks on a roster's lines from a connection of its own, so that generators
// touching them wait; it tells how many backends wait on it, directly or behind another waiter.
type gate struct {
	t   *testing.T
	raw *sql.DB
	tx  *sql.Tx
	pid int
}

func openGate(t *testing.T, dsn string, rosterID int64) *gate {
	t.Helper()
	raw, err := sql.Open("pgx", dsn)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { raw.Close() })
	tx, err := raw.Begin()
	if err != nil {
		t.Fatal(err)
	}
	g := &gate{t: t, raw: raw, tx: tx}
	if err := tx.QueryRow(`SELECT pg_backend_pid()`).Scan(&g.pid); err != nil {
		t.Fatal(err)
	}
	if _, err := tx.Exec(`SELECT id FROM roster_lines WHERE roster_id = $1 FOR UPDATE`, rosterID); err != nil {
		t.Fatal(err)
	}
	return g
}

// waiting counts the backends blocked by the gate, directly or behind one that is.
func (g *gate) waiting() int {
	g.t.Helper()
	var n int
	if err := g.raw.QueryRow(`WITH direct AS (SELECT pid FROM pg_stat_activity WHERE $1 = ANY(pg_blocking_pids(pid)))
		SELECT (SELECT COUNT(*) FROM direct) + (SELECT COUNT(*) FROM pg_stat_activity a WHERE a.pid NOT IN (SELECT pid FROM direct)
		AND pg_blocking_pids(a.pid) && ARRAY(SELECT pid FROM direct))`, g.pid).Scan(&n); err != nil {
		g.t.Fatal(err)
	}
	return n
}

// await polls until cond holds; a minute without it fails the test (a hang, not a timing
// assertion).
func await(t *testing.T, what string, cond func() bool) {
	t.Helper()
	for deadline := time.Now().Add(time.Minute); !cond(); time.Sleep(20 * time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatalf("gave up waiting until %s", what)
		}
	}
}

func (g *gate) open() {
	g.t.Helper()
	if err := g.tx.Commit(); err != nil {
		g.t.Fatal(err)
	}
}

// TestPayoutConcurrentGeneration runs the generation of one month, program and district from
// two app processes (two database handles) at once on PostgreSQL: for a new roster, and for an
// existing draft with both generators let loose at the same moment. Either way there is one
// roster and it has the lines one generation gives. Then a generation racing the approval: the
// approved roster must be the one the ledger paid.
func TestPayoutConcurrentGeneration(t *testing.T) {
	dsn := dbtest.PostgresDSN(t)
	ctx := context.Background()
	open := func() *db.DB {
		d, err := db.Open(ctx, dsn)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { d.Close() })
		return d
	}
	d0 := open()
	if _, err := d0.Migrate(ctx); err != nil {
		t.Fatal(err)
	}
	f := newFixture(t, d0, civil.Date{Year: 2024, Month: 3, Day: 4})
	a := f.laoshan
	var ents []*assistance.Entitlement
	for i := 0; i < 4; i++ {
		hid, e := f.dibao(a, money.Yuan(int64(300+100*i)))
		f.payee(a, hid)
		ents = append(ents, e)
	}
	procs := []*Store{f.process(open()), f.process(open())}
	april := mon(2024, 4)
	// Each case waits a week of notice: the last ones are approved in April and start later.
	paying := 0
	for _, e := range ents {
		if !e.StartMonth.After(april) {
			paying++
		}
	}

	// both runs Generate on the two processes at once and returns their rosters.
	both := func(t *testing.T, started func()) [2]*Roster {
		t.Helper()
		var wg sync.WaitGroup
		var got [2]*Roster
		var errs [2]error
		begin := make(chan struct{})
		for i, s := range procs {
			wg.Add(1)
			go func() {
				defer wg.Done()
				<-begin
				got[i], errs[i] = s.Generate(ctx, a.approver, april, "dibao", a.district)
			}()
		}
		close(begin)
		if started != nil {
			started()
		}
		wg.Wait()
		for i, err := range errs {
			if err != nil {
				t.Fatalf("process %d: %v", i+1, err)
			}
		}
		return got
	}
	// check finds one roster of the month with one regular line per paying entitlement, and the lines
	// a single generation gives.
	check := func(t *testing.T, got [2]*Roster) {
		t.Helper()
		if n := f.count(`SELECT COUNT(*) FROM rosters WHERE month = ? AND program = 'dibao' AND district = ?`, april.String(), a.district); n != 1 {
			t.Fatalf("%d rosters", n)
		}
		if got[0].ID != got[1].ID {
			t.Fatalf("the processes returned rosters %d and %d", got[0].ID, got[1].ID)
		}
		lines := f.lines(a, got[0].ID)
		r, err := f.s.Roster(f.ctx, a.approver, got[0].ID)
		if err != nil {
			t.Fatal(err)
		}
		if len(lines) != paying || r.Lines != paying {
			t.Fatalf("roster %d (%d lines, total %s) after two generations at once:%s", r.ID, r.Lines, r.Total, describe(lines))
		}
		single := f.generate(a, april, "dibao")
		if d := cmp.Diff(lineSet(lines), lineSet(f.lines(a, single.ID))); d != "" {
			t.Fatalf("lines of the concurrent generation differ from a single one (-concurrent +single):\n%s", d)
		}
	}

	t.Run("new roster", func(t *testing.T) {
		f.t = t
		check(t, both(t, nil))
	})

	t.Run("existing draft", func(t *testing.T) {
		f.t = t
		r := f.generate(a, april, "dibao")
		g := openGate(t, dsn, r.ID)
		got := both(t, func() {
			await(t, "both generators wait on the draft's lines", func() bool { return g.waiting() == 2 })
			g.open()
		})
		check(t, got)
	})

	t.Run("generation racing approval", func(t *testing.T) {
		f.t = t
		r := f.generate(a, april, "dibao")
		g := openGate(t, dsn, r.ID)
		var wg sync.WaitGroup
		var genErr, apprErr error
		approved := make(chan struct{})
		wg.Add(2)
		go func() {
			defer wg.Done()
			_, genErr = procs[0].Generate(ctx, a.approver, april, "dibao", a.district)
		}()
		await(t, "the generator waits on the draft's lines", func() bool { return g.waiting() == 1 })
		go func() {
			defer wg.Done()
			defer close(approved)
			_, apprErr = procs[1].Approve(ctx, a.approver, r.ID, r.Version, "")
		}()
		await(t, "the approval is done or waits", func() bool {
			select {
			case <-approved:
				return true
			default:
				return g.waiting() == 2
			}
		})
		// A decision between the approval and the regeneration changes what a rebuild gives.
		e := f.refresh(a, ents[0])
		if _, err := f.cases.Suspend(f.ctx, a.approver, e.ID, e.Version, "暂停核查", ""); err != nil {
			t.Fatal(err)
		}
		g.open()
		wg.Wait()
		if genErr != nil {
			t.Fatalf("generation: %v", genErr)
		}
		if apprErr != nil {
			t.Logf("approval: %v", apprErr)
		}
		after, err := f.s.Roster(f.ctx, a.approver, r.ID)
		if err != nil {
			t.Fatal(err)
		}
		var sum money.Fen
		lines := f.lines(a, r.ID)
		for _, l := range lines {
			sum += l.Amount
		}
		if sum != after.Total || after.Lines != len(lines) {
			t.Fatalf("roster %d (%s) says %d lines, %s; its lines sum to %s:%s", r.ID, after.Status, after.Lines, after.Total, sum, describe(lines))
		}
		f.verify()
	})
}
