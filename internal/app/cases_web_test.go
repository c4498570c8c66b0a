package app

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"mime/multipart"
	"net/http"
	"net/url"
	"os"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/minzheng/minzheng/internal/assistance"
	"github.com/minzheng/minzheng/internal/auth"
	"github.com/minzheng/minzheng/internal/civil"
	"github.com/minzheng/minzheng/internal/db/dbtest"
	"github.com/minzheng/minzheng/internal/idcard"
	"github.com/minzheng/minzheng/internal/region"
	"github.com/minzheng/minzheng/internal/registry"
)

// TestCasePages drives the staff case pages as the officers of the demo city would: window
// intake at 中韩街道, a home visit on the grid worker's phone while the street officer's form goes
// stale, an objection during the notice, a 临时救助 case that only the district may take through
// 一事一议 and approval, document uploads at their limits, the work queues and the case list.
func TestCasePages(t *testing.T) {
	t.Run("sqlite", func(t *testing.T) { testCasePages(t, startDemo(t, "")) })
	if os.Getenv(dbtest.PostgresEnv) != "" {
		t.Run("postgres", func(t *testing.T) { testCasePages(t, startDemo(t, dbtest.PostgresDSN(t))) })
	}
}

func testCasePages(t *testing.T, m *Main) {
	ctx := context.Background()
	zhonghan, grid, laoshan := cwClient(t, m, "zhonghan"), cwClient(t, m, "grid"), cwClient(t, m, "laoshan")
	badaguan := cwClient(t, m, "badaguan")
	var community string
	if err := m.DB.QueryRow(ctx, `SELECT MIN(code) FROM regions WHERE parent_code = '370212001'`).Scan(&community); err != nil {
		t.Fatal(err)
	}
	number := string(idcard.Synthesize("370199", civil.Date{Year: 1957, Month: 7, Day: 7}, 17))
	hid, err := m.svc.registry.Create(ctx, auth.System(), registry.HouseholdInput{RegionCode: community, Address: "测试路 9 号",
		Hukou: registry.Urban, HukouRegion: "370212", Members: []registry.PersonInput{{Name: "窗口甲", IDNumber: number, Relation: registry.Head}}})
	if err != nil {
		t.Fatal(err)
	}
	intake := url.Values{"program": {"dibao"}, "region_code": {"370212001"}, "household_id": {strconv.FormatInt(hid, 10)},
		"applicant_name": {"窗口甲"}, "id_number": {number}, "phone": {"13800001234"}, "hukou": {"urban"},
		"address": {"测试路 9 号"}, "reason": {"家中无收入，生活困难"}}
	u := m.URL()
	var dibao, temporary int64

	t.Run("intake form prefilled from the household", func(t *testing.T) {
		code, body, _ := cwDo(t, zhonghan, "GET", fmt.Sprintf("%s/cases/new?household=%d", u, hid), nil)
		if code != 200 || !strings.Contains(body, `value="窗口甲"`) || !strings.Contains(body, `value="370212001" selected`) {
			t.Fatalf("status %d; applicant or street not prefilled:\n%.600s", code, body)
		}
	})
	t.Run("intake refuses a bad ID and keeps what was typed", func(t *testing.T) {
		bad := cwClone(intake)
		bad.Set("id_number", "370212199901011234")
		code, body, _ := cwDo(t, zhonghan, "POST", u+"/cases/new", bad)
		if code != http.StatusUnprocessableEntity || !strings.Contains(body, "身份证号码不正确") ||
			!strings.Contains(body, "家中无收入，生活困难") || !strings.Contains(body, `value="13800001234"`) {
			t.Fatalf("status %d:\n%.800s", code, body)
		}
	})
	t.Run("only a street officer takes applications at the window", func(t *testing.T) {
		code, body, _ := cwDo(t, grid, "POST", u+"/cases/new", intake)
		if code != http.StatusForbidden || strings.Contains(body, `value="窗口甲"`) {
			t.Fatalf("status %d:\n%.800s", code, body)
		}
	})
	t.Run("intake at the window accepts at once", func(t *testing.T) {
		dibao = cwSubmit(t, zhonghan, u, intake)
		code, body, _ := cwDo(t, zhonghan, "GET", fmt.Sprintf("%s/cases/%d", u, dibao), nil)
		for _, want := range []string{"办理中", "家庭经济状况核对", "已核对", "近 12 个月没有预警", `name="investigator1"`, fmt.Sprintf(`href="/households/%d"`, hid), "138****1234"} {
			if !strings.Contains(body, want) {
				t.Errorf("case page lacks %q", want)
			}
		}
		if code != 200 || strings.Contains(body, number) {
			t.Fatalf("status %d, or the full ID number is shown", code)
		}
	})
	t.Run("a case outside the scope is not found", func(t *testing.T) {
		if code, _, _ := cwDo(t, badaguan, "GET", fmt.Sprintf("%s/cases/%d", u, dibao), nil); code != http.StatusNotFound {
			t.Fatalf("status %d, want 404", code)
		}
	})

	visit := func(version string) url.Values {
		return url.Values{"step": {"visit"}, "version": {version}, "investigator1": {"王调查"}, "investigator2": {"李调查"},
			"visited_on": {civil.Today(m.Now()).String()}, "living": {"两室一厅"}, "findings": {"家庭情况与申报一致"}}
	}
	t.Run("a visit with one investigator is refused and keeps the findings", func(t *testing.T) {
		v := visit(cwVersion(t, grid, u, dibao))
		v.Set("investigator2", "")
		code, body, _ := cwDo(t, grid, "POST", fmt.Sprintf("%s/cases/%d/act", u, dibao), v)
		if code != http.StatusUnprocessableEntity || !strings.Contains(body, "入户调查须有两名不同的调查人员") || !strings.Contains(body, "家庭情况与申报一致") {
			t.Fatalf("status %d:\n%.800s", code, body)
		}
	})
	t.Run("two officers on the same version: the second gets a conflict", func(t *testing.T) {
		version := cwVersion(t, zhonghan, u, dibao)
		if code, body, _ := cwDo(t, grid, "POST", fmt.Sprintf("%s/cases/%d/act", u, dibao), visit(version)); code != http.StatusSeeOther {
			t.Fatalf("grid worker's visit: status %d:\n%.600s", code, body)
		}
		code, body, _ := cwDo(t, zhonghan, "POST", fmt.Sprintf("%s/cases/%d/act", u, dibao), visit(version))
		if code != http.StatusConflict || !strings.Contains(body, "该案件已被他人办理，请刷新后重试") || !strings.Contains(body, "当前步骤：公示") {
			t.Fatalf("status %d:\n%.800s", code, body)
		}
	})
	t.Run("an objection during the notice is resolved on the case page", func(t *testing.T) {
		oid, err := m.svc.cases.FileObjection(ctx, dibao, "邻居", "", "听说家里有车", "")
		if err != nil {
			t.Fatal(err)
		}
		_, body, _ := cwDo(t, zhonghan, "GET", fmt.Sprintf("%s/cases/%d", u, dibao), nil)
		if !strings.Contains(body, "听说家里有车") || !regexp.MustCompile(`type="submit" disabled>结束公示`).MatchString(body) {
			t.Fatalf("objection or disabled notice button missing:\n%.2000s", body)
		}
		res := url.Values{"version": {cwVersion(t, zhonghan, u, dibao)}, "upheld": {"0"}}
		path := fmt.Sprintf("%s/cases/%d/objections/%d", u, dibao, oid)
		if code, body, _ := cwDo(t, zhonghan, "POST", path, res); code != http.StatusUnprocessableEntity || !strings.Contains(body, "请填写理由") {
			t.Fatalf("no resolution: status %d", code)
		}
		res.Set("resolution", "经核实车辆已于去年报废")
		if code, body, _ := cwDo(t, zhonghan, "POST", path, res); code != http.StatusSeeOther {
			t.Fatalf("status %d:\n%.600s", code, body)
		}
		if _, body, _ := cwDo(t, zhonghan, "GET", fmt.Sprintf("%s/cases/%d", u, dibao), nil); !strings.Contains(body, "经核实车辆已于去年报废") {
			t.Fatal("resolution not shown")
		}
	})

	t.Run("一事一议 is the district's: the street officer is refused", func(t *testing.T) {
		tmp := cwClone(intake)
		tmp.Set("program", "temporary")
		tmp.Set("subtype", "expense")
		tmp.Set("expense", "50000")
		temporary = cwSubmit(t, zhonghan, u, tmp)
		v := visit(cwVersion(t, zhonghan, u, temporary))
		if code, body, _ := cwDo(t, zhonghan, "POST", fmt.Sprintf("%s/cases/%d/act", u, temporary), v); code != http.StatusSeeOther {
			t.Fatalf("visit: status %d:\n%.600s", code, body)
		}
		council := url.Values{"step": {"council"}, "version": {cwVersion(t, zhonghan, u, temporary)}, "held_on": {civil.Today(m.Now()).String()},
			"attendees": {"区民政局局长、社会救助科"}, "record": {"集体研究，同意救助 8000 元"}, "amount": {"8,000"}}
		code, body, _ := cwDo(t, zhonghan, "POST", fmt.Sprintf("%s/cases/%d/act", u, temporary), council)
		if code != http.StatusForbidden || !strings.Contains(body, "该步骤须由区（市）审核员在辖区内办理") {
			t.Fatalf("street officer on 一事一议: status %d:\n%.800s", code, body)
		}
		if code, body, _ := cwDo(t, laoshan, "POST", fmt.Sprintf("%s/cases/%d/act", u, temporary), council); code != http.StatusSeeOther {
			t.Fatalf("district approver on 一事一议: status %d:\n%.800s", code, body)
		}
	})
	t.Run("approval asks for confirmation, then issues the decision", func(t *testing.T) {
		approve := url.Values{"step": {"approve"}, "version": {cwVersion(t, laoshan, u, temporary)}, "outcome": {"approve"}, "note": {"同意"}}
		path := fmt.Sprintf("%s/cases/%d/act", u, temporary)
		if code, body, _ := cwDo(t, laoshan, "POST", path, approve); code != http.StatusUnprocessableEntity || !strings.Contains(body, "请先勾选确认框") {
			t.Fatalf("unconfirmed approval: status %d", code)
		}
		approve.Set("confirm", "1")
		if code, body, _ := cwDo(t, laoshan, "POST", path, approve); code != http.StatusSeeOther {
			t.Fatalf("status %d:\n%.800s", code, body)
		}
		_, body, _ := cwDo(t, laoshan, "GET", fmt.Sprintf("%s/cases/%d", u, temporary), nil)
		if !strings.Contains(body, "已决定") || !strings.Contains(body, `href="/decisions/`) || !strings.Contains(body, "¥8,000.00") {
			t.Fatalf("decided case page:\n%.3000s", body)
		}
	})

	t.Run("documents", func(t *testing.T) {
		png := append([]byte("\x89PNG\r\n\x1a\n"), make([]byte, 100)...)
		big := append([]byte("\x89PNG\r\n\x1a\n"), make([]byte, assistance.MaxDocumentBytes)...)
		huge := append([]byte("\x89PNG\r\n\x1a\n"), make([]byte, assistance.MaxDocumentBytes+200<<10)...)
		tests := []struct {
			name, kind, file string
			content          []byte
			code             int
			want             string
		}{
			{"a text file named .png", "id_card", "id.png", []byte("hello, this is not a picture"), 422, "只能上传 JPG、PNG 图片或 PDF 文件"},
			{"one byte over the limit", "medical_bill", "bill.png", big, 422, "文件不能超过 5 MB"},
			{"far over the limit", "medical_bill", "bill.png", huge, 422, "文件不能超过 5 MB"},
			{"an unknown kind", "passport", "id.png", png, 422, "材料类型不正确"},
			{"no file", "id_card", "", nil, 422, "请选择要上传的文件"},
			{"a picture of the ID card", "id_card", "身份证.png", png, 303, ""},
		}
		for _, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				code, body := cwUpload(t, zhonghan, fmt.Sprintf("%s/cases/%d/documents", u, dibao), tt.kind, tt.file, tt.content)
				if code != tt.code || !strings.Contains(body, tt.want) {
					t.Fatalf("status %d, want %d with %q:\n%.600s", code, tt.code, tt.want, body)
				}
			})
		}
		_, body, _ := cwDo(t, zhonghan, "GET", fmt.Sprintf("%s/cases/%d", u, dibao), nil)
		link := regexp.MustCompile(fmt.Sprintf(`/cases/%d/documents/\d+`, dibao)).FindString(body)
		if link == "" {
			t.Fatal("no document link on the case page")
		}
		code, got, h := cwDo(t, zhonghan, "GET", u+link, nil)
		if code != 200 || got != string(png) || h.Get("Content-Type") != "image/png" || h.Get("X-Content-Type-Options") != "nosniff" ||
			!strings.HasPrefix(h.Get("Content-Disposition"), "attachment") {
			t.Fatalf("download: status %d, headers %v", code, h)
		}
		if code, _, _ := cwDo(t, badaguan, "GET", u+link, nil); code != http.StatusNotFound {
			t.Fatalf("another street's officer: status %d, want 404", code)
		}
	})

	t.Run("extension and withdrawal", func(t *testing.T) {
		path := fmt.Sprintf("%s/cases/%d", u, dibao)
		if code, body, _ := cwDo(t, zhonghan, "POST", path+"/extend", url.Values{"version": {cwVersion(t, zhonghan, u, dibao)}, "reason": {"需补充调查"}}); code != http.StatusSeeOther {
			t.Fatalf("extend: status %d:\n%.600s", code, body)
		}
		w := url.Values{"version": {cwVersion(t, zhonghan, u, dibao)}, "reason": {"申请人主动撤回"}}
		if code, body, _ := cwDo(t, zhonghan, "POST", path+"/withdraw", w); code != http.StatusUnprocessableEntity || !strings.Contains(body, "申请人主动撤回") {
			t.Fatalf("unconfirmed withdrawal: status %d", code)
		}
		w.Set("confirm", "1")
		if code, body, _ := cwDo(t, zhonghan, "POST", path+"/withdraw", w); code != http.StatusSeeOther {
			t.Fatalf("withdraw: status %d:\n%.600s", code, body)
		}
		_, body, _ := cwDo(t, zhonghan, "GET", path, nil)
		if !strings.Contains(body, "已撤回") || !strings.Contains(body, "需补充调查") {
			t.Fatalf("withdrawn case page:\n%.2000s", body)
		}
	})

	t.Run("work queues count what the store counts", func(t *testing.T) {
		tests := []struct {
			login  string
			client *http.Client
			p      *auth.Principal
		}{
			{"zhonghan", zhonghan, &auth.Principal{Login: "zhonghan", Role: auth.StreetOfficer, Scope: region.Scope("370212001")}},
			{"laoshan", laoshan, &auth.Principal{Login: "laoshan", Role: auth.DistrictApprover, Scope: region.Scope("370212")}},
		}
		for _, tt := range tests {
			t.Run(tt.login, func(t *testing.T) {
				counts, err := m.svc.cases.QueueCounts(ctx, tt.p)
				if err != nil {
					t.Fatal(err)
				}
				code, body, _ := cwDo(t, tt.client, "GET", u+"/cases", nil)
				if code != 200 {
					t.Fatalf("status %d", code)
				}
				for q, label := range map[string]string{"mine": "我的待办", "due_soon": "即将超期", "overdue": "已超期", "approval": "待审批"} {
					got := regexp.MustCompile(label + ` <span class="badge[^"]*">([\d,]+)</span>`).FindStringSubmatch(body)
					if got == nil || strings.ReplaceAll(got[1], ",", "") != strconv.Itoa(counts[q]) {
						t.Errorf("%s tab shows %v, the store counts %d", label, got, counts[q])
					}
				}
				if tt.p.Role == auth.DistrictApprover && counts["overdue"] > 0 && !strings.Contains(body, "辖区超期案件") {
					t.Error("the district approver does not see the overdue cases of the district")
				}
			})
		}
	})
	t.Run("case list filters within the scope", func(t *testing.T) {
		_, body, _ := cwDo(t, zhonghan, "GET", u+"/cases/search?program=temporary&status=decided", nil)
		if !strings.Contains(body, fmt.Sprintf(`href="/cases/%d"`, temporary)) || strings.Contains(body, fmt.Sprintf(`href="/cases/%d"`, dibao)) {
			t.Fatalf("filtered list:\n%.2000s", body)
		}
		if code, body, _ := cwDo(t, zhonghan, "GET", u+"/cases/search?region=abc", nil); code != http.StatusUnprocessableEntity || !strings.Contains(body, "区划代码应为") {
			t.Fatalf("bad region: status %d", code)
		}
	})
}

// cwClient signs a demo user in and returns a client that does not follow redirects, so a
// test sees the 303 of each action.
func cwClient(t *testing.T, m *Main, login string) *http.Client {
	t.Helper()
	for _, l := range m.DemoLogins {
		if l.Login == login {
			return sessionClient(t, m, login, l.Password)
		}
	}
	t.Fatalf("no demo user %s", login)
	return nil
}

// cwDo sends a GET, or a POST of form values, and returns the status, the body and the headers.
func cwDo(t *testing.T, c *http.Client, method, target string, form url.Values) (int, string, http.Header) {
	t.Helper()
	var body io.Reader
	if form != nil {
		body = strings.NewReader(form.Encode())
	}
	req, err := http.NewRequest(method, target, body)
	if err != nil {
		t.Fatal(err)
	}
	if form != nil {
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	}
	resp, err := c.Do(req)
	if err != nil {
		t.Fatalf("%s %s: %v", method, target, err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b), resp.Header
}

// cwSubmit posts an intake form and returns the new case's number from the redirect.
func cwSubmit(t *testing.T, c *http.Client, base string, form url.Values) int64 {
	t.Helper()
	code, body, h := cwDo(t, c, "POST", base+"/cases/new", form)
	id, err := strconv.ParseInt(strings.TrimPrefix(h.Get("Location"), "/cases/"), 10, 64)
	if code != http.StatusSeeOther || err != nil {
		t.Fatalf("intake: status %d, location %q:\n%.800s", code, h.Get("Location"), body)
	}
	return id
}

// cwVersion reads the case version the case page's forms carry.
func cwVersion(t *testing.T, c *http.Client, base string, id int64) string {
	t.Helper()
	_, body, _ := cwDo(t, c, "GET", fmt.Sprintf("%s/cases/%d", base, id), nil)
	m := regexp.MustCompile(`name="version" value="(\d+)"`).FindStringSubmatch(body)
	if m == nil {
		t.Fatalf("case %d page carries no version", id)
	}
	return m[1]
}

// cwUpload posts a document form; an empty file name sends the form without a file.
func cwUpload(t *testing.T, c *http.Client, target, kind, name string, content []byte) (int, string) {
	t.Helper()
	var buf bytes.Buffer
	mw := multipart.NewWriter(&buf)
	if err := mw.WriteField("kind", kind); err != nil {
		t.Fatal(err)
	}
	if name != "" {
		fw, err := mw.CreateFormFile("file", name)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := fw.Write(content); err != nil {
			t.Fatal(err)
		}
	}
	if err := mw.Close(); err != nil {
		t.Fatal(err)
	}
	req, err := http.NewRequest("POST", target, &buf)
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", mw.FormDataContentType())
	resp, err := c.Do(req)
	if err != nil {
		t.Fatalf("upload %s: %v", name, err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b)
}

// cwClone copies form values, so a subtest may change its copy.
func cwClone(v url.Values) url.Values {
	out := url.Values{}
	for k, vs := range v {
		out[k] = append([]string(nil), vs...)
	}
	return out
}
