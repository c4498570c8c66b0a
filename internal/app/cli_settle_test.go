package app

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"

	"github.com/minzheng/minzheng/internal/auth"
	"github.com/minzheng/minzheng/internal/civil"
	"github.com/minzheng/minzheng/internal/db"
	"github.com/minzheng/minzheng/internal/db/dbtest"
	"github.com/minzheng/minzheng/internal/idcard"
	"github.com/minzheng/minzheng/internal/meals"
	"github.com/minzheng/minzheng/internal/money"
	"github.com/minzheng/minzheng/internal/synth"
)

// settleSeed is what seedSettle made: per district a canteen, its lunch and a diner.
type settleSeed struct {
	canteen, lunch, diner map[string]int64
	community             map[string]string
}

// seedSettle fills a fresh database with the regions, a canteen with a lunch and a diner in
// 崂山区 and in 市南区, subsidised meals of June 2024 at both (one of 崂山区's flagged and held
// back), and the users who settle: the two districts' approvers and a street officer.
func seedSettle(t *testing.T, ctx context.Context, svc *services, perCanteen int) settleSeed {
	t.Helper()
	if _, err := synth.Regions(ctx, svc.db, 1); err != nil {
		t.Fatal(err)
	}
	sys := auth.System()
	seed := settleSeed{canteen: map[string]int64{}, lunch: map[string]int64{}, diner: map[string]int64{}, community: map[string]string{}}
	for i, district := range []string{"370212", "370202"} {
		var community string
		if err := svc.db.QueryRow(ctx, `SELECT MIN(code) FROM regions WHERE code LIKE ? AND level = 5`, district+"%").Scan(&community); err != nil {
			t.Fatal(err)
		}
		cid, err := svc.meals.CreateCanteen(ctx, sys, meals.CanteenInput{Name: "结算测试食堂" + district, Operator: "测试餐饮公司",
			Address: "测试路 1 号", RegionCode: community, Capacity: 100})
		if err != nil {
			t.Fatal(err)
		}
		item, err := svc.meals.AddMenuItem(ctx, sys, cid, meals.MenuItem{Name: "套餐", MealType: meals.Lunch, Price: money.Yuan(12)})
		if err != nil {
			t.Fatal(err)
		}
		reg, err := svc.meals.RegisterDiner(ctx, sys, meals.DinerInput{Name: "结算老人", HomeRegion: community,
			IDNumber: string(idcard.Synthesize(district, civil.Date{Year: 1950, Month: 3, Day: 3}, 700+i))})
		if err != nil {
			t.Fatal(err)
		}
		var diner int64
		if err := svc.db.QueryRow(ctx, `SELECT id FROM diners WHERE card_no = ?`, reg.CardNo).Scan(&diner); err != nil {
			t.Fatal(err)
		}
		seed.canteen[district], seed.lunch[district], seed.diner[district], seed.community[district] = cid, item, diner, community
		// A second diner takes the meals beyond the month's 30 days: one diner with two
		// subsidised lunches a day would rightly be held back by the anti-fraud scan.
		reg2, err := svc.meals.RegisterDiner(ctx, sys, meals.DinerInput{Name: "结算老人乙", HomeRegion: community,
			IDNumber: string(idcard.Synthesize(district, civil.Date{Year: 1951, Month: 4, Day: 4}, 800+i))})
		if err != nil {
			t.Fatal(err)
		}
		var diner2 int64
		if err := svc.db.QueryRow(ctx, `SELECT id FROM diners WHERE card_no = ?`, reg2.CardNo).Scan(&diner2); err != nil {
			t.Fatal(err)
		}
		err = svc.db.InTx(ctx, func(tx *db.Tx) error {
			for n := range perCanteen {
				diner := diner
				if n >= 30 {
					diner = diner2
				}
				if _, err := tx.Exec(ctx, `INSERT INTO meal_transactions (canteen_id, diner_id, menu_item_id, region_code, meal_type,
					served_on, price_fen, diner_pays_fen, city_fen, district_fen, street_fen, channel, status, idempotency_key,
					created_at) VALUES (?, ?, ?, ?, 'lunch', ?, 1200, 600, 300, 300, 0, 'counter', 'served', ?, ?)`,
					cid, diner, item, community, fmt.Sprintf("2024-06-%02d", 1+n%30), fmt.Sprint("cli-settle-", n),
					db.FormatTime(time.Now())); err != nil {
					return err
				}
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
	}
	// One of 崂山区's meals is flagged: it is held back.
	if _, err := svc.db.Exec(ctx, `INSERT INTO meal_flags (transaction_id, canteen_id, region_code, served_on, rule, evidence, status,
		created_at) SELECT id, canteen_id, region_code, served_on, 'two_canteens', '{}', 'open', created_at FROM meal_transactions
		WHERE canteen_id = ? ORDER BY id LIMIT 1`, seed.canteen["370212"]); err != nil {
		t.Fatal(err)
	}
	for _, u := range []auth.UserInput{{Login: "laoshan", Name: "崂山区审核员", Role: auth.DistrictApprover, Scope: "370212"},
		{Login: "shinan", Name: "市南区审核员", Role: auth.DistrictApprover, Scope: "370202"},
		{Login: "zhonghan", Name: "中韩街道经办人", Role: auth.StreetOfficer, Scope: "370212001"}} {
		if _, err := svc.auth.Bootstrap(ctx, u, auth.RandomPassword(), false); err != nil {
			t.Fatal(err)
		}
	}
	return seed
}

// TestCLISettle settles June 2024 from the command line: generate for the city, approve 崂山区
// as its approver, write the statement, prove the ledger; then shows that verify notices a meal
// posted twice.
func TestCLISettle(t *testing.T) {
	t.Run("sqlite", func(t *testing.T) { testCLISettle(t, "") })
	if os.Getenv(dbtest.PostgresEnv) != "" {
		t.Run("postgres", func(t *testing.T) { testCLISettle(t, dbtest.PostgresDSN(t)) })
	}
}

func testCLISettle(t *testing.T, dsn string) {
	dir := t.TempDir()
	ctx := context.Background()
	cli := func(args ...string) (int, string, string) {
		t.Helper()
		if dsn != "" {
			args = append(args, "--db", dsn)
		}
		return runCLI(t, dir, args...)
	}
	open := func() *services {
		t.Helper()
		main := NewMain()
		main.Config.DataDir, main.Config.DB = dir, dsn
		svc, err := openServices(ctx, main.Config, discardLogger(), time.Now)
		if err != nil {
			t.Fatal(err)
		}
		return svc
	}
	svc := open()
	seed := seedSettle(t, ctx, svc, 40)
	svc.db.Close()

	if code, _, errOut := cli("settle", "--month", "June"); code != 1 || !strings.Contains(errOut, "--month") {
		t.Errorf("bad month: %d %s", code, errOut)
	}
	code, out, errOut := cli("settle", "--month", "2024-06")
	if code != 0 || !strings.Contains(out, "district 370212 崂山区: 1 canteens, 39 meals, diners ¥234.00, city ¥117.00, district ¥117.00, street ¥0.00, held back 1 meals ¥6.00") ||
		!strings.Contains(out, "district 370202 市南区: 1 canteens, 40 meals") ||
		!strings.Contains(out, "settle 2024-06: 2 settlements (2 drafts built, 0 approved left alone)") {
		t.Fatalf("settle: %d %s %s", code, out, errOut)
	}
	if code, again, _ := cli("settle", "generate", "--month", "2024-06"); code != 0 || !strings.Contains(again, "2 drafts built") {
		t.Errorf("settle generate again: %d %s", code, again)
	}
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"--month", "2024-06", "--district", "370212"}, "--as: name the user"},
		{[]string{"--month", "2024-06", "--district", "370212", "--as", "zhonghan"}, "approval is for a district approver of 370212"},
		{[]string{"--month", "2024-06", "--district", "370212", "--as", "shinan"}, "approval is for a district approver of 370212"},
		{[]string{"--month", "2024-06", "--district", "3702", "--as", "laoshan"}, "--district"},
		{[]string{"--month", "2024-05", "--district", "370212", "--as", "laoshan"}, "no draft settlement of 2024-05"},
	} {
		if code, _, errOut := cli(append([]string{"settle", "approve"}, tc.args...)...); code != 1 || !strings.Contains(errOut, tc.want) {
			t.Errorf("approve %v: %d %q, want %q", tc.args, code, errOut, tc.want)
		}
	}
	code, out, errOut = cli("settle", "approve", "--month", "2024-06", "--district", "370212", "--as", "laoshan")
	if code != 0 || !strings.Contains(out, "settle approve: 1 settlements approved by laoshan; 1 canteens, 39 meals") {
		t.Fatalf("approve: %d %s %s", code, out, errOut)
	}
	m := regexp.MustCompile(`settlement (\d+): 2024-06 canteen (\d+) `).FindStringSubmatch(out)
	if m == nil || m[2] != fmt.Sprint(seed.canteen["370212"]) {
		t.Fatalf("no settlement line of 崂山区's canteen in %q", out)
	}
	id := m[1]
	if code, _, errOut := cli("settle", "approve", "--month", "2024-06", "--district", "370212", "--as", "laoshan"); code != 1 ||
		!strings.Contains(errOut, "no draft settlement") {
		t.Errorf("approving again: %d %s", code, errOut)
	}

	file := filepath.Join(dir, "statement.xlsx")
	if code, out, errOut := cli("settle", "statement", "--id", id, "--out", file); code != 0 || !strings.Contains(out, "39 meals, ¥468.00; 1 held back") {
		t.Fatalf("statement: %d %s %s", code, out, errOut)
	}
	x, err := excelize.OpenFile(file)
	if err != nil {
		t.Fatal(err)
	}
	rows, err := x.GetRows("结算明细")
	if err != nil {
		t.Fatal(err)
	}
	held, err := x.GetRows("暂扣交易")
	x.Close()
	if err != nil {
		t.Fatal(err)
	}
	// Title, four header lines, a blank, the column heads, 39 meals, the total; then the totals by source.
	if len(rows) < 47 || rows[6][0] != "序号" || rows[7][0] != "1" || rows[46][0] != "合计" || rows[46][6] != "468.00" ||
		rows[46][8] != "117.00" || !strings.Contains(rows[0][0], "2024年6月") {
		t.Fatalf("statement sheet: %d rows, %q … %q", len(rows), rows[:8], rows[46:])
	}
	if len(held) != 3 || held[2][8] != "同一张卡短时间内在两家机构用餐" && held[2][8] != "two_canteens" {
		t.Fatalf("held-back sheet: %q", held)
	}
	if code, _, errOut := cli("settle", "statement", "--id", "999999", "--out", file); code != 1 || !strings.Contains(errOut, "没有找到该助餐结算单") {
		t.Errorf("statement of a missing settlement: %d %s", code, errOut)
	}

	code, out, _ = cli("ledger", "verify")
	if code != 0 || !strings.Contains(out, "ledger OK:") || !strings.Contains(out, "meal ledger OK: 39 meal transactions") ||
		!strings.Contains(out, "1 approved settlements, 39 meals posted") {
		t.Fatalf("ledger verify: %d %s", code, out)
	}
	code, out, _ = cli("ledger", "balance", "--month", "2024-06")
	if code != 0 || !strings.Contains(out, "expense/370212/meals") || !strings.Contains(out, "closing balances sum to ¥0.00") {
		t.Errorf("ledger balance: %d %s", code, out)
	}

	// One meal posted a second time behind the application's back: verify must notice.
	svc = open()
	if _, err := svc.db.Exec(ctx, `INSERT INTO ledger_transactions (month, kind, memo, created_by, created_at, meal_settlement_id)
		SELECT month, kind, memo, 'mallory', created_at, meal_settlement_id FROM ledger_transactions
		WHERE id = (SELECT MIN(id) FROM ledger_transactions WHERE meal_settlement_id = ?)`, id); err != nil {
		t.Fatal(err)
	}
	if _, err := svc.db.Exec(ctx, `INSERT INTO ledger_entries (transaction_id, account, amount_fen)
		SELECT (SELECT MAX(id) FROM ledger_transactions), account, amount_fen FROM ledger_entries
		WHERE transaction_id = (SELECT MIN(id) FROM ledger_transactions WHERE meal_settlement_id = ?)`, id); err != nil {
		t.Fatal(err)
	}
	svc.db.Close()
	code, out, _ = cli("ledger", "verify")
	if code != 1 || !strings.Contains(out, "ledger OK:") || !strings.Contains(out, "meal ledger BROKEN:") ||
		!strings.Contains(out, "被重复记账") || !strings.Contains(out, "结算单 "+id+" 有 40 张记账凭证") {
		t.Errorf("tampered ledger verify: %d %s", code, out)
	}
}

func TestSettleCommandsHelp(t *testing.T) {
	for _, args := range [][]string{{"settle", "-h"}, {"settle", "approve", "-h"}, {"settle", "statement", "-h"}, {"settle", "generate", "-h"}} {
		code, _, errOut := runCLI(t, t.TempDir(), args...)
		if code != 0 || !strings.Contains(errOut, "Usage: minzheng settle") {
			t.Errorf("%v: exit %d, stderr %q", args, code, errOut)
		}
	}
}
