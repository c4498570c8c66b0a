package app

import (
	"bytes"
	"context"
	"encoding/csv"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"
	"golang.org/x/text/encoding/simplifiedchinese"

	"github.com/minzheng/minzheng/internal/auth"
	"github.com/minzheng/minzheng/internal/civil"
	"github.com/minzheng/minzheng/internal/db/dbtest"
)

// TestCLIPayout drives a month from the command line: generate, approve as the district's
// approver, export the bank file (GBK CSV, then .xlsx in a bank's layout), import the bank's
// returns, and prove the ledger; then shows that verify notices a tampered roster.
func TestCLIPayout(t *testing.T) {
	t.Run("sqlite", func(t *testing.T) { testCLIPayout(t, "") })
	if os.Getenv(dbtest.PostgresEnv) != "" {
		t.Run("postgres", func(t *testing.T) { testCLIPayout(t, dbtest.PostgresDSN(t)) })
	}
}

func testCLIPayout(t *testing.T, dsn string) {
	dir := t.TempDir()
	ctx := context.Background()
	m := civil.Month{Year: 2024, Month: time.June}
	cli := func(args ...string) (int, string, string) {
		t.Helper()
		if dsn != "" {
			args = append(args[:2:2], append([]string{"--db", dsn}, args[2:]...)...)
		}
		return runCLI(t, dir, args...)
	}
	{
		main := NewMain()
		main.Config.DataDir, main.Config.DB = dir, dsn
		svc, err := openServices(ctx, main.Config, discardLogger(), time.Now)
		if err != nil {
			t.Fatal(err)
		}
		if err := seedPayoutBench(ctx, svc, 400, m, "dibao", func(string) {}); err != nil {
			t.Fatal(err)
		}
		for _, u := range []auth.UserInput{{Login: "laoshan", Name: "崂山区审核员", Role: auth.DistrictApprover, Scope: "370212"},
			{Login: "shinan", Name: "市南区审核员", Role: auth.DistrictApprover, Scope: "370202"},
			{Login: "zhonghan", Name: "中韩街道经办人", Role: auth.StreetOfficer, Scope: "370212001"}} {
			if _, err := svc.auth.Bootstrap(ctx, u, auth.RandomPassword(), false); err != nil {
				t.Fatal(err)
			}
		}
		// One household of 市南区 has no payee: its roster can be approved but not exported.
		if _, err := svc.db.Exec(ctx, `DELETE FROM payees WHERE household_id = (SELECT MIN(household_id) FROM payees
			WHERE region_code >= '370202' AND region_code < '370203')`); err != nil {
			t.Fatal(err)
		}
		svc.db.Close()
	}

	code, out, errOut := cli("payout", "generate", "--month", "2024-06")
	if code != 0 || !strings.Contains(out, "payout generate: 2024-06: 80 rosters") {
		t.Fatalf("generate: %d %s %s", code, out, errOut)
	}
	if code, again, _ := cli("payout", "generate", "--month", "2024-06", "--program", "dibao", "--district", "370212"); code != 0 ||
		!strings.Contains(out, firstLine(again)) {
		t.Errorf("generating again gives another roster: %d %s", code, again)
	}
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"--month", "2024-06", "--district", "370212"}, "--as: name the user"},
		{[]string{"--month", "2024-06", "--district", "370212", "--as", "nobody"}, `no user "nobody"`},
		{[]string{"--month", "2024-06", "--district", "370212", "--as", "zhonghan"}, "approval is for a district approver of 370212"},
		{[]string{"--month", "2024-06", "--district", "370212", "--as", "shinan"}, "approval is for a district approver of 370212"},
		{[]string{"--month", "June", "--district", "370212", "--as", "laoshan"}, "--month"},
	} {
		if code, _, errOut := cli(append([]string{"payout", "approve"}, tc.args...)...); code != 1 || !strings.Contains(errOut, tc.want) {
			t.Errorf("approve %v: %d %q, want %q", tc.args, code, errOut, tc.want)
		}
	}
	code, out, errOut = cli("payout", "approve", "--month", "2024-06", "--district", "370212", "--program", "dibao", "--as", "laoshan")
	if code != 0 || !strings.Contains(out, "payout approve: 1 rosters approved by laoshan") {
		t.Fatalf("approve: %d %s %s", code, out, errOut)
	}
	id, lines := rosterOf(t, out)

	// The bank file, GBK CSV with control totals; the roster is locked.
	file := filepath.Join(dir, "bank.csv")
	code, out, errOut = cli("payout", "export", "--roster", id, "--encoding", "gbk", "-o", file)
	if code != 0 || !strings.Contains(out, "roster locked") {
		t.Fatalf("export: %d %s %s", code, out, errOut)
	}
	raw, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	text, err := simplifiedchinese.GBK.NewDecoder().Bytes(raw)
	if err != nil {
		t.Fatal(err)
	}
	recs, err := csv.NewReader(bytes.NewReader(text)).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Contains(text, []byte("\r\n")) || recs[0][1] != "明细号" || recs[len(recs)-1][1] != "合计" || len(recs) != lines+2 {
		t.Fatalf("bank file: %d records for %d lines, header %q, trailer %q", len(recs), lines, recs[0], recs[len(recs)-1])
	}
	if acc := recs[1][6]; len(acc) != 19 || strings.Contains(acc, "*") {
		t.Errorf("account %q is not the full account number", acc)
	}
	if code, _, errOut := cli("payout", "approve", "--month", "2024-06", "--district", "370212", "--program", "dibao", "--as", "laoshan"); code != 1 ||
		!strings.Contains(errOut, "no draft roster") {
		t.Errorf("approving again: %d %s", code, errOut)
	}

	// The same roster in a bank's own layout as .xlsx.
	layout := filepath.Join(dir, "layout.csv")
	if err := os.WriteFile(layout, []byte("表头,字段\n明细号,line_id\n收款人,payee_name\n账号,account\n金额,amount_fen\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	xfile := filepath.Join(dir, "bank.xlsx")
	if code, out, errOut := cli("payout", "export", "--roster", id, "--layout", layout, "-o", xfile); code != 0 {
		t.Fatalf("export xlsx: %d %s %s", code, out, errOut)
	}
	x, err := excelize.OpenFile(xfile)
	if err != nil {
		t.Fatal(err)
	}
	rows, err := x.GetRows("代发明细")
	x.Close()
	if err != nil || len(rows) != lines+2 || strings.Join(rows[0], ",") != "明细号,收款人,账号,金额" {
		t.Fatalf("xlsx: %v, %d rows, header %q", err, len(rows), rows[0])
	}

	// A roster with a household without an account cannot be approved, naming the household.
	if code, _, errOut := cli("payout", "approve", "--month", "2024-06", "--district", "370202", "--program", "dibao", "--as", "shinan"); code != 1 ||
		!strings.Contains(errOut, "名册中有 1 户没有登记收款银行账户") {
		t.Errorf("approving a roster without an account: %d %s", code, errOut)
	}
	if code, _, errOut := cli("payout", "export", "--roster", "999999"); code != 1 || !strings.Contains(errOut, "没有找到该发放名册") {
		t.Errorf("export of a missing roster: %d %s", code, errOut)
	}

	// The bank's return file: a bad row refuses it all; then the first payment fails.
	ret := filepath.Join(dir, "return.csv")
	var b strings.Builder
	b.WriteString("明细号,状态,原因\n")
	for i, r := range recs[1 : len(recs)-1] {
		status, reason := "成功", ""
		if i == 0 {
			status, reason = "失败", "账户已销户"
		}
		fmt.Fprintf(&b, "%s,%s,%s\n", r[1], status, reason)
	}
	good := b.String()
	if err := os.WriteFile(ret, []byte(good+"abc,成功,\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	code, out, _ = cli("payout", "import-returns", "--roster", id, "--as", "laoshan", ret)
	if code != 1 || !strings.Contains(out, fmt.Sprintf("row %d: 明细号“abc”应为正整数", lines+2)) || !strings.Contains(out, "nothing applied") {
		t.Errorf("bad return file: %d %s", code, out)
	}
	if err := os.WriteFile(ret, []byte(good), 0o600); err != nil {
		t.Fatal(err)
	}
	if code, _, errOut := cli("payout", "import-returns", "--roster", id, "--as", "shinan", ret); code != 1 || !strings.Contains(errOut, "没有找到") {
		t.Errorf("returns by another district's approver: %d %s", code, errOut)
	}
	code, out, errOut = cli("payout", "import-returns", "--roster", id, "--as", "laoshan", ret)
	if code != 0 || !strings.Contains(out, fmt.Sprintf("%d paid, 1 failed", lines-1)) {
		t.Fatalf("import-returns: %d %s %s", code, out, errOut)
	}

	code, out, _ = cli("ledger", "verify")
	if code != 0 || !strings.Contains(out, "ledger OK:") || !strings.Contains(out, "1 approved rosters") {
		t.Fatalf("ledger verify: %d %s", code, out)
	}
	code, out, _ = cli("ledger", "balance", "--month", "2024-06")
	if code != 0 || !strings.Contains(out, "expense/370212/dibao") || !strings.Contains(out, "closing balances sum to ¥0.00") {
		t.Errorf("ledger balance: %d %s", code, out)
	}
	code, out, _ = cli("ledger", "balance", "--month", "2024-06", "--as", "laoshan")
	if code != 0 || strings.Contains(out, "370202") || strings.Contains(out, "fund/city") {
		t.Errorf("ledger balance of 崂山区: %d %s", code, out)
	}

	// A roster total changed behind the application's back: verify must notice.
	{
		main := NewMain()
		main.Config.DataDir, main.Config.DB = dir, dsn
		svc, err := openServices(ctx, main.Config, discardLogger(), time.Now)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := svc.db.Exec(ctx, `UPDATE rosters SET total_fen = total_fen + 1 WHERE id = ?`, id); err != nil {
			t.Fatal(err)
		}
		svc.db.Close()
	}
	code, out, _ = cli("ledger", "verify")
	if code != 1 || !strings.Contains(out, "ledger BROKEN: 1 problems") || !strings.Contains(out, "roster "+id+": payment posted differs") {
		t.Errorf("tampered ledger verify: %d %s", code, out)
	}
}

var rosterPattern = regexp.MustCompile(`roster (\d+): \S+ \S+ \S+ \S+, (\d+) lines`)

// rosterOf reads the id and line count of the first roster line of a command's output.
func rosterOf(t *testing.T, out string) (string, int) {
	t.Helper()
	m := rosterPattern.FindStringSubmatch(out)
	if m == nil {
		t.Fatalf("no roster in %q", out)
	}
	n, _ := strconv.Atoi(m[2])
	if n == 0 {
		t.Fatalf("roster %s has no lines", m[1])
	}
	return m[1], n
}

func firstLine(s string) string { l, _, _ := strings.Cut(s, "\n"); return l }

func TestPayoutCommandsHelp(t *testing.T) {
	for _, args := range [][]string{{"payout", "-h"}, {"payout", "generate", "-h"}, {"payout", "approve", "-h"}, {"payout", "export", "-h"},
		{"payout", "import-returns", "-h"}, {"ledger", "-h"}, {"ledger", "verify", "-h"}, {"ledger", "balance", "-h"}, {"bench", "payout", "-h"}} {
		code, _, errOut := runCLI(t, t.TempDir(), args...)
		if code != 0 || !strings.Contains(errOut, "Usage: minzheng") {
			t.Errorf("%v: exit %d, stderr %q", args, code, errOut)
		}
	}
}

// TestBenchPayoutRuns runs the benchmark scenario at a tiny size: it must end with the summary
// line, and a second run pays the next month.
func TestBenchPayoutRuns(t *testing.T) {
	dir := t.TempDir()
	for range 2 {
		code, out, errOut := runCLI(t, dir, "bench", "payout", "--entitlements", "60", "--mode", "sequential", "--format", "xlsx")
		if code != 0 || !regexp.MustCompile(`\npayout: 60 entitlements in [0-9.]+ s\n$`).MatchString(out) {
			t.Fatalf("bench payout: %d %s %s", code, out, errOut)
		}
	}
	code, out, _ := runCLI(t, dir, "ledger", "verify")
	if code != 0 || !strings.Contains(out, "20 approved rosters") {
		t.Errorf("ledger after two bench months: %d %s", code, out)
	}
}
