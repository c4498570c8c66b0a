package app

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/minzheng/minzheng/internal/auth"
	"github.com/minzheng/minzheng/internal/civil"
	"github.com/minzheng/minzheng/internal/config"
	"github.com/minzheng/minzheng/internal/db"
	"github.com/minzheng/minzheng/internal/money"
	"github.com/minzheng/minzheng/internal/payout"
	"github.com/minzheng/minzheng/internal/payout/bankfile"
	"github.com/minzheng/minzheng/internal/region"
	"github.com/minzheng/minzheng/internal/synth"
)

// benchCalculation marks the entitlements the payout benchmark inserted.
const benchCalculation = `{"bench":"payout"}`

// runBenchPayout measures a month's payout for N 低保 entitlements across the city's districts:
// generating every district's roster, approving it and exporting its bank file. Set-up (households
// via gen's bulk loader, entitlements inserted directly, as no workflow would make a million
// decisions quickly, and payees through the payout store's bulk load) is not timed. It ends with the line the issue asks for.
func runBenchPayout(ctx context.Context, e env, args []string) error {
	n := 100000
	var month, format, profile, outDir string
	mode := "pipelined"
	svc, err := dataCommand(ctx, e, "bench payout", "发放性能。Generate, approve and export a month's rosters for N entitlements (set up first if missing).", args,
		func(_ *config.Config, fs flagAdder) {
			fs.IntVar(&n, "entitlements", n, "`number` of entitlements paid")
			fs.StringVar(&month, "month", "", "payment `month` YYYY-MM; default the month after the last roster (or next month)")
			fs.StringVar(&format, "format", bankfile.CSV, "bank file `format`: csv or xlsx")
			fs.StringVar(&outDir, "out", "", "keep the bank files in `folder` (default: a temporary folder, removed)")
			fs.StringVar(&profile, "cpuprofile", "", "write a CPU profile of the timed part to `file`")
			fs.StringVar(&mode, "mode", mode, "`mode`: pipelined (export a district while the next is generated) or sequential")
		})
	if err != nil {
		return err
	}
	defer svc.db.Close()
	if mode != "pipelined" && mode != "sequential" {
		return fmt.Errorf("--mode: pipelined or sequential")
	}
	const program = "dibao"
	m, err := benchMonth(ctx, svc, month, program)
	if err != nil {
		return err
	}
	start := time.Now()
	if err := seedPayoutBench(ctx, svc, n, m, program, func(s string) { fmt.Fprintln(e.stderr, "bench payout: "+s) }); err != nil {
		return err
	}
	fmt.Fprintf(e.stdout, "bench payout: %d entitlements of %s ready in %s (set-up %.1f s)\n", n, program, svc.db, time.Since(start).Seconds())
	districts, err := svc.payout.Districts(ctx, synth.CityCode)
	if err != nil {
		return err
	}
	if outDir == "" {
		if outDir, err = os.MkdirTemp("", "bench-payout-"); err != nil {
			return err
		}
		defer os.RemoveAll(outDir)
	}
	stopProfile, err := startProfile(profile)
	if err != nil {
		return err
	}
	defer stopProfile()
	sys := auth.System()
	type ready struct {
		r        *payout.Roster
		approver *auth.Principal
	}
	var gen, appr, exp time.Duration
	var lines, rows int
	var total money.Fen
	// Export runs beside generation: a district's bank file is written (on a read connection)
	// while the next district's roster is generated (on the writer), so both cores work.
	queue := make(chan ready, 1)
	exported := make(chan error, 1)
	exportOne := func(x ready) error {
		t0 := time.Now()
		f, err := os.Create(filepath.Join(outDir, fmt.Sprintf("roster-%d.%s", x.r.ID, format)))
		if err != nil {
			return err
		}
		t, err := bankfile.Export(ctx, svc.payout, x.approver, x.r.ID, f, bankfile.Options{Format: format}, "")
		if cerr := f.Close(); err == nil {
			err = cerr
		}
		if err != nil {
			return fmt.Errorf("export %s: %w", x.r.District, err)
		}
		exp += time.Since(t0)
		rows += t.Rows
		fmt.Fprintf(e.stderr, "bench payout: %s: %d rows exported in %.1f s\n", x.r.District, t.Rows, time.Since(t0).Seconds())
		return nil
	}
	go func() {
		var err error
		for x := range queue {
			if err == nil {
				err = exportOne(x)
			}
		}
		exported <- err
	}()
	if mode == "sequential" {
		close(queue)
		<-exported
	}
	start = time.Now()
	for _, d := range districts {
		t0 := time.Now()
		r, err := svc.payout.Generate(ctx, sys, m, program, d)
		if err != nil {
			err = fmt.Errorf("generate %s: %w", d, err)
		}
		t1 := time.Now()
		approver := &auth.Principal{Login: "bench." + d, Role: auth.DistrictApprover, Scope: region.Scope(d)}
		if err == nil && r.Status == payout.Draft {
			if r, err = svc.payout.Approve(ctx, approver, r.ID, r.Version, ""); err != nil {
				err = fmt.Errorf("approve %s: %w", d, err)
			}
		}
		if err != nil {
			if mode != "sequential" {
				close(queue)
				<-exported
			}
			return err
		}
		t2 := time.Now()
		gen, appr = gen+t1.Sub(t0), appr+t2.Sub(t1)
		lines, total = lines+r.Lines, total+r.Total
		fmt.Fprintf(e.stderr, "bench payout: %s: %d lines generated in %.1f s, approved in %.1f s\n", d, r.Lines, t1.Sub(t0).Seconds(), t2.Sub(t1).Seconds())
		if mode == "sequential" {
			if err := exportOne(ready{r, approver}); err != nil {
				return err
			}
		} else {
			queue <- ready{r, approver}
		}
	}
	if mode != "sequential" {
		close(queue)
		if err := <-exported; err != nil {
			return err
		}
	}
	elapsed := time.Since(start)
	stopProfile()
	fmt.Fprintf(e.stdout, "bench payout: %s, %d rosters, %d lines, %d bank-file rows (%s), %s\n", m, len(districts), lines, rows, format, total)
	fmt.Fprintf(e.stdout, "bench payout: %s: generate %.1f s, approve %.1f s, export %.1f s\n", mode, gen.Seconds(), appr.Seconds(), exp.Seconds())
	fmt.Fprintf(e.stdout, "payout: %d entitlements in %.1f s\n", n, elapsed.Seconds())
	return nil
}

// benchMonth is the --month given or the month after the program's last roster, else next month.
func benchMonth(ctx context.Context, svc *services, month, program string) (civil.Month, error) {
	if month != "" {
		m, err := civil.ParseMonth(month)
		if err != nil {
			return m, fmt.Errorf("--month: give the month as YYYY-MM")
		}
		return m, nil
	}
	var last string
	if err := svc.db.QueryRow(ctx, `SELECT COALESCE(MAX(month), '') FROM rosters WHERE program = ?`, program).Scan(&last); err != nil {
		return civil.Month{}, err
	}
	if m, err := civil.ParseMonth(last); err == nil {
		return m.Next(), nil
	}
	return civil.MonthOf(civil.Today(time.Now())).Next(), nil
}

// seedPayoutBench makes sure n households exist, that n of them hold a benchmark entitlement of
// program, and that each such household has a payee. Entitlements start in the 72 months before
// m (so a sixth are recent enough to be checked for missed months); a few are suspended, tapering
// or ended. Entitlements are inserted directly in batches (this is the benchmark's own set-up);
// payees go through payout.Store.LoadPayees.
func seedPayoutBench(ctx context.Context, svc *services, n int, m civil.Month, program string, progress func(string)) error {
	var households int
	if err := svc.db.QueryRow(ctx, `SELECT COUNT(*) FROM households`).Scan(&households); err != nil {
		return err
	}
	switch {
	case households == 0:
		// The synthetic city hands out ID numbers per community, so it is generated in one go.
		progress(fmt.Sprintf("generating %d households first", n))
		if _, _, err := generateHouseholds(ctx, svc, 20231231, n, func(done, total int) {
			progress(fmt.Sprintf("%d / %d households", done, total))
		}); err != nil {
			return err
		}
	case households < n:
		return fmt.Errorf("the database has %d households, fewer than %d: use an empty database, or one filled by minzheng gen with at least as many", households, n)
	}
	var have int
	if err := svc.db.QueryRow(ctx, `SELECT COUNT(*) FROM entitlements WHERE calculation = ?`, benchCalculation).Scan(&have); err != nil {
		return err
	}
	if have >= n {
		// Fresh statistics, as autovacuum would have them a month after the last roster: without
		// them PostgreSQL plans the missed-months look-up as a scan of every earlier roster.
		_, err := svc.db.Exec(ctx, `ANALYZE`)
		return err
	}
	progress(fmt.Sprintf("inserting %d entitlements and payees", n-have))
	type target struct {
		id     int64
		region string
	}
	var todo []target
	rows, err := svc.db.Query(ctx, `SELECT h.id, h.region_code FROM households h WHERE NOT EXISTS
		(SELECT 1 FROM entitlements e WHERE e.household_id = h.id AND e.program = ?) ORDER BY h.id LIMIT ?`, program, n-have)
	if err != nil {
		return err
	}
	for rows.Next() {
		var t target
		if err := rows.Scan(&t.id, &t.region); err != nil {
			rows.Close()
			return err
		}
		todo = append(todo, t)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return err
	}
	if len(todo) < n-have {
		return fmt.Errorf("only %d households without a %s entitlement; need %d", len(todo), program, n-have)
	}
	now := db.FormatTime(time.Now())
	banks := []string{"中国工商银行", "中国农业银行", "中国建设银行", "中国银行", "青岛农商银行", "中国邮政储蓄银行"}
	// Blocks of 20,000 households: their entitlements in one transaction, their payees through
	// the payout store's bulk load (one audit event a block).
	const block, batch = 20000, 500
	for start := 0; start < len(todo); start += block {
		chunk := todo[start:min(start+block, len(todo))]
		payees := make([]payout.PayeeInput, 0, len(chunk))
		err := svc.db.InTx(ctx, func(tx *db.Tx) error {
			for b := 0; b < len(chunk); b += batch {
				part := chunk[b:min(b+batch, len(chunk))]
				ents := make([]any, 0, len(part)*11)
				for _, t := range part {
					i := int(t.id)
					status, end := "active", ""
					switch i % 50 {
					case 7:
						status = "suspended"
					case 11, 12:
						status, end = "tapering", m.AddMonths(i%4).String()
					case 13:
						status, end = "ended", m.AddMonths(-1-i%6).String()
					}
					ents = append(ents, t.id, t.region, program, status, int64(30000+(i*7919)%70000), m.AddMonths(-1-i%72).String(),
						end, benchCalculation, 0, now, now)
					payees = append(payees, payout.PayeeInput{HouseholdID: t.id, RegionCode: t.region,
						HolderName: fmt.Sprintf("收款人%d", t.id), Bank: banks[i%len(banks)], Account: fmt.Sprintf("6222%015d", t.id)})
				}
				if _, err := tx.Exec(ctx, `INSERT INTO entitlements (household_id, region_code, program, status, monthly_fen,
					start_month, end_month, calculation, decision_id, created_at, updated_at) VALUES `+placeholders(len(part), 11),
					ents...); err != nil {
					return err
				}
			}
			return nil
		})
		if err != nil {
			return err
		}
		if _, err := svc.payout.LoadPayees(ctx, payees); err != nil {
			return err
		}
		progress(fmt.Sprintf("%d / %d entitlements", start+len(chunk), len(todo)))
	}
	_, err = svc.db.Exec(ctx, `ANALYZE`)
	return err
}

// placeholders is "(?, …, ?), …" for rows rows of cols values.
func placeholders(rows, cols int) string {
	row := "(" + db.Placeholders(cols) + ")"
	return strings.TrimSuffix(strings.Repeat(row+", ", rows), ", ")
}
