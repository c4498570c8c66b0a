package app

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"html"
	"io"
	"mime/multipart"
	"net/http"
	"os"
	"strings"
	"testing"
	"time"

	"golang.org/x/text/encoding/simplifiedchinese"

	"github.com/minzheng/minzheng/internal/auth"
	"github.com/minzheng/minzheng/internal/civil"
	"github.com/minzheng/minzheng/internal/db"
	"github.com/minzheng/minzheng/internal/db/dbtest"
	"github.com/minzheng/minzheng/internal/idcard"
	"github.com/minzheng/minzheng/internal/monitor"
	"github.com/minzheng/minzheng/internal/monitor/feed"
)

// The access-matrix entries of the agency-file routes. An upload without a file is refused as
// bad input (422, 400) and a run starts (303, 202), so a holder gets neither 403 nor 404. Batches
// and sources belong to the city, not to a region, so scope does not apply to their wildcards:
// the matrix names a batch that does not exist (404 for a holder, as for the roster uploads) and
// a source that does.
func init() {
	addRouteCases(map[string]func(t accessTarget) accessRequest{
		"GET /monitor/batches":                     func(accessTarget) accessRequest { return accessRequest{path: "/monitor/batches"} },
		"POST /monitor/batches":                    func(accessTarget) accessRequest { return form("/monitor/batches", "source=medical") },
		"POST /monitor/batches/run":                func(accessTarget) accessRequest { return form("/monitor/batches/run", "") },
		"GET /monitor/batches/{id}":                func(accessTarget) accessRequest { return accessRequest{path: "/monitor/batches/999999"} },
		"GET /monitor/batches/{id}/errors.csv":     func(accessTarget) accessRequest { return accessRequest{path: "/monitor/batches/999999/errors.csv"} },
		"GET /monitor/sources":                     func(accessTarget) accessRequest { return accessRequest{path: "/monitor/sources"} },
		"GET /monitor/sources/{name}/template.csv": func(accessTarget) accessRequest { return accessRequest{path: "/monitor/sources/death/template.csv"} },
		"POST /api/v1/monitor/batches": func(accessTarget) accessRequest {
			return accessRequest{method: "POST", path: "/api/v1/monitor/batches?source=medical&filename=x.csv", contentType: "text/csv"}
		},
		"GET /api/v1/monitor/batches":      func(accessTarget) accessRequest { return accessRequest{path: "/api/v1/monitor/batches"} },
		"GET /api/v1/monitor/batches/{id}": func(accessTarget) accessRequest { return accessRequest{path: "/api/v1/monitor/batches/999999"} },
		"POST /api/v1/monitor/runs":        func(accessTarget) accessRequest { return jsonReq("POST", "/api/v1/monitor/runs", "") },
	})
	for _, k := range []string{"GET /monitor/batches/{id}", "GET /monitor/batches/{id}/errors.csv", "GET /api/v1/monitor/batches/{id}",
		"GET /monitor/sources/{name}/template.csv"} {
		ownedByCaller[k] = true
	}
}

// stranger is the ID number of someone not in the demo's database; seq tells files apart.
func stranger(seq int) string {
	return idcard.Synthesize("370203", civil.Date{Year: 1958, Month: 7, Day: 1}, seq).String()
}

// upload posts the agency-file form as the browser sends it: source, the 立即比对 box, the file.
func upload(t *testing.T, m *Main, c *http.Client, source string, runNow bool, name string, data []byte) (int, string, string) {
	t.Helper()
	var body bytes.Buffer
	mw := multipart.NewWriter(&body)
	_ = mw.WriteField("source", source)
	if runNow {
		_ = mw.WriteField("run_now", "1")
	}
	fw, _ := mw.CreateFormFile("file", name)
	_, _ = fw.Write(data)
	_ = mw.Close()
	req, _ := http.NewRequest("POST", m.URL()+"/monitor/batches", &body)
	req.Header.Set("Content-Type", mw.FormDataContentType())
	resp, err := c.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, html.UnescapeString(string(b)), resp.Header.Get("Location")
}

// settled waits for a run to finish batch id and returns it.
func settled(t *testing.T, m *Main, id int64) *monitor.Batch {
	t.Helper()
	for deadline := time.Now().Add(60 * time.Second); ; time.Sleep(100 * time.Millisecond) {
		b, _, err := m.svc.monitor.BatchDetail(context.Background(), auth.System(), id)
		if err != nil {
			t.Fatal(err)
		}
		if b.Status != monitor.BatchReceived && b.Status != monitor.BatchProcessing || time.Now().After(deadline) {
			return b
		}
	}
}

// TestMonitorBatches hands agency files in through the pages and through the API with the
// agency's token: a good file run at once, the same file again, a file with a bad row and its
// error list, refusals, the self-refreshing list while a file is read, and the sources.
func TestMonitorBatches(t *testing.T) {
	t.Run("sqlite", func(t *testing.T) { testMonitorBatches(t, "") })
	if os.Getenv(dbtest.PostgresEnv) != "" {
		t.Run("postgres", func(t *testing.T) { testMonitorBatches(t, dbtest.PostgresDSN(t)) })
	}
}

func testMonitorBatches(t *testing.T, dsn string) {
	m := startDemo(t, dsn)
	t.Run("web", func(t *testing.T) { testMonitorBatchesWeb(t, m) })
	t.Run("api", func(t *testing.T) { testMonitorBatchesAPI(t, m) })
}

func testMonitorBatchesWeb(t *testing.T, m *Main) {
	admin, zhonghan := cwClient(t, m, "admin"), cwClient(t, m, "zhonghan")
	get := func(c *http.Client, path string) (int, string, http.Header) {
		t.Helper()
		status, body, h := cwDo(t, c, "GET", m.URL()+path, nil)
		return status, html.UnescapeString(body), h
	}
	// The template of a source is what its file starts with.
	status, tmpl, h := get(admin, "/monitor/sources/medical/template.csv")
	if status != http.StatusOK || tmpl != "\uFEFF身份证号,年度,个人自付费用（元）,医疗总费用（元）,姓名,居住地区划代码\r\n" || !strings.HasPrefix(h.Get("Content-Type"), "text/csv") {
		t.Fatalf("template: %d %q", status, tmpl)
	}
	good := []byte(tmpl + stranger(41) + ",2024,18000,60000,库外某某,370203001001\r\n")
	status, _, loc := upload(t, m, admin, "medical", true, "yibao.csv", good)
	var id int64
	if _, err := fmt.Sscanf(loc, "/monitor/batches?batch=%d&done=started", &id); status != http.StatusSeeOther || err != nil {
		t.Fatalf("upload with 立即比对: %d %q", status, loc)
	}
	if b := settled(t, m, id); b.Status != monitor.BatchDone || b.RowsRead != 1 || b.ReceivedBy != "admin" {
		t.Fatalf("batch after the run: %+v", b)
	}
	if _, body, _ := get(admin, loc); !strings.Contains(body, fmt.Sprintf("批次 %d 比对结束：已完成", id)) || !strings.Contains(body, "yibao.csv") {
		t.Errorf("list after the run:\n%.3000s", body)
	}
	status, _, loc = upload(t, m, admin, "medical", true, "yibao-again.csv", good)
	if _, body, _ := get(admin, loc); status != http.StatusSeeOther || !strings.Contains(body, fmt.Sprintf("接收（批次 %d），未重复导入", id)) {
		t.Errorf("the same file again: %d %s\n%.2000s", status, loc, body)
	}

	bad := []byte("id_number,year,out_of_pocket\n" + stranger(42) + ",2024,18000\n" + stranger(43) + ",2024,1.234\n")
	_, _, loc = upload(t, m, admin, "medical", true, "bad.csv", bad)
	if _, err := fmt.Sscanf(loc, "/monitor/batches?batch=%d", &id); err != nil {
		t.Fatalf("bad file: %q", loc)
	}
	if b := settled(t, m, id); b.Status != monitor.BatchRejected || b.RowErrors != 1 || b.Warnings != 0 {
		t.Fatalf("bad file after the run: %+v", b)
	}
	page := fmt.Sprintf("/monitor/batches/%d", id)
	if status, body, _ := get(admin, page); status != http.StatusOK || !strings.Contains(body, "已退回") ||
		!strings.Contains(body, `<td class="num">3</td><td>个人自付费用（元）</td><td>第3行`) || !strings.Contains(body, page+"/errors.csv") {
		t.Errorf("rejected batch page: %d\n%.4000s", status, body)
	}
	status, csv, h := get(admin, page+"/errors.csv")
	if status != http.StatusOK || !strings.HasPrefix(csv, "\uFEFF行号,列,问题\r\n3,个人自付费用（元）,第3行") || !strings.Contains(h.Get("Content-Disposition"), "errors.csv") {
		t.Errorf("errors.csv: %d %q", status, csv)
	}

	for _, c := range []struct {
		name, source, file, want string
		data                     []byte
	}{
		{"unknown source", "nonesuch", "a.csv", "未知的数据来源：nonesuch", good},
		{"no source", "", "a.csv", "请选择数据来源", good},
		{"empty file", "medical", "empty.csv", "文件是空的", nil},
		{"unknown format", "medical", "a.doc", "文件 a.doc 的格式无法识别", good},
		{"no file", "medical", "", "请选择要上传的文件", nil},
	} {
		if status, body, _ := upload(t, m, admin, c.source, true, c.file, c.data); status != http.StatusUnprocessableEntity ||
			!strings.Contains(body, `<span class="field-error">`+c.want) {
			t.Errorf("%s: %d, want 422 with %q next to its field", c.name, status, c.want)
		}
	}
	if status, _, _ := upload(t, m, zhonghan, "medical", true, "z.csv", good); status != http.StatusForbidden {
		t.Errorf("a street officer's upload: %d, want 403", status)
	}

	// While a file is read, the list and its page show the rows so far and refresh themselves.
	if _, body, _ := get(admin, "/monitor/batches"); strings.Contains(body, `http-equiv="refresh"`) {
		t.Errorf("the list refreshes with nothing under way")
	}
	setStatus := func(status string, rows int64) {
		if _, err := m.DB.Exec(context.Background(), `UPDATE monitor_batches SET status = ?, rows_read = ?, claimed_at = ? WHERE id = ?`,
			status, rows, db.FormatTime(time.Now()), id); err != nil {
			t.Fatal(err)
		}
	}
	setStatus(monitor.BatchProcessing, 1500000)
	for _, path := range []string{"/monitor/batches", page} {
		if _, body, _ := get(admin, path); !strings.Contains(body, `<meta http-equiv="refresh" content="5">`) || !strings.Contains(body, "1,500,000") || !strings.Contains(body, "比对中") {
			t.Errorf("%s while processing:\n%.3000s", path, body)
		}
	}
	setStatus(monitor.BatchRejected, 2)
	if status, _, loc := cwDo(t, admin, "POST", m.URL()+"/monitor/batches/run", nil); status != http.StatusSeeOther || loc.Get("Location") != "/monitor/batches?done=run" {
		t.Errorf("run now: %d %v", status, loc)
	}

	status, body, _ := get(zhonghan, "/monitor/sources")
	if status != http.StatusOK || !strings.Contains(body, "死亡日期") || !strings.Contains(body, "id_number / id_hash") || !strings.Contains(body, "/monitor/sources/death/template.csv") {
		t.Errorf("sources page: %d", status)
	}
	if status, _, _ := get(admin, "/monitor/sources/nonesuch/template.csv"); status != http.StatusNotFound {
		t.Errorf("template of an unknown source: %d", status)
	}
}

// apiBatch is the part of a batch of the API the tests read.
type apiBatch struct {
	ID          int64  `json:"id"`
	SourceLabel string `json:"source_label"`
	Status      string `json:"status"`
	RowsRead    int64  `json:"rows_read"`
	ReceivedBy  string `json:"received_by"`
	Duplicate   bool   `json:"duplicate"`
	Errors      []struct {
		Line  int64  `json:"line"`
		Field string `json:"field"`
	} `json:"errors"`
}

// feedCall sends body (nil for none) to the API as c and decodes the answer into out, or the
// error's code; header is an extra request header ("Name: value").
func feedCall(t *testing.T, m *Main, c *http.Client, method, path string, body []byte, header string, out any) (int, string) {
	t.Helper()
	req, _ := http.NewRequest(method, m.URL()+"/api/v1"+path, bytes.NewReader(body))
	req.Header.Set("Content-Type", "text/csv")
	if k, v, ok := strings.Cut(header, ": "); ok {
		req.Header.Set(k, v)
	}
	resp, err := c.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	raw, _ := io.ReadAll(resp.Body)
	var e apiError
	if resp.StatusCode >= 300 {
		_ = json.Unmarshal(raw, &e)
	} else if out != nil {
		if err := json.Unmarshal(raw, out); err != nil {
			t.Fatalf("%s %s: %v in %.300s", method, path, err, raw)
		}
	}
	return resp.StatusCode, e.Error.Code
}

func testMonitorBatchesAPI(t *testing.T, m *Main) {
	var token string
	for _, l := range m.DemoLogins {
		if l.Login == "feed" {
			token = l.Token
		}
	}
	agency := &http.Client{Transport: tokenTransport(token)}
	good := []byte("id_number,year,out_of_pocket\n" + stranger(51) + ",2024,18000\n")
	var b apiBatch
	if status, code := feedCall(t, m, agency, "POST", "/monitor/batches?source=medical&filename=yibao.csv", good, "", &b); status != http.StatusCreated ||
		b.Duplicate || b.Status != "received" || b.ReceivedBy != "feed" || b.SourceLabel != "医保个人自付费用（年度累计）" {
		t.Fatalf("agency file: %d %s %+v", status, code, b)
	}
	first := b.ID
	if status, _ := feedCall(t, m, agency, "POST", "/monitor/batches?source=medical&filename=again.csv", good, "", &b); status != http.StatusOK || !b.Duplicate || b.ID != first {
		t.Errorf("the same file again: %d %+v", status, b)
	}
	gbk, err := simplifiedchinese.GBK.NewEncoder().Bytes([]byte("身份证号,年度,个人自付费用（元）,姓名\r\n" + stranger(52) + ",2024,300.50,王某某\r\n"))
	if err != nil {
		t.Fatal(err)
	}
	if status, code := feedCall(t, m, agency, "POST", "/monitor/batches?source=medical", gbk, `Content-Disposition: attachment; filename="医保.csv"`, &b); status != http.StatusCreated {
		t.Fatalf("GBK file named by Content-Disposition: %d %s", status, code)
	}
	gbkID := b.ID
	bad := []byte("id_number,year,out_of_pocket\n" + stranger(53) + ",2024,-5\n")
	if status, code := feedCall(t, m, agency, "POST", "/monitor/batches?source=medical&filename=bad.csv", bad, "", &b); status != http.StatusCreated {
		t.Fatalf("bad file: %d %s", status, code)
	}
	badID := b.ID
	for _, c := range []struct{ name, path, code string }{
		{"no file name", "/monitor/batches?source=medical", "monitor.batches.ui.filename_required"},
		{"unknown source", "/monitor/batches?source=nonesuch&filename=a.csv", "monitor.bad_source"},
		{"empty body", "/monitor/batches?source=medical&filename=empty.csv", "monitor.empty_file"},
	} {
		var data []byte
		if c.name != "empty body" {
			data = good
		}
		if status, code := feedCall(t, m, agency, "POST", c.path, data, "", nil); status != http.StatusBadRequest || code != c.code {
			t.Errorf("%s: %d %s, want 400 %s", c.name, status, code, c.code)
		}
	}
	if status, _ := feedCall(t, m, cwClient(t, m, "zhonghan"), "POST", "/monitor/batches?source=medical&filename=z.csv", good, "", nil); status != http.StatusForbidden {
		t.Errorf("a street officer's file: %d, want 403", status)
	}

	if status, code := feedCall(t, m, agency, "POST", "/monitor/runs", nil, "", nil); status != http.StatusAccepted {
		t.Fatalf("run: %d %s", status, code)
	}
	for _, id := range []int64{first, gbkID, badID} {
		settled(t, m, id)
	}
	if status, _ := feedCall(t, m, agency, "GET", fmt.Sprintf("/monitor/batches/%d", gbkID), nil, "", &b); status != http.StatusOK || b.Status != "done" || b.RowsRead != 1 {
		t.Errorf("GBK batch: %d %+v", status, b)
	}
	b = apiBatch{}
	if status, _ := feedCall(t, m, agency, "GET", fmt.Sprintf("/monitor/batches/%d", badID), nil, "", &b); status != http.StatusOK || b.Status != "rejected" || len(b.Errors) != 1 || b.Errors[0].Line != 2 || b.Errors[0].Field != "out_of_pocket" {
		t.Errorf("rejected batch: %d %+v", status, b)
	}
	var list struct{ Batches []apiBatch }
	if status, _ := feedCall(t, m, agency, "GET", "/monitor/batches?limit=3", nil, "", &list); status != http.StatusOK || len(list.Batches) != 3 || list.Batches[0].ID != badID {
		t.Errorf("list: %d %+v", status, list.Batches)
	}
}

// TestAgencyFeedsDocListsEverySource keeps docs/agency-feeds.md in step with the feed sources:
// every source has its section, and the section names every column and its Chinese label.
func TestAgencyFeedsDocListsEverySource(t *testing.T) {
	raw, err := os.ReadFile("../../docs/agency-feeds.md")
	if err != nil {
		t.Fatal(err)
	}
	doc := string(raw)
	for _, src := range feed.Sources() {
		_, section, ok := strings.Cut(doc, "### "+src.Label+" (`"+src.Name+"`)")
		if !ok {
			t.Errorf("docs/agency-feeds.md has no section \"### %s (`%s`)\"", src.Label, src.Name)
			continue
		}
		if end := strings.Index(section, "\n#"); end >= 0 {
			section = section[:end]
		}
		for _, f := range src.Fields {
			name := "`" + f.Name + "`"
			if f.Type == feed.TypeID {
				name = "`" + feed.ColIDNumber + "` / `" + feed.ColIDHash + "`"
			}
			if !strings.Contains(section, "| "+name+" | "+f.Label) {
				t.Errorf("docs/agency-feeds.md, source %s: no row for column %s (%s)", src.Name, name, f.Label)
			}
		}
	}
}
