package app

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"os"
	"strings"
	"testing"

	"github.com/minzheng/minzheng/internal/db/dbtest"
)

// apiRoster is the part of a roster of the API the tests read.
type apiRoster struct {
	ID         int64  `json:"id"`
	Month      string `json:"month"`
	Program    string `json:"program"`
	District   string `json:"district"`
	Status     string `json:"status"`
	Lines      int    `json:"lines"`
	Households int    `json:"households"`
	TotalFen   int64  `json:"total_fen"`
	ApprovedBy string `json:"approved_by"`
	Version    int    `json:"version"`
}

type apiLine struct {
	ID            int64  `json:"id"`
	HouseholdID   int64  `json:"household_id"`
	Kind          string `json:"kind"`
	AmountFen     int64  `json:"amount_fen"`
	AccountMasked string `json:"account_masked"`
	Status        string `json:"status"`
	Failure       string `json:"failure"`
}

// TestPayoutAPI carries a month's 临时救助 roster of 崂山区 through the API: the payee, the
// roster generated twice, its lines and scope, approval with its refusals, the bank's returns,
// the trial balance, the verification and the statistics.
func TestPayoutAPI(t *testing.T) {
	t.Run("sqlite", func(t *testing.T) { testPayoutAPI(t, "") })
	if os.Getenv(dbtest.PostgresEnv) != "" {
		t.Run("postgres", func(t *testing.T) { testPayoutAPI(t, dbtest.PostgresDSN(t)) })
	}
}

// call sends a JSON body (or none) with c to the API and decodes a 2xx answer into out; it
// returns the status and, for an error, its code.
func (f *payoutFixture) call(t *testing.T, c *http.Client, method, path, body string, out any) (int, string) {
	t.Helper()
	var rd io.Reader
	ct := ""
	if body != "" {
		rd, ct = strings.NewReader(body), "application/json"
	}
	status, raw, _ := send(t, c, method, f.m.URL()+"/api/v1"+path, ct, rd)
	if status >= 300 {
		var e apiError
		_ = json.Unmarshal([]byte(raw), &e)
		return status, e.Error.Code
	}
	if out != nil {
		if err := json.Unmarshal([]byte(raw), out); err != nil {
			t.Fatalf("%s %s: %v in %.300s", method, path, err, raw)
		}
	}
	return status, ""
}

func testPayoutAPI(t *testing.T, dsn string) {
	f := newPayoutFixture(t, dsn, 932)
	month := f.month.String()

	// The payee.
	payee := fmt.Sprintf("/households/%d/payee", f.household)
	var pe struct {
		Recorded      bool   `json:"recorded"`
		AccountMasked string `json:"account_masked"`
	}
	if status, _ := f.call(t, f.laoshan, "GET", payee, "", &pe); status != http.StatusOK || pe.Recorded {
		t.Fatalf("payee before: %d %+v", status, pe)
	}
	if status, code := f.call(t, f.laoshan, "PUT", payee, `{"holder_name":"发放测试","bank":"农业银行","account":"12"}`, nil); status != http.StatusBadRequest || code != "payout.bad_account" {
		t.Errorf("bad account: %d %s", status, code)
	}
	if status, _ := f.call(t, f.laoshan, "PUT", payee, `{"holder_name":"发放测试","bank":"农业银行","account":"6228 4800 1234 5678 9"}`, &pe); status != http.StatusOK || !pe.Recorded || pe.AccountMasked != "6228 **** **** 6789" {
		t.Errorf("payee recorded: %d %+v", status, pe)
	}
	if status, _ := f.call(t, f.badaguan, "GET", payee, "", nil); status != http.StatusNotFound {
		t.Errorf("payee of another district: %d, want 404", status)
	}

	// Generation: refusals, then twice the same roster.
	gen := fmt.Sprintf(`{"month":%q,"program":"temporary","district":"370212"}`, month)
	for _, c := range []struct {
		name, body string
		who        *http.Client
		status     int
		code       string
	}{
		{"bad month", `{"month":"2024-13","program":"temporary","district":"370212"}`, f.laoshan, 400, "payout.bad_month"},
		{"bad program", fmt.Sprintf(`{"month":%q,"program":"dibao_edge","district":"370212"}`, month), f.laoshan, 400, "payout.bad_program"},
		{"other district", fmt.Sprintf(`{"month":%q,"program":"temporary","district":"370202"}`, month), f.laoshan, 404, "payout.notfound"},
		{"street officer", gen, f.zhonghan, 403, ""},
	} {
		if status, code := f.call(t, c.who, "POST", "/payouts", c.body, nil); status != c.status || (c.code != "" && code != c.code) {
			t.Errorf("%s: %d %s, want %d %s", c.name, status, code, c.status, c.code)
		}
	}
	var ro, again apiRoster
	if status, _ := f.call(t, f.laoshan, "POST", "/payouts", gen, &ro); status != http.StatusCreated || ro.Status != "draft" || ro.Lines == 0 {
		t.Fatalf("generate: %d %+v", status, ro)
	}
	f.payAllPayees(t, ro.ID)
	if status, _ := f.call(t, f.admin, "POST", "/payouts", gen, &again); status != http.StatusCreated || again.ID != ro.ID || again.TotalFen != ro.TotalFen {
		t.Fatalf("generating again: %d %+v, first %+v", status, again, ro)
	}
	ro = again
	path := fmt.Sprintf("/payouts/%d", ro.ID)

	// Reading: the list, the roster, its lines; scope.
	var list struct {
		Rosters []apiRoster `json:"rosters"`
	}
	if status, _ := f.call(t, f.zhonghan, "GET", "/payouts?program=temporary&month="+month, "", &list); status != http.StatusOK || len(list.Rosters) != 1 || list.Rosters[0].ID != ro.ID {
		t.Errorf("the street officer's list: %d %+v", status, list)
	}
	if status, code := f.call(t, f.laoshan, "GET", "/payouts?month=March", "", nil); status != http.StatusBadRequest || code != "payout.bad_month" {
		t.Errorf("list of a bad month: %d %s", status, code)
	}
	if status, _ := f.call(t, f.zhonghan, "GET", path, "", nil); status != http.StatusOK {
		t.Errorf("the district's street officer on its roster: %d", status)
	}
	if status, _ := f.call(t, f.badaguan, "GET", path, "", nil); status != http.StatusNotFound {
		t.Errorf("another district's officer: %d, want 404", status)
	}
	var lines struct {
		Lines []apiLine `json:"lines"`
		Total int       `json:"total"`
	}
	if status, _ := f.call(t, f.auditor, "GET", path+"/lines?per_page=500", "", &lines); status != http.StatusOK || lines.Total != ro.Lines {
		t.Fatalf("lines: %d, %d of %d", status, lines.Total, ro.Lines)
	}
	var mine apiLine
	for _, l := range lines.Lines {
		if l.HouseholdID == f.household {
			mine = l
		}
	}
	if mine.Kind != "one_off" || mine.AmountFen != 200000 || mine.AccountMasked != "6228 **** **** 6789" || mine.Status != "pending" {
		t.Errorf("the household's line: %+v", mine)
	}

	// Approval.
	for _, c := range []struct {
		name, body string
		who        *http.Client
		status     int
		code       string
	}{
		{"no version", `{}`, f.laoshan, 400, "payout.api.version_required"},
		{"stale version", fmt.Sprintf(`{"version":%d}`, ro.Version-1), f.laoshan, 409, "payout.stale"},
		{"city administrator", fmt.Sprintf(`{"version":%d}`, ro.Version), f.admin, 403, "payout.approve_forbidden"},
		{"unknown field", `{"version":1,"confirm":true}`, f.laoshan, 400, "api.json_unknown"},
	} {
		if status, code := f.call(t, c.who, "POST", path+"/approval", c.body, nil); status != c.status || code != c.code {
			t.Errorf("approval, %s: %d %s, want %d %s", c.name, status, code, c.status, c.code)
		}
	}
	var approved apiRoster
	if status, _ := f.call(t, f.laoshan, "POST", path+"/approval", fmt.Sprintf(`{"version":%d}`, ro.Version), &approved); status != http.StatusOK || approved.Status != "approved" || approved.ApprovedBy != "laoshan" {
		t.Fatalf("approval: %d %+v", status, approved)
	}
	if status, code := f.call(t, f.laoshan, "POST", path+"/approval", fmt.Sprintf(`{"version":%d}`, approved.Version), nil); status != http.StatusConflict || code != "payout.not_draft" {
		t.Errorf("approving twice: %d %s", status, code)
	}

	// Returns need the bank file exported (the roster locked).
	returns := fmt.Sprintf(`[{"line_id":%d,"failed":true,"reason":"账户冻结"}]`, mine.ID)
	if status, code := f.call(t, f.laoshan, "POST", path+"/returns", returns, nil); status != http.StatusConflict || code != "payout.not_locked" {
		t.Errorf("returns before export: %d %s", status, code)
	}
	if status, _, _ := send(t, f.laoshan, "GET", f.m.URL()+path+"/export?format=xlsx&confirm=1", "", nil); status != http.StatusOK {
		t.Fatalf("export: %d", status)
	}
	if status, code := f.call(t, f.laoshan, "POST", path+"/returns", `[]`, nil); status != http.StatusBadRequest || code != "payout.api.returns_empty" {
		t.Errorf("empty returns: %d %s", status, code)
	}
	if status, code := f.call(t, f.laoshan, "POST", path+"/returns", `[{"line_id":1,"failed":true}]`, nil); status != http.StatusBadRequest || code != "payout.return_unknown_line" {
		t.Errorf("returns of an unknown line: %d %s", status, code)
	}
	var res struct {
		Paid        int   `json:"paid"`
		Failed      int   `json:"failed"`
		RefundedFen int64 `json:"refunded_fen"`
	}
	if status, _ := f.call(t, f.laoshan, "POST", path+"/returns", returns, &res); status != http.StatusOK || res.Failed != 1 || res.RefundedFen != 200000 {
		t.Errorf("returns: %d %+v", status, res)
	}
	if status, _ := f.call(t, f.laoshan, "POST", path+"/returns", returns, &res); status != http.StatusOK || res.Failed != 0 {
		t.Errorf("the same returns again: %d %+v", status, res)
	}

	// The ledger and the statistics.
	var tb struct {
		Month    string `json:"month"`
		Accounts []struct {
			Account    string `json:"account"`
			DebitsFen  int64  `json:"debits_fen"`
			CreditsFen int64  `json:"credits_fen"`
			ClosingFen int64  `json:"closing_fen"`
		} `json:"accounts"`
		SumFen int64 `json:"sum_fen"`
	}
	if status, _ := f.call(t, f.admin, "GET", "/ledger/trial-balance?month="+month, "", &tb); status != http.StatusOK || tb.SumFen != 0 || tb.Month != month {
		t.Fatalf("trial balance: %d %+v", status, tb)
	}
	found := false
	for _, a := range tb.Accounts {
		if a.Account == "expense/370212/temporary" {
			found = true
			if a.DebitsFen != approved.TotalFen || a.CreditsFen != 200000 || a.ClosingFen != approved.TotalFen-200000 {
				t.Errorf("expense account: %+v, roster total %d", a, approved.TotalFen)
			}
		}
	}
	if !found {
		t.Errorf("trial balance lacks the district's expense: %+v", tb.Accounts)
	}
	if status, code := f.call(t, f.admin, "GET", "/ledger/trial-balance", "", nil); status != http.StatusBadRequest || code != "payout.bad_month" {
		t.Errorf("trial balance without a month: %d %s", status, code)
	}
	var v struct {
		Balanced bool     `json:"balanced"`
		Rosters  int      `json:"rosters"`
		Problems []string `json:"problems"`
	}
	if status, _ := f.call(t, f.auditor, "GET", "/ledger/verification", "", &v); status != http.StatusOK || !v.Balanced || v.Rosters == 0 {
		t.Errorf("verification: %d %+v", status, v)
	}
	var st struct {
		Rows []struct {
			Program     string `json:"program"`
			District    string `json:"district"`
			PersonTimes int    `json:"person_times"`
			AmountFen   int64  `json:"amount_fen"`
		} `json:"rows"`
	}
	if status, _ := f.call(t, f.laoshan, "GET", "/payouts/stats?from="+month+"&to="+month, "", &st); status != http.StatusOK || len(st.Rows) != 1 {
		t.Fatalf("stats: %d %+v", status, st)
	}
	if r := st.Rows[0]; r.Program != "temporary" || r.District != "370212" || r.AmountFen != approved.TotalFen-200000 || r.PersonTimes == 0 {
		t.Errorf("stats row: %+v (roster total %d, 200000 returned)", r, approved.TotalFen)
	}
	if status, code := f.call(t, f.laoshan, "GET", "/payouts/stats?from="+month+"&to=2000-01", "", nil); status != http.StatusBadRequest || code != "payout.ui.bad_range" {
		t.Errorf("stats of a reversed range: %d %s", status, code)
	}
	if status, _ := f.call(t, f.grid, "GET", "/payouts/stats?from="+month, "", nil); status != http.StatusForbidden {
		t.Errorf("grid worker on the stats: %d, want 403", status)
	}
}
