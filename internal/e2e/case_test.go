package e2e

import (
	"context"
	"net/http"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/minzheng/minzheng/internal/app"
	"github.com/minzheng/minzheng/internal/audit"
	"github.com/minzheng/minzheng/internal/auth"
	"github.com/minzheng/minzheng/internal/civil"
	"github.com/minzheng/minzheng/internal/idcard"
	"github.com/minzheng/minzheng/internal/money"
	"github.com/minzheng/minzheng/internal/pii"
	"github.com/minzheng/minzheng/internal/registry"
)

// TestDibaoOnlineToDecisionNotice follows a 低保 case from the public's online application to
// the printed decision notice, every step in the browser:
//
//   - the applicant signs in on a 360 px phone with the code the demo prints to the server log,
//     and applies online (the pages keep 18 px text and do not scroll sideways);
//   - zhonghan, street officer of 中韩街道, accepts it — the registry already holds the family,
//     found by the applicant's ID number — and records the home visit, which opens the 7-day
//     public notice;
//   - seven days later (the server's clock is the test's), zhonghan closes the notice;
//   - laoshan, district approver of 崂山区, approves with the confirmation box ticked;
//   - the printable 决定通知书 shows the document number and the monthly amount, both to the
//     approver at /decisions/{id} and to the applicant, who signs in again after the days passed.
func TestDibaoOnlineToDecisionNotice(t *testing.T) {
	ck := &testClock{t: time.Now()}
	log := &logBuffer{}
	m, b := setupWith(t, 200, 120*time.Second, withClock(ck.Now), withLog(log))
	const street = "370212001" // 崂山区 中韩街道
	community := firstCommunity(t, m, street)
	name, id := "孙网申", string(idcard.Synthesize("370199", civil.Date{Year: 1976, Month: 4, Day: 9}, 731)) // a code the demo never uses
	registerFamily(t, m, ck, community.Code, name, id)
	const phone = "13623450987"

	pub := b.session()
	if err := chromedp.Do(pub.ctx, chromedp.EmulateViewport(phoneWidth, phoneHeight, chromedp.EmulatePortrait, chromedp.EmulateMobile)); err != nil {
		t.Fatalf("emulate a phone: %v", err)
	}
	var caseID string
	ok := t.Run("apply online", func(t *testing.T) {
		b := pub.in(t)
		if got := b.open("/apply"); got != http.StatusOK || !strings.Contains(b.text("main"), "最低生活保障") {
			t.Fatalf("/apply: status %d; page:\n%s", got, b.text("main"))
		}
		checkPublicPage(t, b, "/apply")
		b.click(`main a[href="/apply/signin"]`)
		b.citizenSignIn(log, phone)
		if p := b.path(); p != "/apply/mine" {
			t.Fatalf("after sign-in the citizen is on %s, want /apply/mine", p)
		}
		b.click(`main a[href="/apply/new"]`)
		checkPublicPage(t, b, "/apply/new")
		for css, v := range map[string]string{
			`select[name="program"]`: "dibao", `select[name="district"]`: "370212", `select[name="region_code"]`: street,
			`select[name="hukou"]`: "urban",
		} {
			b.setValue(css, v)
		}
		b.fill(`input[name="applicant_name"]`, name)
		b.fill(`input[name="id_number"]`, id)
		b.fill(`input[name="address"]`, "中韩街道网申路 3 号")
		b.fill(`textarea[name="reason"]`, "丈夫病故，本人打零工收入低，孩子上学")
		b.fill(`input[name="agent_name"]`, "孙代办")
		if got := b.click(`form[action="/apply/new"] button[type="submit"]:not([name])`); got != http.StatusOK {
			t.Fatalf("提交: status %d on %s; page:\n%s", got, b.path(), b.text("main"))
		}
		mm := regexp.MustCompile(`^/apply/mine/(\d+)\?submitted=1$`).FindStringSubmatch(b.path())
		if mm == nil {
			t.Fatalf("after 提交 the citizen is on %s; page:\n%s", b.path(), b.text("main"))
		}
		caseID = mm[1]
		if got := b.text("main .notice"); !strings.Contains(got, "申请已提交") || !strings.Contains(got, caseID) {
			t.Errorf("the success notice = %q, want 申请已提交 and the case number %s", got, caseID)
		}
		if got := b.fact("办理状态"); got != "待受理" {
			t.Errorf("status = %q, want 待受理", got)
		}
		checkPublicPage(t, b, "the status page")
	})
	if !ok {
		return
	}
	casePath := "/cases/" + caseID

	officer := b.session()
	ok = t.Run("street accepts and visits", func(t *testing.T) {
		b := officer.in(t)
		b.logIn("zhonghan", password(t, m, "zhonghan"))
		if got := b.open(casePath); got != http.StatusOK {
			t.Fatalf("%s: status %d; page:\n%s", casePath, got, b.text("main"))
		}
		if h1 := b.text("h1"); !strings.Contains(h1, name) || !strings.Contains(h1, "待受理") {
			t.Errorf("case h1 = %q, want %s and 待受理", h1, name)
		}
		b.click(actForm(caseID, "accept") + ` button[type="submit"]`)
		if got := b.text("#cw-act-title"); !strings.Contains(got, "入户调查") {
			t.Fatalf("after 受理 the current step is %q, want 入户调查; page:\n%s", got, b.text("main"))
		}
		b.fill("#cw-inv1", "中韩调查甲")
		b.fill("#cw-inv2", "中韩调查乙")
		b.fill("#cw-findings", "家庭成员与申报一致，收入仅打零工")
		b.click(`form.cw-visit button[type="submit"]`)
		if got := b.text("#cw-act-title"); !strings.Contains(got, "公示") {
			t.Fatalf("after 入户调查 the current step is %q, want 公示; page:\n%s", got, b.text("main"))
		}
		if !eval[bool](b, `document.querySelector(`+jsString(actForm(caseID, "notice")+` button[type="submit"]`)+`).disabled`) {
			t.Errorf("结束公示 can be pressed on the first day of the notice")
		}
	})
	if !ok {
		return
	}

	ck.advance(7 * 24 * time.Hour)
	ok = t.Run("notice closes after 7 days", func(t *testing.T) {
		b := officer.in(t)
		b.openSignedIn(casePath, "zhonghan", password(t, m, "zhonghan"))
		b.click(actForm(caseID, "notice") + ` button[type="submit"]`)
		if got := b.text("#cw-act-title"); !strings.Contains(got, "审核确认") {
			t.Fatalf("after 公示 the current step is %q, want 审核确认; page:\n%s", got, b.text("main"))
		}
	})
	if !ok {
		return
	}

	var docNo string
	var amount money.Fen
	approver := b.session()
	ok = t.Run("district approves", func(t *testing.T) {
		b := approver.in(t)
		b.logIn("laoshan", password(t, m, "laoshan"))
		b.open(casePath)
		approve := `form.cw-outcome:has(input[name="outcome"][value="approve"])`
		b.tick(approve + ` input[name="confirm"]`)
		if got := b.click(approve + ` button[type="submit"]`); got != http.StatusOK || b.path() != casePath {
			t.Fatalf("批准: status %d on %s; page:\n%s", got, b.path(), b.text("main"))
		}
		if h1 := b.text("h1"); !strings.Contains(h1, "已决定") {
			t.Errorf("case h1 after approval = %q, want 已决定", h1)
		}
		docNo, amount = decisionOf(t, m, caseID)
		links := b.attrs(`main a[href^="/decisions/"]`, "href")
		if len(links) == 0 {
			t.Fatalf("the decided case links no decision; page:\n%s", b.text("main"))
		}
		b.open(links[0])
		checkNotice(t, b, "#doc-title", ".doc-no", docNo, amount)
	})
	if !ok {
		return
	}

	t.Run("the applicant reads the notice", func(t *testing.T) {
		b := pub.in(t)
		mine := "/apply/mine/" + caseID
		b.open(mine) // the session of seven days ago has expired
		if p := b.path(); !strings.HasPrefix(p, "/apply/signin") {
			t.Fatalf("an expired citizen session opened %s", p)
		}
		b.citizenSignIn(log, phone)
		if p := b.path(); p != mine {
			t.Fatalf("after signing in again the citizen is on %s, want %s", p, mine)
		}
		if got := b.fact("办理状态"); got != "已决定" {
			t.Errorf("status = %q, want 已决定", got)
		}
		b.click(`main a[href^="` + mine + `/decisions/"]`)
		checkNotice(t, b, "h1", ".docno", docNo, amount)
		checkPublicPage(t, b, "the decision notice")
	})
}

// actForm is the CSS selector of the step form of case id for step (and, for 受理, its
// accepting form).
func actForm(id, step string) string {
	sel := `form[action="/cases/` + id + `/act"]:has(input[name="step"][value="` + step + `"])`
	if step == "accept" {
		sel += `:has(input[name="outcome"][value="accept"])`
	}
	return sel
}

// checkNotice checks a printable decision notice: its title, document number and amount.
func checkNotice(t *testing.T, b *tab, title, number, docNo string, amount money.Fen) {
	t.Helper()
	if got := b.text(title); got != "决定通知书" {
		t.Errorf("%s: title = %q, want 决定通知书", b.path(), got)
	}
	if got := b.text(number); got != docNo {
		t.Errorf("%s: document number = %q, want %q", b.path(), got, docNo)
	}
	if body := b.text("main"); !strings.Contains(body, amount.Notice()) {
		t.Errorf("%s does not show the amount %s; page:\n%s", b.path(), amount.Notice(), body)
	}
}

// checkPublicPage checks the 适老化 promises of a public page on the phone: no sideways scroll,
// body text of at least 18 px, and tap targets of at least 44 px.
func checkPublicPage(t *testing.T, b *tab, page string) {
	t.Helper()
	checkPhoneLayout(t, b, page)
	if l := b.measure(); l.BodyFontSize < 18 {
		t.Errorf("%s: body text is %.1f px, want at least 18 px", page, l.BodyFontSize)
	}
	small := eval[[]string](b, `Array.from(document.querySelectorAll('main .public button, main .public .button, main .public input:not([type=hidden]), main .public select'))
		.filter(e => e.getBoundingClientRect().height < 44).map(e => e.outerHTML.slice(0, 80))`)
	if len(small) > 0 {
		t.Errorf("%s: tap targets under 44 px: %q", page, small)
	}
}

// citizenSignIn signs in on the sign-in page the tab shows, with the code the demo's LogSender
// wrote to the server log.
func (b *tab) citizenSignIn(log *logBuffer, phone string) {
	b.t.Helper()
	b.fill("#phone", phone)
	b.click(`form[action="/apply/signin"] button[type="submit"]`)
	if got := b.text(`main .notice[role="status"]`); !strings.Contains(got, "验证码已发送") {
		b.t.Fatalf("after 获取验证码: %q, want 验证码已发送; page:\n%s", got, b.text("main"))
	}
	b.fill("#code", log.code(b.t, phone))
	b.click(`form[action="/apply/signin/code"] button[type="submit"]`)
}

// openSignedIn opens path, signing in again first when the session has ended meanwhile.
func (b *tab) openSignedIn(path, login, password string) {
	b.t.Helper()
	b.open(path)
	if strings.HasPrefix(b.path(), "/login") {
		b.submitLogin(login, password)
	}
	if p := b.path(); p != path {
		b.t.Fatalf("open %s as %s: on %s", path, login, p)
	}
}

// decisionOf reads the decision of case id from the database: the number and amount the pages
// must print.
func decisionOf(t *testing.T, m *app.Main, id string) (string, money.Fen) {
	t.Helper()
	var docNo string
	var fen int64
	n, _ := strconv.ParseInt(id, 10, 64)
	if err := m.DB.QueryRow(context.Background(), `SELECT doc_no, amount_fen FROM decisions WHERE application_id = ? AND kind = 'approve'`, n).
		Scan(&docNo, &fen); err != nil {
		t.Fatalf("decision of case %s: %v", id, err)
	}
	if fen <= 0 {
		t.Fatalf("case %s was approved with amount %d", id, fen)
	}
	return docNo, money.Fen(fen)
}

// registerFamily puts a two-person urban family in the registry, as the street would have before:
// the head (the applicant) earns 600 yuan a month and the child nothing, well under the 低保
// standard.
func registerFamily(t *testing.T, m *app.Main, ck *testClock, community, name, id string) {
	t.Helper()
	keys, err := pii.LoadKeyFile(m.Config.KeysPath())
	if err != nil {
		t.Fatal(err)
	}
	reg := &registry.Store{DB: m.DB, Keys: keys, Audit: &audit.Log{Now: ck.Now}, Now: ck.Now}
	child := string(idcard.Synthesize("370199", civil.Date{Year: 2012, Month: 9, Day: 1}, 732))
	_, err = reg.Create(context.Background(), auth.System(), registry.HouseholdInput{RegionCode: community, Address: "中韩街道网申路 3 号",
		Hukou: registry.Urban, HukouRegion: "370212", Members: []registry.PersonInput{
			{Name: name, IDNumber: id, Relation: registry.Head, WorkCapacity: "partial",
				Incomes: []registry.Income{{Kind: registry.Wage, Monthly: money.Yuan(600)}}},
			{Name: "孙小网", IDNumber: child, Relation: registry.Child, WorkCapacity: "none"},
		}})
	if err != nil {
		t.Fatalf("register the applicant's family: %v", err)
	}
}
