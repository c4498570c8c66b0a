package e2e

import (
	"net/http"
	"os"
	"path/filepath"
	"testing"

	"github.com/chromedp/chromedp"
)

// phone is the narrowest screen UI.md promises to work on.
const phoneWidth, phoneHeight = 360, 740

// layout is what the page's own CSS produced, measured by the browser.
type layout struct {
	ScrollWidth  float64  `json:"scrollWidth"`  // the document's width, overflow included
	BodyFontSize float64  `json:"bodyFontSize"` // computed, in CSS px
	Overflowing  []string `json:"overflowing"`  // elements whose right edge passes the viewport
}

// measure reads the page's layout. Elements inside a box that scrolls sideways on its own (a wide
// table) do not count as overflowing: the page itself does not scroll.
func (b *tab) measure() layout {
	b.t.Helper()
	return eval[layout](b, `(() => {
		const vw = document.documentElement.clientWidth;
		const scrolls = e => { for (let p = e.parentElement; p; p = p.parentElement) {
			const s = getComputedStyle(p).overflowX; if (s === 'auto' || s === 'scroll' || s === 'hidden') return true; } return false; };
		const over = Array.from(document.body.querySelectorAll('*'))
			.filter(e => e.getBoundingClientRect().right > vw + 0.5 && !scrolls(e))
			.slice(0, 10)
			.map(e => e.tagName.toLowerCase() + (e.className ? '.' + String(e.className).replace(/ /g, '.') : '') + ' "' + e.innerText.slice(0, 30) + '"');
		return {
			scrollWidth: document.documentElement.scrollWidth,
			bodyFontSize: parseFloat(getComputedStyle(document.body).fontSize),
			overflowing: over,
		};
	})()`)
}

// height returns the rendered height of the first element matching css, in CSS px.
func (b *tab) height(css string) float64 {
	b.t.Helper()
	b.mustExist(css)
	return eval[float64](b, `document.querySelector(`+jsString(css)+`).getBoundingClientRect().height`)
}

// TestPhoneWidthLayout checks that a district approver's pages work on a 360 px phone: nothing
// makes the page scroll sideways (wide tables scroll inside their own box), text is at least
// 16 px, and buttons are big enough to tap.
func TestPhoneWidthLayout(t *testing.T) {
	m, b := setup(t)
	if err := chromedp.Do(b.ctx, chromedp.EmulateViewport(phoneWidth, phoneHeight, chromedp.EmulatePortrait, chromedp.EmulateMobile)); err != nil {
		t.Fatalf("emulate a %d×%d phone: %v", phoneWidth, phoneHeight, err)
	}

	if got := b.open("/login"); got != http.StatusOK {
		t.Fatalf("/login: status %d", got)
	}
	checkPhoneLayout(t, b, "/login")
	if h := b.height(`form[action="/login"] button[type="submit"]`); h < 44 {
		t.Errorf("login button is %.1f px tall, want at least 44 px", h)
	}
	for _, field := range []string{"#login", "#password"} {
		if h := b.height(field); h < 44 {
			t.Errorf("login field %s is %.1f px tall, want at least 44 px", field, h)
		}
	}

	if got := b.submitLogin("laoshan", password(t, m, "laoshan")); got != http.StatusOK || b.path() != "/" {
		t.Fatalf("log-in as laoshan: status %d on %s", got, b.path())
	}
	for _, path := range []string{"/", "/users", "/regions/370212001"} {
		t.Run(path, func(t *testing.T) {
			if got := b.open(path); got != http.StatusOK {
				t.Fatalf("%s: status %d", path, got)
			}
			checkPhoneLayout(t, b, path)
			if h := b.height(`header form[action="/logout"] button`); h < 44 {
				t.Errorf("退出登录 is %.1f px tall, want at least 44 px", h)
			}
			if path == "/" {
				saveScreenshot(t, b, "home-360")
			}
		})
	}
}

// checkPhoneLayout fails when the page scrolls sideways or its body text is smaller than 16 px.
func checkPhoneLayout(t *testing.T, b *tab, page string) {
	t.Helper()
	l := b.measure()
	if l.ScrollWidth > phoneWidth {
		t.Errorf("%s is %.0f px wide at a %d px viewport: the page scrolls sideways; overflowing: %q",
			page, l.ScrollWidth, phoneWidth, l.Overflowing)
	}
	if l.BodyFontSize < 16 {
		t.Errorf("%s body font-size is %.1f px, want at least 16 px", page, l.BodyFontSize)
	}
}

// saveScreenshot writes a full-page PNG to a temporary file (kept after the test) for a person
// to look at, and logs its path.
func saveScreenshot(t *testing.T, b *tab, name string) {
	t.Helper()
	png, err := chromedp.Run(b.ctx, chromedp.FullScreenshot(100))
	if err != nil {
		t.Errorf("screenshot: %v", err)
		return
	}
	dir, err := os.MkdirTemp("", "minzheng-e2e-")
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(dir, name+".png")
	if err := os.WriteFile(path, png, 0o644); err != nil {
		t.Fatal(err)
	}
	t.Logf("screenshot of %s at %d px: %s", b.path(), phoneWidth, path)
}
