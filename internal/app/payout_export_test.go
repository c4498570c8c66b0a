package app

import (
	"bytes"
	"context"
	"encoding/csv"
	"fmt"
	"html"
	"io"
	"mime/multipart"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"testing"
	"unicode/utf8"

	"golang.org/x/text/encoding/simplifiedchinese"

	"github.com/minzheng/minzheng/internal/auth"
	"github.com/minzheng/minzheng/internal/payout"
)

// exportForm posts the roster page's export form as c: the choices and, when layout is not nil,
// a layout file. It returns the status, the answer's headers and its body.
func (f *payoutFixture) exportForm(t *testing.T, c *http.Client, id int64, choices url.Values, layoutName string, layout []byte) (int, http.Header, []byte) {
	t.Helper()
	var buf bytes.Buffer
	mw := multipart.NewWriter(&buf)
	for k, vs := range choices {
		for _, v := range vs {
			_ = mw.WriteField(k, v)
		}
	}
	if layout != nil {
		fw, err := mw.CreateFormFile("layout", layoutName)
		if err != nil {
			t.Fatal(err)
		}
		_, _ = fw.Write(layout)
	}
	_ = mw.Close()
	req, err := http.NewRequest("POST", fmt.Sprintf("%s/payouts/%d/export", f.m.URL(), id), &buf)
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", mw.FormDataContentType())
	resp, err := c.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, resp.Header, body
}

// rosterStatus reads roster id's status from the store.
func (f *payoutFixture) rosterStatus(t *testing.T, id int64) string {
	t.Helper()
	ro, err := f.m.svc.payout.Roster(context.Background(), auth.System(), id)
	if err != nil {
		t.Fatal(err)
	}
	return ro.Status
}

// testExportLayout approves roster id and exports it from the roster page's form in a bank's
// own layout, uploaded with the form: bad layout files are refused on the page and leave the
// roster unlocked; a good one gives a GBK CSV file with the layout's header, and locks it.
func testExportLayout(t *testing.T, f *payoutFixture, id int64) {
	ctx := context.Background()
	f.payAllPayees(t, id)
	ro, err := f.m.svc.payout.Roster(ctx, auth.System(), id)
	if err != nil {
		t.Fatal(err)
	}
	if _, _, u := f.post(t, f.laoshan, "/payouts/generate", url.Values{"month": {ro.Month.String()}, "program": {ro.Program}}); u.Path != fmt.Sprintf("/payouts/%d", id) {
		t.Fatalf("regenerating with the payees went to %s", u)
	}
	laoshan, err := principalOf(ctx, f.m.svc, "laoshan")
	if err != nil {
		t.Fatal(err)
	}
	if ro, err = f.m.svc.payout.Roster(ctx, auth.System(), id); err == nil {
		_, err = f.m.svc.payout.Approve(ctx, laoshan, id, ro.Version, "")
	}
	if err != nil {
		t.Fatal(err)
	}
	_, page := f.page(t, f.laoshan, fmt.Sprintf("/payouts/%d", id))
	wantIn(t, "the approved roster's export form", page, fmt.Sprintf(`action="/payouts/%d/export" enctype="multipart/form-data"`, id),
		`type="file" name="layout"`, `<option value="gbk"`)

	gbkCSV := url.Values{"format": {"csv"}, "encoding": {"gbk"}, "confirm": {"1"}}
	for _, c := range []struct {
		name, file, layout, want string
	}{
		{"no account column", "layout.csv", "表头,字段\n金额,amount_yuan\n户名,payee_name\n", "布局须包含银行账号"},
		{"unknown field", "layout.json", `{"columns":[{"header":"账号","field":"acct"}]}`, "布局第 1 列的字段“acct”不认识"},
		{"not JSON", "layout.json", `{"columns":[`, "布局文件不是正确的 JSON"},
		{"a header GBK cannot hold", "layout.csv", "表头,字段\n账号😀,account\n金额,amount_yuan\n", "GBK 编码无法表示"},
	} {
		status, _, body := f.exportForm(t, f.laoshan, id, gbkCSV, c.file, []byte(c.layout))
		text := html.UnescapeString(string(body))
		if status != http.StatusUnprocessableEntity || !strings.Contains(text, c.want) || !strings.Contains(text, `name="layout"`) {
			t.Errorf("%s: %d, want 422 with %q on the roster page: %.300s", c.name, status, c.want, text)
		}
		if st := f.rosterStatus(t, id); st != payout.Approved {
			t.Fatalf("%s: a refused export left the roster %s", c.name, st)
		}
	}

	layout := "表头,字段\n# 某银行批量代发格式\n收款人账号,account\n收款人户名,payee_name\n金额,amount_yuan\n明细号,line_id\n"
	status, header, body := f.exportForm(t, f.laoshan, id, gbkCSV, "bank.csv", []byte(layout))
	if status != http.StatusOK {
		t.Fatalf("export in the bank's layout: %d: %.300s", status, body)
	}
	if ct := header.Get("Content-Type"); ct != "text/csv; charset=GBK" || !strings.HasSuffix(header.Get("Content-Disposition"), `.csv"`) {
		t.Errorf("export headers: %q, %q", ct, header.Get("Content-Disposition"))
	}
	if utf8.Valid(body) {
		t.Error("the GBK file is valid UTF-8: it was not encoded as GBK")
	}
	text, err := simplifiedchinese.GBK.NewDecoder().Bytes(body)
	if err != nil {
		t.Fatal(err)
	}
	recs, err := csv.NewReader(bytes.NewReader(text)).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	if want := []string{"收款人账号", "收款人户名", "金额", "明细号"}; len(recs) < 3 || !slices.Equal(recs[0], want) {
		t.Fatalf("bank file header %q, want %q", recs[0], want)
	}
	if acc := recs[1][0]; len(acc) < 12 || strings.ContainsAny(acc, "* ") {
		t.Errorf("account %q is not the full account number", acc)
	}
	if last := recs[len(recs)-1]; !strings.HasPrefix(last[0], "合计") {
		t.Errorf("trailer %q", last)
	}
	if st := f.rosterStatus(t, id); st != payout.Locked {
		t.Errorf("after the export the roster is %s, want locked", st)
	}
}
