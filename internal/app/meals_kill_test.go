package app

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"os"
	"os/exec"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/minzheng/minzheng/internal/auth"
	"github.com/minzheng/minzheng/internal/civil"
	"github.com/minzheng/minzheng/internal/config"
	"github.com/minzheng/minzheng/internal/db"
	"github.com/minzheng/minzheng/internal/db/dbtest"
)

// killServeEnv carries the arguments of "minzheng serve" to this test binary when the kill test
// runs it again as the server it kills.
const killServeEnv = "MINZHENG_MEALS_KILL_SERVE"

// TestMealsKillServer is the server half of TestMealsKill: run again with killServeEnv set, the
// test binary serves until it is killed. Run directly, it is skipped.
func TestMealsKillServer(t *testing.T) {
	raw := os.Getenv(killServeEnv)
	if raw == "" {
		t.Skip("the server half of TestMealsKill; runs only when that test starts it")
	}
	var args []string
	if err := json.Unmarshal([]byte(raw), &args); err != nil {
		t.Fatal(err)
	}
	os.Exit(Execute(context.Background(), append([]string{"serve"}, args...), os.Stdout, os.Stderr))
}

// TestMealsKill is the crash test: counter transactions are sent to a real server
// process, which is killed with SIGKILL in the middle of the load and started again. Then every
// acknowledged meal is in the database exactly once with the split it was acknowledged with;
// retrying every key sent, acknowledged or not, never adds a second row; every row's split adds
// up to its price; and the ledger and the audit log verify.
func TestMealsKill(t *testing.T) {
	if testing.Short() {
		t.Skip("starts and kills server processes")
	}
	t.Run("sqlite", func(t *testing.T) { runMealsKill(t, "") })
	if os.Getenv(dbtest.PostgresEnv) != "" {
		t.Run("postgres", func(t *testing.T) { runMealsKill(t, dbtest.PostgresDSN(t)) })
	}
}

// killSent is what the load sent under one key and what came back.
type killSent struct {
	meal    benchMeal
	acked   bool
	receipt benchReceipt
}

func runMealsKill(t *testing.T, dsn string) {
	ctx := context.Background()
	cfg := config.Default()
	cfg.DataDir = t.TempDir()
	cfg.DB = dsn
	if dsn == "" {
		cfg.DB = cfg.DSN()
	}
	svc, err := openServices(ctx, cfg, discardLogger(), time.Now)
	if err != nil {
		t.Fatal(err)
	}
	data, err := seedMealsBench(ctx, svc, 4, 200, func(string) {})
	svc.db.Close()
	if err != nil {
		t.Fatal(err)
	}

	server, url := startKillServer(t, cfg)
	// The first 50 diners eat once each before the load: meals no anti-fraud rule holds back,
	// which the settlement below posts to the ledger. The load's diners eat many times a day at
	// several canteens, and those meals are held back.
	const quiet = 50
	busy := &benchMealsData{canteens: data.canteens, cards: data.cards[quiet:]}
	load := newMealsLoad(url, busy, 8)
	var mu sync.Mutex
	sent := map[string]*killSent{}
	for i, card := range data.cards[:quiet] {
		m := benchMeal{canteen: data.canteens[i%len(data.canteens)], card: card, key: fmt.Sprintf("b%s-quiet-%d", load.run, i)}
		o := load.send(ctx, m)
		if !o.ok() {
			t.Fatalf("quiet meal %d: status %d, %v", i, o.status, o.err)
		}
		sent[m.key] = &killSent{meal: m, acked: true, receipt: o.receipt}
	}
	var killed atomic.Bool
	var acked, unanswered atomic.Int64
	go func() {
		// Two seconds of load, and at least a hundred meals acknowledged, then SIGKILL while
		// the terminals are still sending.
		start := time.Now()
		for (time.Since(start) < 2*time.Second || acked.Load() < 100) && time.Since(start) < 20*time.Second {
			time.Sleep(20 * time.Millisecond)
		}
		if err := server.Process.Kill(); err != nil {
			t.Errorf("kill: %v", err)
		}
		killed.Store(true)
	}()
	load.drive(ctx, 8, killed.Load, func(o benchOutcome) {
		mu.Lock()
		defer mu.Unlock()
		s := sent[o.meal.key]
		if s == nil {
			s = &killSent{meal: o.meal}
			sent[o.meal.key] = s
		}
		if o.status/100 == 2 && o.err == nil {
			s.acked, s.receipt = true, o.receipt
			acked.Add(1)
		} else {
			unanswered.Add(1)
		}
	})
	_ = server.Wait()
	if acked.Load() == 0 {
		t.Fatal("no meal was acknowledged before the kill")
	}
	t.Logf("%d keys sent, %d answers acknowledged, %d requests unanswered", len(sent), acked.Load(), unanswered.Load())

	d, err := db.Open(ctx, cfg.DB)
	if err != nil {
		t.Fatal(err)
	}
	defer d.Close()
	// Every acknowledged meal is there, once, with the split it was acknowledged with.
	for key, s := range sent {
		if !s.acked {
			continue
		}
		got, n := killStoredMeal(t, d, s.meal.canteen.id, key)
		if n != 1 || got.TransactionID != s.receipt.TransactionID || got.PriceFen != s.receipt.PriceFen ||
			got.DinerPaysFen != s.receipt.DinerPaysFen || got.CityFen != s.receipt.CityFen ||
			got.DistrictFen != s.receipt.DistrictFen || got.StreetFen != s.receipt.StreetFen {
			t.Errorf("acknowledged %s: %d rows, stored %+v, acknowledged %+v", key, n, got, s.receipt)
		}
	}

	// After a restart, retrying every key sent gives the first receipt of a stored meal and
	// records a missing one; none adds a second row.
	server, url = startKillServer(t, cfg)
	retry := newMealsLoad(url, data, 1)
	for key, s := range sent {
		o := retry.send(ctx, s.meal)
		switch {
		case o.err != nil:
			t.Errorf("retry %s: %v", key, o.err)
		case s.acked && (o.status != http.StatusOK || !o.receipt.Replayed || o.receipt.TransactionID != s.receipt.TransactionID):
			t.Errorf("retry of acknowledged %s: status %d, %+v, want the first receipt %+v", key, o.status, o.receipt, s.receipt)
		case !s.acked && o.status != http.StatusOK && o.status != http.StatusCreated:
			t.Errorf("retry of unacknowledged %s: status %d", key, o.status)
		}
		if _, n := killStoredMeal(t, d, s.meal.canteen.id, key); n != 1 {
			t.Errorf("key %s: %d rows after the retry, want 1", key, n)
		}
	}
	var rows, broken int
	if err := d.QueryRow(ctx, `SELECT COUNT(*), COALESCE(SUM(CASE WHEN diner_pays_fen + city_fen + district_fen + street_fen
		<> price_fen THEN 1 ELSE 0 END), 0) FROM meal_transactions WHERE idempotency_key LIKE ?`, "b"+load.run+"-%").
		Scan(&rows, &broken); err != nil {
		t.Fatal(err)
	}
	if rows != len(sent) || broken != 0 {
		t.Errorf("%d rows for %d keys sent, %d whose split does not add up", rows, len(sent), broken)
	}
	_ = server.Process.Kill()
	_ = server.Wait()

	// The books verify after the month's meals are settled and each district's settlements
	// approved, which posts every subsidised meal to the ledger as one balanced transaction.
	month := civil.MonthOf(civil.Today(time.Now())).String()
	data2 := []string{"--data", cfg.DataDir, "--db", cfg.DB}
	if out, code := killRun(ctx, append([]string{"settle", "--month", month}, data2...)); code != 0 {
		t.Fatalf("settle --month %s: exit %d: %s", month, code, out)
	}
	for _, district := range killDraftDistricts(t, d, month) {
		login := "approver." + district
		killApprover(t, cfg, login, district)
		if out, code := killRun(ctx, append([]string{"settle", "approve", "--month", month, "--district", district, "--as", login}, data2...)); code != 0 {
			t.Fatalf("settle approve %s: exit %d: %s", district, code, out)
		}
	}
	var posted int
	if err := d.QueryRow(ctx, `SELECT COUNT(*) FROM ledger_transactions WHERE meal_settlement_id IS NOT NULL`).Scan(&posted); err != nil {
		t.Fatal(err)
	}
	if posted < quiet {
		t.Errorf("%d meals posted to the ledger, want at least the %d that no rule holds back", posted, quiet)
	}
	for _, cmd := range [][]string{{"ledger", "verify"}, {"audit", "verify"}} {
		if out, code := killRun(ctx, append(cmd, data2...)); code != 0 {
			t.Errorf("%s: exit %d: %s", strings.Join(cmd, " "), code, out)
		}
	}
}

// killDraftDistricts lists the districts with draft settlements of month.
func killDraftDistricts(t *testing.T, d *db.DB, month string) []string {
	t.Helper()
	rows, err := d.Query(context.Background(), `SELECT DISTINCT region_code FROM meal_settlements WHERE month = ? AND status = 'draft'`, month)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	seen := map[string]bool{}
	var out []string
	for rows.Next() {
		var code string
		if err := rows.Scan(&code); err != nil {
			t.Fatal(err)
		}
		if !seen[code[:6]] {
			seen[code[:6]] = true
			out = append(out, code[:6])
		}
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	if len(out) == 0 {
		t.Fatal("settle made no draft settlement")
	}
	return out
}

// killApprover creates the district approver who approves district's settlements.
func killApprover(t *testing.T, cfg config.Config, login, district string) {
	t.Helper()
	ctx := context.Background()
	svc, err := openServices(ctx, cfg, discardLogger(), time.Now)
	if err != nil {
		t.Fatal(err)
	}
	defer svc.db.Close()
	if _, err := svc.auth.Bootstrap(ctx, auth.UserInput{Login: login, Name: "区审核员", Role: auth.DistrictApprover, Scope: district,
		Phone: "1390000" + district[2:]}, "approver-password-1", false); err != nil {
		t.Fatal(err)
	}
}

// killStoredMeal reads the split stored under key at canteen cid and how many rows hold the key.
func killStoredMeal(t *testing.T, d *db.DB, cid int64, key string) (benchReceipt, int) {
	t.Helper()
	rows, err := d.Query(context.Background(), `SELECT id, price_fen, diner_pays_fen, city_fen, district_fen, street_fen
		FROM meal_transactions WHERE canteen_id = ? AND idempotency_key = ?`, cid, key)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var r benchReceipt
	n := 0
	for rows.Next() {
		n++
		if err := rows.Scan(&r.TransactionID, &r.PriceFen, &r.DinerPaysFen, &r.CityFen, &r.DistrictFen, &r.StreetFen); err != nil {
			t.Fatal(err)
		}
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	return r, n
}

// startKillServer runs this test binary again as "minzheng serve" on cfg and returns the process
// and the address it serves on; the process is killed when the test ends.
func startKillServer(t *testing.T, cfg config.Config) (*exec.Cmd, string) {
	t.Helper()
	args, _ := json.Marshal([]string{"--addr", "127.0.0.1:0", "--data", cfg.DataDir, "--db", cfg.DB, "--log-level", "error"})
	cmd := exec.Command(os.Args[0], "-test.run=^TestMealsKillServer$", "-test.count=1")
	cmd.Env = append(os.Environ(), killServeEnv+"="+string(args))
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		_ = cmd.Process.Kill()
		_ = cmd.Wait()
	})
	urls := make(chan string, 1)
	go func() {
		sc := bufio.NewScanner(out)
		for sc.Scan() {
			if _, url, ok := strings.Cut(sc.Text(), "serving on "); ok {
				urls <- strings.TrimSpace(url)
			}
		}
	}()
	select {
	case url := <-urls:
		return cmd, url
	case <-time.After(30 * time.Second):
		_ = cmd.Process.Kill()
		_ = cmd.Wait()
		t.Fatalf("the server did not start within 30 s: %s", stderr.String())
	}
	return nil, ""
}

// killRun runs a minzheng command in this process and returns its output and exit code.
func killRun(ctx context.Context, args []string) (string, int) {
	var out bytes.Buffer
	code := Execute(ctx, args, &out, &out)
	return out.String(), code
}
