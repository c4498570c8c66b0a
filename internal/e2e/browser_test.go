package e2e

import (
	"bytes"
	"context"
	"io"
	"net/url"
	"os"
	"os/exec"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/minzheng/minzheng/internal/app"
	"github.com/minzheng/minzheng/internal/pii"
)

// testTimeout bounds one whole test: server start, browser start and every page visit.
const testTimeout = 60 * time.Second

// findBrowser returns the path of an installed Chromium or Chrome, or skips the test.
func findBrowser(t *testing.T) string {
	t.Helper()
	for _, name := range []string{"chromium", "chromium-browser", "google-chrome"} {
		if p, err := exec.LookPath(name); err == nil {
			return p
		}
	}
	t.Skip("no chromium, chromium-browser or google-chrome installed; end-to-end browser tests skipped")
	return ""
}

// setupOption changes the demo server setupWith starts, before it starts.
type setupOption func(m *app.Main)

// withClock runs the server on the test's clock, so that a test can let days pass.
func withClock(now func() time.Time) setupOption {
	return func(m *app.Main) { m.Now = now }
}

// withLog sends the server's output, its log included, to w instead of discarding it, for a test
// that reads what the server logged (the demo's sign-in codes).
func withLog(w io.Writer) setupOption {
	return func(m *app.Main) { m.Stdout, m.Stderr = w, w }
}

// testClock is a server's clock for a test (withClock): real time until the test moves it on.
type testClock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *testClock) Now() time.Time { c.mu.Lock(); defer c.mu.Unlock(); return c.t }

func (c *testClock) advance(d time.Duration) { c.mu.Lock(); c.t = c.t.Add(d); c.mu.Unlock() }

// logBuffer collects the server's log (withLog), where the demo's LogSender writes sign-in codes.
type logBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (l *logBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.buf.Write(p)
}

// code returns the newest code logged for phone (the log shows the number masked).
func (l *logBuffer) code(t *testing.T, phone string) string {
	t.Helper()
	l.mu.Lock()
	defer l.mu.Unlock()
	re := regexp.MustCompile(`phone=` + regexp.QuoteMeta(pii.MaskPhone(phone)) + ` code=(\d{6})`)
	all := re.FindAllStringSubmatch(l.buf.String(), -1)
	if len(all) == 0 {
		t.Fatalf("no sign-in code for %s in the server log", pii.MaskPhone(phone))
	}
	return all[len(all)-1][1]
}

// startApp runs the demo city in-process on a free port with a temporary data folder.
func startApp(t *testing.T, ctx context.Context, households int, opts ...setupOption) *app.Main {
	t.Helper()
	m := app.NewMain()
	m.Demo = true
	m.DemoHouseholds = households
	m.Stdout, m.Stderr = io.Discard, io.Discard
	m.Getenv = func(string) string { return "" }
	m.Config.Addr = "127.0.0.1:0"
	m.Config.DataDir = t.TempDir()
	for _, o := range opts {
		o(m)
	}
	if err := m.Run(ctx); err != nil {
		t.Fatalf("start demo server: %v", err)
	}
	t.Cleanup(func() { m.Close() })
	return m
}

// password returns the generated password of a demo account.
func password(t *testing.T, m *app.Main, login string) string {
	t.Helper()
	for _, l := range m.DemoLogins {
		if l.Login == login {
			return l.Password
		}
	}
	t.Fatalf("no demo account %q", login)
	return ""
}

// tab is one browser tab; tabs made by session share nothing (cookies included) with the others.
type tab struct {
	t    *testing.T
	ctx  context.Context
	base string // the app's base URL, without a trailing slash
}

// setup starts a small demo city (200 households) and a headless browser, both bounded by
// testTimeout, and returns the browser's first tab.
func setup(t *testing.T) (*app.Main, *tab) {
	t.Helper()
	return setupWith(t, 200, testTimeout)
}

// setupWith is setup with the demo's number of households, the time limit and the server's
// options chosen. The browser is started at once, so a browser that cannot start fails here and
// not in the middle of a flow.
func setupWith(t *testing.T, households int, timeout time.Duration, opts ...setupOption) (*app.Main, *tab) {
	t.Helper()
	exe := findBrowser(t)
	ctx, cancel := context.WithTimeout(context.Background(), timeout)
	t.Cleanup(cancel)
	m := startApp(t, ctx, households, opts...)

	profile, err := os.MkdirTemp("", "minzheng-e2e-chromium-")
	if err != nil {
		t.Fatal(err)
	}
	allocOpts := append(chromedp.DefaultExecAllocatorOptions[:],
		chromedp.ExecPath(exe),
		chromedp.UserDataDir(profile),
		chromedp.Flag("headless", true),
		chromedp.Flag("no-sandbox", true), // the tests run as root in CI containers
		chromedp.Flag("disable-gpu", true),
		chromedp.Flag("disable-quic", true),
		chromedp.Flag("no-first-run", true),
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
	)
	allocCtx, allocCancel := chromedp.NewExecAllocator(ctx, allocOpts...)
	browserCtx, browserCancel := chromedp.NewContext(allocCtx)
	t.Cleanup(func() {
		browserCancel()
		allocCancel()
		os.RemoveAll(profile)
	})
	if err := chromedp.Do(browserCtx); err != nil {
		t.Fatalf("start %s: %v", exe, err)
	}
	return m, &tab{t: t, ctx: browserCtx, base: strings.TrimSuffix(m.URL(), "/")}
}

// session opens a tab in a new browser context: its own cookie jar, like a second person's
// browser.
func (b *tab) session() *tab {
	b.t.Helper()
	ctx, cancel := chromedp.NewContext(b.ctx, chromedp.WithNewBrowserContext())
	b.t.Cleanup(cancel)
	if err := chromedp.Do(ctx); err != nil {
		b.t.Fatalf("open a new browser context: %v", err)
	}
	return &tab{t: b.t, ctx: ctx, base: b.base}
}

// open loads a path of the app (or a full URL) and returns the HTTP status of the final document.
func (b *tab) open(path string) int {
	b.t.Helper()
	u := path
	if strings.HasPrefix(path, "/") {
		u = b.base + path
	}
	resp, err := chromedp.Run(b.ctx, chromedp.NavigateResponse(u))
	if err != nil {
		b.t.Fatalf("open %s: %v", u, err)
	}
	return int(resp.Status)
}

// click clicks the element and waits for the page it navigates to; it returns that page's status.
func (b *tab) click(css string) int {
	b.t.Helper()
	b.mustExist(css)
	resp, err := chromedp.RunResponse(b.ctx, chromedp.Click(chromedp.CSS(css)))
	if err != nil {
		b.t.Fatalf("click %s on %s: %v", css, b.path(), err)
	}
	return int(resp.Status)
}

// fill sets the value of a form field.
func (b *tab) fill(css, value string) {
	b.t.Helper()
	b.mustExist(css)
	if err := chromedp.Do(b.ctx, chromedp.SetValue(chromedp.CSS(css), value)); err != nil {
		b.t.Fatalf("fill %s: %v", css, err)
	}
}

// mustExist fails at once when the page has no such element, instead of letting a query action
// wait for it until the test's deadline.
func (b *tab) mustExist(css string) {
	b.t.Helper()
	if !eval[bool](b, `document.querySelector(`+jsString(css)+`) !== null`) {
		b.t.Fatalf("%s has no element %s; page text:\n%s", b.path(), css, b.text("body"))
	}
}

// text returns the rendered text of the first element matching css, or "" when there is none.
func (b *tab) text(css string) string {
	b.t.Helper()
	return eval[string](b, `(document.querySelector(`+jsString(css)+`) || {innerText: ""}).innerText`)
}

// texts returns the rendered text of every element matching css.
func (b *tab) texts(css string) []string {
	b.t.Helper()
	return eval[[]string](b, `Array.from(document.querySelectorAll(`+jsString(css)+`), e => e.innerText.trim())`)
}

// attrs returns the attribute of every element matching css.
func (b *tab) attrs(css, attr string) []string {
	b.t.Helper()
	return eval[[]string](b, `Array.from(document.querySelectorAll(`+jsString(css)+`), e => e.getAttribute(`+jsString(attr)+`) || "")`)
}

// path returns the path and query of the page the tab shows.
func (b *tab) path() string {
	b.t.Helper()
	loc, err := chromedp.Run(b.ctx, chromedp.Location())
	if err != nil {
		b.t.Fatalf("read location: %v", err)
	}
	u, err := url.Parse(loc)
	if err != nil {
		b.t.Fatalf("parse location %q: %v", loc, err)
	}
	return u.RequestURI()
}

// logIn signs in through the login form and returns the status of the page it lands on.
func (b *tab) logIn(login, password string) int {
	b.t.Helper()
	b.open("/login")
	return b.submitLogin(login, password)
}

// submitLogin fills the login form already on the page and submits it.
func (b *tab) submitLogin(login, password string) int {
	b.t.Helper()
	b.fill("#login", login)
	b.fill("#password", password)
	return b.click(`form[action="/login"] button[type="submit"]`)
}

// eval evaluates a JavaScript expression in the page; a promise is awaited.
func eval[T any](b *tab, js string) T {
	b.t.Helper()
	v, err := chromedp.Run(b.ctx, chromedp.Evaluate[T](js, chromedp.EvalAwaitPromise))
	if err != nil {
		b.t.Fatalf("evaluate %s: %v", js, err)
	}
	return v
}

// jsString quotes s as a JavaScript string literal.
func jsString(s string) string {
	return "`" + strings.NewReplacer("\\", "\\\\", "`", "\\`", "${", "\\${").Replace(s) + "`"
}
