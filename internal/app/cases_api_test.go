package app

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"mime/multipart"
	"net/http"
	"os"
	"strings"
	"testing"

	"github.com/minzheng/minzheng/internal/db/dbtest"
)

// TestCasesAPI carries cases through the API as the demo's officers: a 支出型 临时救助 from
// window intake to its decision and entitlement, the conflicts and refusals the workflow owes,
// documents and services, a public objection to a 低保 case in notice, and an appeal whose
// overturn leaves the original decision exactly as it was issued.
func TestCasesAPI(t *testing.T) {
	t.Run("sqlite", func(t *testing.T) { testCasesAPI(t, "") })
	if os.Getenv(dbtest.PostgresEnv) != "" {
		t.Run("postgres", func(t *testing.T) { testCasesAPI(t, dbtest.PostgresDSN(t)) })
	}
}

func testCasesAPI(t *testing.T, dsn string) {
	c := newCaseAPI(t, dsn)
	c.run("temporary assistance from intake to entitlement", c.temporaryCase)
	c.run("public objection in notice", c.noticeObjection)
	c.run("appeal overturn keeps the original decision", c.appealOverturn)
	c.run("bad requests", c.badRequests)
}

func (c *caseAPI) temporaryCase() {
	hid, number := c.household("临时甲", false)
	cs := c.intake("temporary", "expense", hid, "临时甲", number, 200000)
	if cs.Status != "open" || cs.CurrentStep != "visit" || !cs.CanAct || cs.HouseholdID != hid {
		c.t.Fatalf("after intake: %+v", cs)
	}
	path := fmt.Sprintf("/cases/%d", cs.ID)
	seen := cs.Version

	visited := c.act(c.zhonghan, cs.ID, c.visit(cs))
	if visited.CurrentStep != "approve" || visited.Current == nil || visited.Current.Level != "street" {
		c.t.Fatalf("after the visit: %+v", visited)
	}
	approve := fmt.Sprintf(`{"step":"approve","version":%d,"outcome":"approve","note":"经审核符合条件"}`, visited.Version)
	refusals := []struct {
		name         string
		who          *http.Client
		method, path string
		body         string
		status       int
		code         string
	}{
		{"stale version", c.zhonghan, "POST", path + "/actions", fmt.Sprintf(`{"step":"approve","version":%d,"outcome":"approve"}`, seen), 409, "case.stale"},
		{"skipped step", c.zhonghan, "POST", path + "/actions", fmt.Sprintf(`{"step":"notice","version":%d}`, visited.Version), 409, "case.not_current_step"},
		{"grid worker approving", c.grid, "POST", path + "/actions", approve, 403, "case.step_forbidden.street"},
		{"out of scope read", c.badaguan, "GET", path, "", 404, "case.notfound"},
		{"out of scope act", c.badaguan, "POST", path + "/actions", approve, 404, "case.notfound"},
	}
	for _, r := range refusals {
		c.run(r.name, func() { c.refused(r.who, r.method, r.path, r.body, r.status, r.code) })
	}

	decided := c.act(c.zhonghan, cs.ID, approve)
	if decided.Status != "decided" || len(decided.Decisions) != 1 || decided.Decisions[0].Kind != "approve" || !decided.Decisions[0].OneOff {
		c.t.Fatalf("after approval: %+v", decided)
	}
	var d apiDecision
	c.must(c.grid, "GET", fmt.Sprintf("/decisions/%d", decided.Decisions[0].ID), "", 200, &d)
	if d.DocNo == "" || d.AmountFen <= 0 || d.GrantedEntitlementID == 0 {
		c.t.Fatalf("decision: %+v", d)
	}
	var ent struct {
		ID        int64
		Status    string
		OneOffFen int64 `json:"one_off_fen"`
		Version   int
		History   []struct{ Field, New string }
	}
	c.must(c.zhonghan, "GET", fmt.Sprintf("/entitlements/%d", d.GrantedEntitlementID), "", 200, &ent)
	if ent.Status != "active" || ent.OneOffFen != d.AmountFen || len(ent.History) == 0 || ent.History[0].Field != "created" {
		c.t.Fatalf("entitlement: %+v", ent)
	}
	c.refused(c.zhonghan, "POST", fmt.Sprintf("/entitlements/%d/suspension", ent.ID), fmt.Sprintf(`{"version":%d,"reason":"测试"}`, ent.Version),
		403, "case.step_forbidden.district")
	c.refused(c.badaguan, "GET", fmt.Sprintf("/entitlements/%d", ent.ID), "", 404, "case.entitlement_notfound")

	c.documents(cs.ID)
	c.services(hid)

	var chain struct{ Events []struct{ Kind string } }
	c.must(c.grid, "GET", fmt.Sprintf("/households/%d/chain", hid), "", 200, &chain)
	kinds := map[string]bool{}
	for _, e := range chain.Events {
		kinds[e.Kind] = true
	}
	for _, k := range []string{"application", "step", "decision", "entitlement", "service"} {
		if !kinds[k] {
			c.t.Errorf("chain lacks a %s: %+v", k, chain.Events)
		}
	}
	var queue struct {
		Tasks []struct{ ApplicationID int64 } `json:"tasks"`
		Total int
	}
	c.must(c.zhonghan, "GET", "/cases?queue=mine", "", 200, &queue)
	for _, task := range queue.Tasks {
		if task.ApplicationID == cs.ID {
			c.t.Errorf("the decided case is still in 我的待办")
		}
	}
	var list struct {
		Cases []apiCase
		Total int
	}
	c.must(c.laoshan, "GET", "/cases?program=temporary&status=decided", "", 200, &list)
	if list.Total == 0 {
		c.t.Errorf("the district's decided 临时救助 cases do not include the new one")
	}
}

// documents uploads an image and a text file to case id and reads the image back.
func (c *caseAPI) documents(id int64) {
	c.t.Helper()
	png := append([]byte("\x89PNG\r\n\x1a\n"), bytes.Repeat([]byte{0}, 64)...)
	upload := func(name string, content []byte) (int, []byte) {
		var buf bytes.Buffer
		mw := multipart.NewWriter(&buf)
		_ = mw.WriteField("kind", "medical_bill")
		fw, _ := mw.CreateFormFile("file", name)
		_, _ = fw.Write(content)
		_ = mw.Close()
		req, _ := http.NewRequest("POST", fmt.Sprintf("%s/api/v1/cases/%d/documents", c.m.URL(), id), &buf)
		req.Header.Set("Content-Type", mw.FormDataContentType())
		return c.send(c.zhonghan, req)
	}
	code, b := upload("票据.png", png)
	var doc struct {
		ID          int64
		ContentType string `json:"content_type"`
		Size        int64
	}
	if err := json.Unmarshal(b, &doc); code != http.StatusCreated || err != nil || doc.ContentType != "image/png" || doc.Size != int64(len(png)) {
		c.t.Fatalf("upload: %d %s", code, b)
	}
	if code, b := upload("票据.png", []byte("这不是图片，只是文字")); code != 400 || !strings.Contains(string(b), `"case.document_type"`) {
		c.t.Errorf("a text file named .png: %d %s", code, b)
	}
	resp, err := c.grid.Get(fmt.Sprintf("%s/api/v1/cases/%d/documents/%d", c.m.URL(), id, doc.ID))
	if err != nil {
		c.t.Fatal(err)
	}
	got, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != 200 || resp.Header.Get("Content-Type") != "image/png" || !bytes.Equal(got, png) ||
		!strings.HasPrefix(resp.Header.Get("Content-Disposition"), "attachment") {
		c.t.Errorf("download: %d %v", resp.StatusCode, resp.Header)
	}
	c.refused(c.badaguan, "GET", fmt.Sprintf("/cases/%d/documents/%d", id, doc.ID), "", 404, "case.notfound")
}

// services records a service delivered to household hid and lists it.
func (c *caseAPI) services(hid int64) {
	c.t.Helper()
	path := fmt.Sprintf("/households/%d/services", hid)
	c.refused(c.zhonghan, "POST", path, fmt.Sprintf(`{"kind":"care","provider":"","served_on":%q}`, c.today), 400, "case.provider_required")
	c.refused(c.laoshan, "POST", path, fmt.Sprintf(`{"kind":"care","provider":"社区志愿者","served_on":%q}`, c.today), 403,
		"case.step_forbidden.street")
	c.must(c.grid, "POST", path, fmt.Sprintf(`{"kind":"care","provider":"社区志愿者","served_on":%q,"note":"上门照料"}`, c.today), 201, nil)
	var list struct {
		Services []struct{ Kind, Provider string }
	}
	c.must(c.zhonghan, "GET", path, "", 200, &list)
	if len(list.Services) != 1 || list.Services[0].Provider != "社区志愿者" {
		c.t.Errorf("services: %+v", list.Services)
	}
	c.refused(c.badaguan, "GET", path, "", 404, "registry.notfound")
}

func (c *caseAPI) noticeObjection() {
	hid, number := c.household("公示乙", false)
	cs := c.intake("dibao", "", hid, "公示乙", number, 0)
	inNotice := c.act(c.zhonghan, cs.ID, c.visit(cs))
	if inNotice.CurrentStep != "notice" {
		c.t.Fatalf("after the visit: %+v", inNotice)
	}
	code, b := c.call(c.anonymous, "GET", "/notice?region=370212", "")
	var notice struct {
		Cases []struct {
			ApplicationID int64  `json:"application_id"`
			NameMasked    string `json:"name_masked"`
			IDMasked      string `json:"id_masked"`
		}
	}
	if err := json.Unmarshal(b, &notice); code != 200 || err != nil {
		c.t.Fatalf("notice: %d %s", code, b)
	}
	found := false
	for _, row := range notice.Cases {
		if row.ApplicationID == cs.ID {
			found = true
			if row.NameMasked != "公*乙" || row.IDMasked == "" || strings.Contains(row.IDMasked, number[6:14]) {
				c.t.Errorf("notice row not masked: %+v", row)
			}
		}
	}
	if !found || strings.Contains(string(b), "公示乙") || strings.Contains(string(b), number) {
		c.t.Errorf("notice: case %d listed %v, or a name or ID in clear: %s", cs.ID, found, b)
	}
	c.refused(c.anonymous, "GET", "/notice?region=abc", "", 400, "api.region.invalid")

	var filed struct{ ID int64 }
	c.must(c.anonymous, "POST", fmt.Sprintf("/notice/%d/objections", cs.ID), `{"filer":"邻居","content":"该户有一辆私家车"}`, 201, &filed)
	c.refused(c.anonymous, "POST", fmt.Sprintf("/notice/%d/objections", cs.ID), `{"content":""}`, 400, "case.objection_required")
	c.refused(c.anonymous, "POST", "/notice/99999999/objections", `{"content":"x"}`, 404, "case.notice_notfound")

	var got apiCase
	c.must(c.zhonghan, "GET", fmt.Sprintf("/cases/%d", cs.ID), "", 200, &got)
	if len(got.Objections) != 1 || got.Objections[0].ID != filed.ID || got.Objections[0].Status != "open" {
		c.t.Fatalf("objections: %+v", got.Objections)
	}
	resolved := got
	c.must(c.zhonghan, "POST", fmt.Sprintf("/cases/%d/objections/%d/resolution", cs.ID, filed.ID),
		fmt.Sprintf(`{"version":%d,"upheld":false,"resolution":"经核实车辆已于去年出售"}`, got.Version), 200, &resolved)
	if resolved.Objections[0].Status != "dismissed" || resolved.CurrentStep != "notice" {
		c.t.Errorf("after dismissing: %+v", resolved)
	}
	// Ending the notice before its seven days is a conflict, not a skipped step.
	c.refused(c.zhonghan, "POST", fmt.Sprintf("/cases/%d/actions", cs.ID), fmt.Sprintf(`{"step":"notice","version":%d}`, resolved.Version),
		409, "case.notice_running")
}

func (c *caseAPI) appealOverturn() {
	// 困难残疾人生活补贴: decided by the district, no notice, the same amount on a second look.
	hid, number := c.household("复核丙", true)
	cs := c.intake("disability_living", "", hid, "复核丙", number, 0)
	cs = c.act(c.zhonghan, cs.ID, c.visit(cs))
	if cs.Current == nil || cs.Current.Level != "district" {
		c.t.Fatalf("after the visit: %+v", cs)
	}
	rejected := c.act(c.laoshan, cs.ID, fmt.Sprintf(`{"step":"approve","version":%d,"outcome":"reject","note":"残疾证未年审"}`, cs.Version))
	if rejected.Status != "decided" || len(rejected.Decisions) != 1 || rejected.Decisions[0].Kind != "reject" {
		c.t.Fatalf("after the refusal: %+v", rejected)
	}
	orig := rejected.Decisions[0].ID
	origPath := fmt.Sprintf("/decisions/%d", orig)
	_, before := c.call(c.zhonghan, "GET", origPath, "")

	c.refused(c.laoshan, "POST", origPath+"/appeals", `{"reason":"申请人不服"}`, 403, "case.step_forbidden.street")
	c.refused(c.zhonghan, "POST", origPath+"/appeals", `{"reason":" "}`, 400, "case.reason_required")
	var appeal apiCase
	c.must(c.zhonghan, "POST", origPath+"/appeals", `{"reason":"申请人已补办残疾证年审，申请复核"}`, 201, &appeal)
	if appeal.Kind != "appeal" || appeal.AppealOf != orig || appeal.Current == nil || appeal.Current.Level != "district" || appeal.CanAct {
		c.t.Fatalf("appeal case: %+v", appeal)
	}
	c.refused(c.zhonghan, "POST", origPath+"/appeals", `{"reason":"再次申请"}`, 409, "case.appeal_open")
	decided := c.act(c.laoshan, appeal.ID, fmt.Sprintf(`{"step":"approve","version":%d,"outcome":"overturn","note":"复核后符合条件"}`, appeal.Version))
	if decided.Status != "decided" || len(decided.Decisions) != 1 {
		c.t.Fatalf("after the overturn: %+v", decided)
	}
	var correction apiDecision
	c.must(c.laoshan, "GET", fmt.Sprintf("/decisions/%d", decided.Decisions[0].ID), "", 200, &correction)
	if correction.Kind != "overturn" || correction.Corrects != orig || correction.GrantedEntitlementID == 0 {
		c.t.Errorf("correction: %+v", correction)
	}
	if _, after := c.call(c.zhonghan, "GET", origPath, ""); !bytes.Equal(before, after) {
		c.t.Errorf("the original decision changed:\nbefore %s\nafter  %s", before, after)
	}
}

func (c *caseAPI) badRequests() {
	tests := []struct {
		name, method, path, body string
		status                   int
		code                     string
	}{
		{"unknown queue", "GET", "/cases?queue=everything", "", 400, "api.queue_invalid"},
		{"days out of range", "GET", "/reviews/due?days=9999", "", 400, "api.days_invalid"},
		{"unknown field", "POST", "/cases", `{"programme":"dibao"}`, 400, "api.json_unknown"},
		{"no such case", "GET", "/cases/99999999", "", 404, "case.notfound"},
		{"no such decision", "GET", "/decisions/99999999", "", 404, "case.decision_notfound"},
		{"intake of an unknown program", "POST", "/cases", `{"program":"nope"}`, 400, "case.bad_program"},
	}
	for _, tt := range tests {
		c.run(tt.name, func() { c.refused(c.zhonghan, tt.method, tt.path, tt.body, tt.status, tt.code) })
	}
	for _, path := range []string{"/reviews/due?days=60", "/reminders", "/cases?queue=overdue"} {
		c.must(c.laoshan, "GET", path, "", 200, nil)
	}
}
