package e2e

import (
	"net/http"
	"regexp"
	"slices"
	"strings"
	"testing"
)

var (
	maskedPhone = regexp.MustCompile(`^\d{3}\*{4}\d{4}$`)
	fullPhone   = regexp.MustCompile(`^\d{11}$`)
	anyPhone    = regexp.MustCompile(`\d{11}`)
	phoneInText = regexp.MustCompile(`\d{3}(\d{4}|\*{4})\d{4}`) // full or masked
)

// auditRow is one row of the audit log table, by column header.
type auditRow map[string]string

// auditRows reads the audit log table on the page, keyed by the column headers.
func (b *tab) auditRows() []auditRow {
	b.t.Helper()
	rows := eval[[]auditRow](b, `(() => {
		const heads = Array.from(document.querySelectorAll('main table.data thead th'), th => th.innerText.trim());
		return Array.from(document.querySelectorAll('main table.data tbody tr'), tr => {
			const row = {};
			tr.querySelectorAll('td').forEach((td, i) => { row[heads[i] || String(i)] = td.innerText.trim(); });
			return row;
		});
	})()`)
	return rows
}

// TestCityAdminSeesAllAndRevealsAreAudited follows a city administrator who opens another
// district's street, looks a street officer up, and reveals the officer's full phone number; the
// reveal must then be in the audit log, for the administrator and for the auditor.
func TestCityAdminSeesAllAndRevealsAreAudited(t *testing.T) {
	m, admin := setup(t)
	if got := admin.logIn("admin", password(t, m, "admin")); got != http.StatusOK || admin.path() != "/" {
		t.Fatalf("log-in as admin: status %d on %s, want 200 on /", got, admin.path())
	}

	if got := admin.open("/regions/370202009"); got != http.StatusOK {
		t.Fatalf("/regions/370202009 as admin: status %d, want 200", got)
	}
	if got := admin.text("h1"); got != "八大关街道" {
		t.Errorf("/regions/370202009 h1 = %q, want 八大关街道", got)
	}

	// The user list, then zhonghan's page, by clicking as a person would.
	admin.open("/")
	if got := admin.click(`nav a[href="/users"]`); got != http.StatusOK {
		t.Fatalf("user list: status %d", got)
	}
	for _, cell := range admin.texts("main table.data tbody td.mono") {
		if !maskedPhone.MatchString(cell) {
			t.Errorf("user list shows phone %q, want it masked like 170****1002", cell)
		}
	}
	href := ""
	for _, h := range admin.attrs(`main table.data a[href^="/users/"]`, "href") {
		if admin.text(`main table.data a[href="`+h+`"]`) == "zhonghan" {
			href = h
		}
	}
	if href == "" {
		t.Fatalf("user list has no link to zhonghan; text:\n%s", admin.text("main"))
	}
	userID := strings.TrimPrefix(href, "/users/")
	if got := admin.click(`main table.data a[href="` + href + `"]`); got != http.StatusOK || admin.path() != href {
		t.Fatalf("open zhonghan: status %d on %s, want 200 on %s", got, admin.path(), href)
	}

	phoneCell := `main dl.facts dd.mono`
	masked := strings.TrimSpace(strings.TrimSuffix(admin.text(phoneCell), "查看完整号码"))
	if !maskedPhone.MatchString(masked) {
		t.Fatalf("zhonghan's page shows phone %q, want it masked like 170****1002", masked)
	}
	if anyPhone.MatchString(admin.text("body")) {
		t.Fatalf("zhonghan's page shows a full phone number before any reveal:\n%s", admin.text("body"))
	}
	if got := admin.text("#revealed-phone"); got != "" {
		t.Fatalf("#revealed-phone already present before the reveal: %q", got)
	}

	if got := admin.click(`form[action="/users/` + userID + `/reveal-phone"] button`); got != http.StatusOK {
		t.Fatalf("reveal phone: status %d; text:\n%s", got, admin.text("main"))
	}
	full := admin.text("#revealed-phone")
	if !fullPhone.MatchString(full) || full[:3] != masked[:3] || full[7:] != masked[7:] {
		t.Fatalf("revealed phone %q does not match masked %q", full, masked)
	}

	// The reveal is audited, and the auditor sees the same row.
	want := func(r auditRow) bool {
		return r["操作"] == "pii.reveal" && r["操作人"] == "admin" &&
			slices.Contains(strings.Fields(r["对象"]), userID) && r["区划"] == "370212001"
	}
	if got := admin.open("/audit?action=pii.reveal"); got != http.StatusOK {
		t.Fatalf("/audit as admin: status %d", got)
	}
	rows := admin.auditRows()
	i := slices.IndexFunc(rows, want)
	if i < 0 {
		t.Fatalf("admin's audit log has no pii.reveal row by admin for user %s in 370212001; rows: %v", userID, rows)
	}
	seq := rows[i]["#"]
	if len(rows) != 1 {
		t.Errorf("audit log has %d pii.reveal rows after one reveal, want 1: %v", len(rows), rows)
	}
	if anyPhone.MatchString(admin.text("main")) {
		t.Errorf("the audit log page shows a full phone number:\n%s", admin.text("main"))
	}

	auditor := admin.session()
	if got := auditor.open("/audit"); got != http.StatusOK || !strings.HasPrefix(auditor.path(), "/login") {
		t.Fatalf("new browser context is already signed in: status %d on %s", got, auditor.path())
	}
	if got := auditor.submitLogin("auditor", password(t, m, "auditor")); got != http.StatusOK {
		t.Fatalf("log-in as auditor: status %d on %s", got, auditor.path())
	}
	if got := auditor.open("/audit?action=pii.reveal"); got != http.StatusOK {
		t.Fatalf("/audit as auditor: status %d; text:\n%s", got, auditor.text("main"))
	}
	seen := auditor.auditRows()
	if j := slices.IndexFunc(seen, want); j < 0 || seen[j]["#"] != seq {
		t.Errorf("auditor does not see audit row #%s (pii.reveal of user %s); rows: %v", seq, userID, seen)
	}
	// The auditor is read-only: the user page shows the masked number and no reveal button.
	if got := auditor.open(href); got != http.StatusOK {
		t.Fatalf("auditor opening %s: status %d, want 200", href, got)
	}
	if got := strings.TrimSpace(auditor.text(phoneCell)); got != masked {
		t.Errorf("auditor sees phone %q, want masked %q", got, masked)
	}
	if n := len(auditor.attrs(`form[action$="/reveal-phone"]`, "action")); n != 0 {
		t.Errorf("auditor is offered %d reveal buttons, want none", n)
	}
}
