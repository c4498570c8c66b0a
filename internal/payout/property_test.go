package payout

import (
	"fmt"
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/minzheng/minzheng/internal/apperr"
	"github.com/minzheng/minzheng/internal/assistance"
	"github.com/minzheng/minzheng/internal/auth"
	"github.com/minzheng/minzheng/internal/civil"
	"github.com/minzheng/minzheng/internal/db"
	"github.com/minzheng/minzheng/internal/db/dbtest"
	"github.com/minzheng/minzheng/internal/money"
)

// ledgerModel is what the property test knows independently of the store: the money the bank
// returned, and the last return file applied to each roster (imported again now and then).
type ledgerModel struct {
	refunded  money.Fen
	lastFile  map[int64][]Return
	log       []string
	violation map[string]bool
}

// TestPayoutLedgerProperty drives a small city of two districts through random sequences of
// generation, approval, locking, bank returns (per household, as the bank file has one transfer
// per household; sometimes imported twice), adjustments, decisions on entitlements and new
// one-offs, with the clock moving on. After every step the ledger must
// verify, every transaction balance, the closing balances sum to zero, and no money be created:
// the expense accounts hold exactly the approved rosters' totals less what the bank returned.
// And nothing is paid twice: no adjustment, no one-off, no month of an entitlement (no two
// approved lines, regular or caught up as arrears, claim the same month).
func TestPayoutLedgerProperty(t *testing.T) {
	for _, seed := range []uint64{1, 2, 3, 20240304} {
		t.Run(fmt.Sprint(seed), func(t *testing.T) {
			dbtest.Each(t, func(t *testing.T, d *db.DB) { ledgerProperty(t, d, seed, 250) })
		})
	}
}

func ledgerProperty(t *testing.T, d *db.DB, seed uint64, steps int) {
	f := newFixture(t, d, civil.Date{Year: 2024, Month: 3, Day: 4})
	rnd := rand.New(rand.NewPCG(seed, 0x70617930))
	areas := []area{f.laoshan, f.shinan}
	var monthly []*assistance.Entitlement
	for _, a := range areas {
		for i := 0; i < 3; i++ {
			hid, e := f.dibao(a, money.Yuan(int64(200+150*i)))
			if i != 2 {
				f.payee(a, hid)
			}
			monthly = append(monthly, e)
		}
		f.temporary(a, money.Yuan(1500))
	}
	areaOf := func(region string) area {
		for _, a := range areas {
			if strings.HasPrefix(region, a.district) {
				return a
			}
		}
		t.Fatalf("no area of %s", region)
		return area{}
	}
	m := &ledgerModel{lastFile: map[int64][]Return{}, violation: map[string]bool{}}
	step := func(format string, args ...any) { m.log = append(m.log, fmt.Sprintf(format, args...)) }
	pick := func(status string) (id int64, version int, district string, ok bool) {
		t.Helper()
		rows, err := d.Query(f.ctx, `SELECT id, version, district FROM rosters WHERE status = ? ORDER BY id`, status)
		if err != nil {
			t.Fatal(err)
		}
		defer rows.Close()
		type r struct {
			id       int64
			version  int
			district string
		}
		var all []r
		for rows.Next() {
			var x r
			if err := rows.Scan(&x.id, &x.version, &x.district); err != nil {
				t.Fatal(err)
			}
			all = append(all, x)
		}
		if len(all) == 0 {
			return 0, 0, "", false
		}
		x := all[rnd.IntN(len(all))]
		return x.id, x.version, x.district, true
	}
	fail := func(err error) {
		t.Helper()
		t.Fatalf("step %d: %v\nsteps:\n%s", len(m.log), err, m.tail())
	}
	for i := 0; i < steps; i++ {
		switch op := rnd.IntN(100); {
		case op < 30:
			a := areas[rnd.IntN(len(areas))]
			month := f.month().AddMonths(rnd.IntN(4) - 1)
			program := []string{"dibao", "temporary"}[rnd.IntN(2)]
			who := a.approver
			if rnd.IntN(4) == 0 {
				who = f.admin
			}
			step("generate %s %s %s by %s", month, program, a.district, who.Login)
			if _, err := f.s.Generate(f.ctx, who, month, program, a.district); err != nil {
				fail(err)
			}
		case op < 50:
			id, version, district, ok := pick(Draft)
			if !ok {
				continue
			}
			step("approve roster %d v%d", id, version)
			if _, err := f.s.Approve(f.ctx, areaOf(district).approver, id, version, ""); err != nil {
				fail(err)
			}
		case op < 60:
			id, _, district, ok := pick(Approved)
			if !ok {
				continue
			}
			step("lock roster %d", id)
			if err := f.s.Lock(f.ctx, areaOf(district).approver, id); err != nil {
				fail(err)
			}
		case op < 75:
			id, _, district, ok := pick(Locked)
			if !ok {
				continue
			}
			a := areaOf(district)
			file := m.lastFile[id]
			again := file != nil && rnd.IntN(3) == 0
			if !again {
				// The bank file has one transfer per household (its lines net): the bank's
				// verdict on the transfer is the verdict on each of the household's lines.
				file = nil
				verdict := map[int64]int{}
				for _, l := range f.lines(a, id) {
					v, ok := verdict[l.HouseholdID]
					if !ok {
						v = rnd.IntN(3) // 0: not in this file, 1: paid, 2: failed
						verdict[l.HouseholdID] = v
					}
					if v > 0 {
						file = append(file, Return{LineID: l.ID, Failed: v == 2, Reason: "账户异常"})
					}
				}
			}
			step("returns on roster %d: %d lines (again: %v)", id, len(file), again)
			res, err := f.s.ApplyReturns(f.ctx, a.approver, id, file, "")
			if err != nil {
				fail(err)
			}
			if again && res != (ReturnResult{}) {
				fail(fmt.Errorf("the same return file imported twice changed %+v", res))
			}
			m.refunded += res.Refunded
			m.lastFile[id] = file
		case op < 85:
			e := monthly[rnd.IntN(len(monthly))]
			a := areaOf(e.RegionCode)
			from := e.StartMonth.AddMonths(rnd.IntN(3))
			to := from.AddMonths(rnd.IntN(3))
			per := money.Fen(rnd.IntN(50000) + 1)
			if rnd.IntN(2) == 0 {
				per = -per
			}
			step("adjust entitlement %d by %s a month, %s..%s", e.ID, per, from, to)
			if _, err := f.s.Adjust(f.ctx, a.approver, Adjustment{EntitlementID: e.ID, PerMonth: per, From: from, To: to, Reason: "随机调整"}); err != nil {
				fail(err)
			}
		case op < 92:
			n := rnd.IntN(20) + 1
			f.clock.AdvanceDays(n)
			step("clock +%d days: %s", n, f.today())
		case op < 97:
			e := monthly[rnd.IntN(len(monthly))]
			a := areaOf(e.RegionCode)
			e = f.refresh(a, e)
			var err error
			switch e.Status {
			case assistance.EntActive:
				step("suspend entitlement %d", e.ID)
				_, err = f.cases.Suspend(f.ctx, a.approver, e.ID, e.Version, "暂停核查", "")
			case assistance.EntSuspended:
				step("resume entitlement %d", e.ID)
				_, err = f.cases.Resume(f.ctx, a.approver, e.ID, e.Version, "核查无误", "")
			}
			if err != nil && apperr.KindOf(err) != apperr.NotFound {
				fail(err)
			}
		default:
			a := areas[rnd.IntN(len(areas))]
			step("new one-off in %s", a.district)
			f.temporary(a, money.Yuan(int64(500+rnd.IntN(2000))))
		}
		checkLedger(t, f, m)
	}
	t.Logf("%d steps: %s", len(m.log), f.verify().summary())
}

// tail is the last steps of the log, for a failure message (the seed reproduces the rest).
func (m *ledgerModel) tail() string {
	from := max(0, len(m.log)-30)
	return fmt.Sprintf("(last %d of %d)\n%s", len(m.log)-from, len(m.log), strings.Join(m.log[from:], "\n"))
}

func (v Verification) summary() string {
	return fmt.Sprintf("%d transactions, %d entries, %d rosters, debits %s", v.Transactions, v.Entries, v.Rosters, v.Debits)
}

// checkLedger asserts the ledger's invariants after a step.
func checkLedger(t *testing.T, f *fixture, m *ledgerModel) {
	t.Helper()
	fatal := func(format string, args ...any) {
		t.Helper()
		t.Fatalf("after step %d: %s\nsteps:\n%s", len(m.log), fmt.Sprintf(format, args...), m.tail())
	}
	v, err := f.s.Verify(f.ctx)
	if err != nil {
		t.Fatal(err)
	}
	if len(v.Problems) > 0 {
		fatal("ledger problems:\n%s", strings.Join(v.Problems, "\n"))
	}
	if n := f.count(`SELECT COUNT(*) FROM (SELECT transaction_id FROM ledger_entries GROUP BY transaction_id HAVING SUM(amount_fen) <> 0) x`); n != 0 {
		fatal("%d unbalanced transactions", n)
	}
	rows, sum, err := f.s.TrialBalance(f.ctx, auth.System(), civil.Month{Year: 9999, Month: 12})
	if err != nil {
		t.Fatal(err)
	}
	var expense, funds money.Fen
	for _, b := range rows {
		switch b.Kind {
		case "expense":
			expense += b.Closing
		case "fund":
			funds += b.Closing
		}
	}
	var totals int64
	if err := f.d.QueryRow(f.ctx, `SELECT COALESCE(SUM(total_fen), 0) FROM rosters WHERE status <> 'draft'`).Scan(&totals); err != nil {
		t.Fatal(err)
	}
	if sum != 0 || expense+funds != 0 {
		fatal("closing balances sum to %s (expense %s, funds %s)", sum, expense, funds)
	}
	if expense != money.Fen(totals)-m.refunded {
		fatal("expense %s, but approved rosters total %s less %s returned", expense, money.Fen(totals), m.refunded)
	}
	// Paid twice: an adjustment, a one-off, or a month of an entitlement (regular or caught up).
	twice := map[string]string{
		"adjustment": `SELECT COUNT(*) FROM (SELECT l.adjustment_id FROM roster_lines l JOIN rosters r ON r.id = l.roster_id
			WHERE r.status <> 'draft' AND l.adjustment_id IS NOT NULL GROUP BY l.adjustment_id HAVING COUNT(*) > 1) x`,
		"one-off": `SELECT COUNT(*) FROM (SELECT l.entitlement_id FROM roster_lines l JOIN rosters r ON r.id = l.roster_id
			WHERE r.status <> 'draft' AND l.kind = 'one_off' GROUP BY l.entitlement_id HAVING COUNT(*) > 1) x`,
	}
	counts := map[string]int{}
	for what, q := range twice {
		counts[what] = f.count(q)
	}
	counts["month"] = monthsPaidTwice(t, f)
	for what, n := range counts {
		if n > 0 && !m.violation[what] {
			m.violation[what] = true
			t.Errorf("after step %d: %d paid twice (%s) by approved rosters\nsteps:\n%s", len(m.log), n, what, m.tail())
		}
	}
}

// monthsPaidTwice counts the months of entitlements that approved rosters paid more than once,
// as a regular line or as arrears caught up (not an adjustment, which pays a difference).
func monthsPaidTwice(t *testing.T, f *fixture) int {
	t.Helper()
	rows, err := f.d.Query(f.ctx, `SELECT l.entitlement_id, l.from_month, l.to_month FROM roster_lines l JOIN rosters r ON r.id = l.roster_id
		WHERE r.status <> 'draft' AND l.kind IN ('regular', 'arrears') AND l.adjustment_id IS NULL`)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	paid := map[string]int{}
	n := 0
	for rows.Next() {
		var ent int64
		var from, to string
		if err := rows.Scan(&ent, &from, &to); err != nil {
			t.Fatal(err)
		}
		fm, _ := civil.ParseMonth(from)
		tm, _ := civil.ParseMonth(to)
		for x := fm; !x.After(tm); x = x.Next() {
			k := fmt.Sprint(ent, x)
			if paid[k]++; paid[k] == 2 {
				n++
			}
		}
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	return n
}
