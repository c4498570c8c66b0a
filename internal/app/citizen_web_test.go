package app

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"mime/multipart"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"os"
	"regexp"
	"strings"
	"sync"
	"testing"

	"github.com/minzheng/minzheng/internal/assistance"
	"github.com/minzheng/minzheng/internal/auth"
	"github.com/minzheng/minzheng/internal/citizen"
	"github.com/minzheng/minzheng/internal/civil"
	"github.com/minzheng/minzheng/internal/db/dbtest"
	"github.com/minzheng/minzheng/internal/idcard"
	"github.com/minzheng/minzheng/internal/money"
	"github.com/minzheng/minzheng/internal/registry"
	"github.com/minzheng/minzheng/internal/web"
)

// codeBook is a citizen.Sender that keeps the newest code sent to each number, so a test can type
// it as a citizen types the code from the SMS.
type codeBook struct {
	mu    sync.Mutex
	codes map[string]string
}

func (b *codeBook) Send(_ context.Context, phone, code string) error {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.codes[phone] = code
	return nil
}

func (b *codeBook) code(phone string) string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.codes[phone]
}

// portal is the HTML site of a small demo city served by httptest, with the citizens' codes
// going to a codeBook instead of the log.
type portal struct {
	m     *Main
	url   string
	codes *codeBook
}

// startPortal runs a small demo city on dsn ("" for SQLite) and serves its site with a recording
// sender. The site is built here rather than taken from Main so that the sender is in place
// before the first request, with no data race.
func startPortal(t *testing.T, dsn string) *portal {
	t.Helper()
	m := NewMain()
	m.Demo, m.DemoHouseholds = true, 20
	m.Stdout, m.Stderr = io.Discard, io.Discard
	m.Getenv = func(string) string { return "" }
	m.Config.Addr, m.Config.DataDir, m.Config.DB = "127.0.0.1:0", t.TempDir(), dsn
	if err := m.Run(context.Background()); err != nil {
		t.Fatalf("run: %v", err)
	}
	t.Cleanup(func() { m.Close() })
	codes := &codeBook{codes: map[string]string{}}
	cs := &citizen.Service{DB: m.DB, Keys: m.svc.keys, Audit: m.svc.audit, Sender: codes, Now: m.Now}
	site, err := web.New(web.Deps{DB: m.DB, Auth: m.svc.auth, Audit: m.svc.audit, Registry: m.svc.registry, Params: m.svc.params,
		Cases: m.svc.cases, Citizens: cs, Log: discardLogger(), Now: m.Now})
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(site)
	t.Cleanup(srv.Close)
	return &portal{m: m, url: srv.URL, codes: codes}
}

// reply is an answer of the portal, redirects not followed.
type reply struct {
	status int
	body   string
	header http.Header
}

func (p *portal) do(t *testing.T, c *http.Client, method, path, contentType string, body io.Reader) reply {
	t.Helper()
	req, err := http.NewRequest(method, p.url+path, body)
	if err != nil {
		t.Fatal(err)
	}
	if contentType != "" {
		req.Header.Set("Content-Type", contentType)
	}
	resp, err := c.Do(req)
	if err != nil {
		t.Fatalf("%s %s: %v", method, path, err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return reply{resp.StatusCode, string(b), resp.Header}
}

func (p *portal) get(t *testing.T, c *http.Client, path string) reply {
	t.Helper()
	return p.do(t, c, "GET", path, "", nil)
}

func (p *portal) post(t *testing.T, c *http.Client, path string, v url.Values) reply {
	t.Helper()
	return p.do(t, c, "POST", path, "application/x-www-form-urlencoded", strings.NewReader(v.Encode()))
}

// browser is a client with its own cookies that does not follow redirects.
func browser() *http.Client {
	jar, _ := cookiejar.New(nil)
	return noRedirect(jar)
}

// signInCitizen signs a citizen in with the code sent to phone and returns their client.
func (p *portal) signInCitizen(t *testing.T, phone string) *http.Client {
	t.Helper()
	c := browser()
	if r := p.post(t, c, "/apply/signin", url.Values{"phone": {phone}}); r.status != http.StatusOK || !strings.Contains(r.body, "验证码已发送") {
		t.Fatalf("request a code for %s: status %d\n%.500s", phone, r.status, r.body)
	}
	r := p.post(t, c, "/apply/signin/code", url.Values{"phone": {phone}, "code": {p.codes.code(phone)}})
	if r.status != http.StatusSeeOther || r.header.Get("Location") != "/apply/mine" {
		t.Fatalf("sign in %s: status %d to %q\n%.500s", phone, r.status, r.header.Get("Location"), r.body)
	}
	return c
}

// applicantHousehold registers a one-person household without income in the first community of
// 中韩街道, headed by a person with a fresh ID number, and returns that number.
func applicantHousehold(t *testing.T, m *Main, name string, seq int) string {
	t.Helper()
	ctx := context.Background()
	var community string
	if err := m.DB.QueryRow(ctx, `SELECT MIN(code) FROM regions WHERE parent_code = ?`, "370212001").Scan(&community); err != nil {
		t.Fatal(err)
	}
	id := string(idcard.Synthesize("370199", civil.Date{Year: 1961, Month: 7, Day: 3}, seq)) // a code the generator never uses
	if _, err := m.svc.registry.Create(ctx, auth.System(), registry.HouseholdInput{RegionCode: community, Address: "中韩街道测试路 9 号",
		Hukou: registry.Urban, HukouRegion: "370212", Members: []registry.PersonInput{{Name: name, IDNumber: id, Relation: registry.Head}}}); err != nil {
		t.Fatal(err)
	}
	return id
}

var caseURL = regexp.MustCompile(`^/apply/mine/(\d+)\?submitted=1$`)

func TestCitizenPortal(t *testing.T) {
	t.Run("sqlite", func(t *testing.T) { testCitizenPortal(t, "") })
	if os.Getenv(dbtest.PostgresEnv) != "" {
		t.Run("postgres", func(t *testing.T) { testCitizenPortal(t, dbtest.PostgresDSN(t)) })
	}
}

// testCitizenPortal follows two citizens through the portal: sign-in (a wrong code first), an
// application with a mistake and then without, the status page, uploads within and outside the
// limits, a decision notice, and the other citizen trying to reach the first one's case.
func testCitizenPortal(t *testing.T, dsn string) {
	p := startPortal(t, dsn)
	anon := browser()

	t.Run("pages behind sign-in redirect", func(t *testing.T) {
		for _, path := range []string{"/apply/new", "/apply/mine", "/apply/mine/1"} {
			r := p.get(t, anon, path)
			if want := "/apply/signin?next=" + url.QueryEscape(path); r.status != http.StatusSeeOther || r.header.Get("Location") != want {
				t.Errorf("%s: status %d to %q, want 303 to %s", path, r.status, r.header.Get("Location"), want)
			}
		}
		if r := p.get(t, anon, "/apply"); r.status != http.StatusOK || !strings.Contains(r.body, "最低生活保障") || !strings.Contains(r.body, `href="/apply/signin"`) {
			t.Errorf("/apply: status %d, want the programs and the sign-in link\n%.500s", r.status, r.body)
		}
	})

	const phone = "13912345678"
	alice := browser()
	t.Run("sign in", func(t *testing.T) {
		tests := []struct {
			name, path string
			form       url.Values
			status     int
			want       string
		}{
			{"bad phone", "/apply/signin", url.Values{"phone": {"1391234"}}, http.StatusUnprocessableEntity, "请输入 11 位手机号码"},
			{"code sent", "/apply/signin", url.Values{"phone": {phone}}, http.StatusOK, "验证码已发送"},
			{"again too soon", "/apply/signin", url.Values{"phone": {phone}}, http.StatusTooManyRequests, "获取验证码太频繁"},
			{"resend too soon keeps the code form", "/apply/signin", url.Values{"phone": {phone}, "resend": {"1"}}, http.StatusTooManyRequests, `id="code"`},
			{"wrong code", "/apply/signin/code", url.Values{"phone": {phone}, "code": {"000000"}}, http.StatusUnprocessableEntity, "验证码不正确，还可以再试 4 次"},
		}
		for _, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				if tt.name == "wrong code" && p.codes.code(phone) == "000000" {
					tt.form.Set("code", "111111")
				}
				r := p.post(t, alice, tt.path, tt.form)
				if r.status != tt.status || !strings.Contains(r.body, tt.want) {
					t.Fatalf("status %d, want %d with %q\n%.800s", r.status, tt.status, tt.want, r.body)
				}
				if tt.form.Get("code") != "" && !strings.Contains(r.body, `value="`+tt.form.Get("code")+`"`) {
					t.Errorf("the code typed was not kept on the form")
				}
			})
		}
		r := p.post(t, alice, "/apply/signin/code", url.Values{"phone": {phone}, "code": {p.codes.code(phone)}})
		if r.status != http.StatusSeeOther || r.header.Get("Location") != "/apply/mine" {
			t.Fatalf("right code: status %d to %q", r.status, r.header.Get("Location"))
		}
		ck := r.header.Get("Set-Cookie")
		for _, want := range []string{citizen.CookieName + "=", "HttpOnly", "SameSite=Lax", "Max-Age=43200", "Path=/"} {
			if !strings.Contains(ck, want) {
				t.Errorf("cookie %q lacks %s", ck, want)
			}
		}
		if got := p.get(t, alice, "/apply/mine"); got.status != http.StatusOK || !strings.Contains(got.body, "139****5678") {
			t.Errorf("/apply/mine after sign-in: status %d, want the masked number shown", got.status)
		}
	})

	id := applicantHousehold(t, p.m, "王网申", 901)
	application := url.Values{"program": {"temporary"}, "subtype": {"expense"}, "expense": {"2000"}, "district": {"370212"},
		"region_code": {"370212001"}, "applicant_name": {"王网申"}, "id_number": {id}, "address": {"中韩街道测试路 9 号"},
		"hukou": {"urban"}, "reason": {"住院花费大，生活困难"}, "agent_name": {"王代办"}}
	var caseID int64
	t.Run("apply", func(t *testing.T) {
		bad := url.Values{}
		for k, v := range application {
			bad[k] = v
		}
		bad.Set("applicant_name", "")
		bad.Set("phone", "12")
		r := p.post(t, alice, "/apply/new", bad)
		if r.status != http.StatusUnprocessableEntity || !strings.Contains(r.body, "请输入 11 位手机号码") || !strings.Contains(r.body, "住院花费大，生活困难") {
			t.Fatalf("bad phone: status %d, want 422 with the error and the reason kept\n%.800s", r.status, r.body)
		}
		bad.Del("phone")
		if r := p.post(t, alice, "/apply/new", bad); r.status != http.StatusUnprocessableEntity || !strings.Contains(r.body, "请填写申请人姓名") {
			t.Fatalf("no name: status %d, want 422 with the name's error", r.status)
		}
		r = p.post(t, alice, "/apply/new", application)
		m := caseURL.FindStringSubmatch(r.header.Get("Location"))
		if r.status != http.StatusSeeOther || m == nil {
			t.Fatalf("apply: status %d to %q\n%.800s", r.status, r.header.Get("Location"), r.body)
		}
		fmt.Sscan(m[1], &caseID)
		r = p.get(t, alice, m[0])
		for _, want := range []string{"申请已提交", fmt.Sprintf("<strong>%d</strong>", caseID), "5 个工作日内受理", "待受理"} {
			if !strings.Contains(r.body, want) {
				t.Errorf("the page after applying lacks %q", want)
			}
		}
		if strings.Contains(r.body, phone) || strings.Contains(r.body, id) {
			t.Errorf("the status page shows the full phone number or ID number")
		}
		if r := p.get(t, alice, "/apply/mine"); !strings.Contains(r.body, fmt.Sprintf(`href="/apply/mine/%d"`, caseID)) {
			t.Errorf("/apply/mine does not list case %d", caseID)
		}
		if r := p.post(t, alice, "/apply/new", application); r.status != http.StatusUnprocessableEntity || !strings.Contains(r.body, "已有同一项目正在办理的申请") {
			t.Errorf("a second application for the same program: status %d", r.status)
		}
	})
	if caseID == 0 {
		return
	}

	t.Run("upload", func(t *testing.T) {
		pdf := append([]byte("%PDF-1.4\n"), bytes.Repeat([]byte("0"), 100)...)
		png := func(n int) []byte { return append([]byte("\x89PNG\r\n\x1a\n"), make([]byte, n-8)...) }
		tests := []struct {
			name, kind, filename string
			content              []byte
			status               int
			want                 string
		}{
			{"pdf", "id_card", "身份证.pdf", pdf, http.StatusSeeOther, ""},
			{"text file", "id_card", "note.txt", []byte("hello"), http.StatusUnprocessableEntity, "只能上传 JPG、PNG 图片或 PDF 文件"},
			{"unknown kind", "passport", "p.pdf", pdf, http.StatusUnprocessableEntity, "材料类型不正确"},
			{"no file", "id_card", "", nil, http.StatusUnprocessableEntity, "请选择要上传的文件"},
			{"one byte over the limit", "medical_bill", "bill.png", png(assistance.MaxDocumentBytes + 1), http.StatusUnprocessableEntity, "文件不能超过 5 MB"},
			{"far over the limit", "medical_bill", "bill.png", png(assistance.MaxDocumentBytes * 2), http.StatusUnprocessableEntity, "文件不能超过 5 MB"},
		}
		for _, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				r := p.upload(t, alice, caseID, tt.kind, tt.filename, tt.content)
				if r.status != tt.status || !strings.Contains(r.body, tt.want) {
					t.Fatalf("status %d, want %d with %q\n%.600s", r.status, tt.status, tt.want, r.body)
				}
			})
		}
		if r := p.get(t, alice, fmt.Sprintf("/apply/mine/%d", caseID)); !strings.Contains(r.body, "身份证.pdf") {
			t.Errorf("the case page does not list the uploaded document")
		}
	})

	decision := decideOnline(t, p.m, caseID)
	t.Run("decision notice", func(t *testing.T) {
		r := p.get(t, alice, fmt.Sprintf("/apply/mine/%d", caseID))
		link := fmt.Sprintf(`href="/apply/mine/%d/decisions/%d"`, caseID, decision.ID)
		if !strings.Contains(r.body, link) || !strings.Contains(r.body, "已决定") {
			t.Fatalf("the case page lacks the decision link %s\n%.800s", link, r.body)
		}
		r = p.get(t, alice, fmt.Sprintf("/apply/mine/%d/decisions/%d", caseID, decision.ID))
		for _, want := range []string{"决定通知书", decision.DocNo, "一次性 " + decision.Amount.Notice(), "王网申"} {
			if r.status != http.StatusOK || !strings.Contains(r.body, want) {
				t.Errorf("decision notice: status %d, lacks %q", r.status, want)
			}
		}
	})

	t.Run("another citizen", func(t *testing.T) {
		bob := p.signInCitizen(t, "13700001111")
		if r := p.get(t, bob, "/apply/mine"); strings.Contains(r.body, fmt.Sprintf("/apply/mine/%d", caseID)) {
			t.Errorf("another citizen's list shows case %d", caseID)
		}
		tests := []struct{ name, method, path string }{
			{"status page", "GET", fmt.Sprintf("/apply/mine/%d", caseID)},
			{"decision", "GET", fmt.Sprintf("/apply/mine/%d/decisions/%d", caseID, decision.ID)},
			{"decision under own path", "GET", fmt.Sprintf("/apply/mine/%d/decisions/%d", caseID+1000, decision.ID)},
		}
		for _, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				if r := p.do(t, bob, tt.method, tt.path, "", nil); r.status != http.StatusNotFound {
					t.Errorf("status %d, want 404", r.status)
				}
			})
		}
		t.Run("upload", func(t *testing.T) {
			if r := p.upload(t, bob, caseID, "id_card", "x.pdf", []byte("%PDF-1.4\n")); r.status != http.StatusNotFound {
				t.Errorf("status %d, want 404", r.status)
			}
		})
	})

	t.Run("sign out", func(t *testing.T) {
		r := p.post(t, alice, "/apply/signout", nil)
		if r.status != http.StatusSeeOther || !strings.Contains(r.header.Get("Set-Cookie"), "Max-Age=0") {
			t.Fatalf("sign out: status %d, cookie %q", r.status, r.header.Get("Set-Cookie"))
		}
		if r := p.get(t, alice, "/apply/mine"); r.status != http.StatusSeeOther {
			t.Errorf("/apply/mine after signing out: status %d, want 303", r.status)
		}
	})
}

// upload posts a document to the citizen's case as the browser's multipart form does.
func (p *portal) upload(t *testing.T, c *http.Client, caseID int64, kind, filename string, content []byte) reply {
	t.Helper()
	var buf bytes.Buffer
	w := multipart.NewWriter(&buf)
	_ = w.WriteField("kind", kind)
	if filename != "" {
		fw, err := w.CreateFormFile("file", filename)
		if err != nil {
			t.Fatal(err)
		}
		_, _ = fw.Write(content)
	}
	_ = w.Close()
	return p.do(t, c, "POST", fmt.Sprintf("/apply/mine/%d/documents", caseID), w.FormDataContentType(), &buf)
}

// decideOnline carries an online 支出型 临时救助 application through acceptance, the visit and
// the street's approval, as the street officer of 中韩街道, and returns its decision.
func decideOnline(t *testing.T, m *Main, caseID int64) assistance.Decision {
	t.Helper()
	ctx := context.Background()
	officer := &auth.Principal{Login: "portal.officer", Role: auth.StreetOfficer, Scope: "370212001"}
	c, err := m.svc.cases.Get(ctx, officer, caseID)
	if err != nil {
		t.Fatal(err)
	}
	a := c.Application
	today := civil.Today(m.Now())
	for _, act := range []assistance.Action{
		{Step: assistance.StepAccept, Outcome: "accept"},
		{Step: assistance.StepVisit, Visit: &assistance.Visit{Investigators: []string{"甲", "乙"}, VisitedOn: today, Findings: "属实"}},
		{Step: assistance.StepApprove, Outcome: "approve"},
	} {
		act.Version = a.Version
		if a, err = m.svc.cases.Act(ctx, officer, caseID, act); err != nil {
			t.Fatalf("%s: %v", act.Step, err)
		}
	}
	c, err = m.svc.cases.Get(ctx, officer, caseID)
	if err != nil || len(c.Decisions) != 1 || c.Decisions[0].Amount <= 0 || c.Decisions[0].Amount > money.Yuan(3000) {
		t.Fatalf("decisions of case %d: %+v, %v", caseID, c.Decisions, err)
	}
	return c.Decisions[0]
}
