package e2e

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strconv"
	"testing"

	"github.com/chromedp/chromedp"

	"github.com/minzheng/minzheng/internal/app"
	"github.com/minzheng/minzheng/internal/civil"
	"github.com/minzheng/minzheng/internal/region"
	"github.com/minzheng/minzheng/internal/registry"
	"github.com/minzheng/minzheng/internal/registry/roster"
	"github.com/minzheng/minzheng/internal/synth"
)

// firstCommunity returns the demo's first community under street, as the regions table has it:
// the synthetic households depend on the community's code and name.
func firstCommunity(t *testing.T, m *app.Main, street string) region.Division {
	t.Helper()
	d := region.Division{ParentCode: street, Level: region.Community}
	err := m.DB.QueryRow(context.Background(), `SELECT code, name FROM regions WHERE parent_code = ? ORDER BY code LIMIT 1`, street).
		Scan(&d.Code, &d.Name)
	if err != nil {
		t.Fatalf("first community under %s: %v", street, err)
	}
	return d
}

// writeRosterCSV generates n households of community with seed, writes them as a CSV roster in
// the template's layout to a temporary file, and returns its path and the households.
func writeRosterCSV(t *testing.T, seed uint64, community region.Division, n int) (string, []registry.HouseholdInput) {
	t.Helper()
	hs := synth.New(seed).Households(community, community.Code[:6], n, civil.Date{Year: 2025, Month: 6, Day: 1})
	var rows []roster.ExportRow
	for i, h := range hs {
		rows = append(rows, roster.ExportRows(strconv.Itoa(i+1), h)...)
	}
	var buf bytes.Buffer
	if err := roster.WriteCSV(&buf, rows, false); err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(t.TempDir(), "花名册.csv")
	if err := os.WriteFile(path, buf.Bytes(), 0o600); err != nil {
		t.Fatal(err)
	}
	return path, hs
}

// upload sets the files of a file input, as choosing them in the file dialog does.
func (b *tab) upload(css string, files ...string) {
	b.t.Helper()
	b.mustExist(css)
	if err := chromedp.Do(b.ctx, chromedp.SetUploadFiles(chromedp.CSS(css), files)); err != nil {
		b.t.Fatalf("choose %v for %s: %v", files, css, err)
	}
}

// tick clicks a checkbox (no navigation) and fails unless it ends up checked.
func (b *tab) tick(css string) {
	b.t.Helper()
	b.mustExist(css)
	if err := chromedp.Do(b.ctx, chromedp.Click(chromedp.CSS(css))); err != nil {
		b.t.Fatalf("click %s: %v", css, err)
	}
	if !eval[bool](b, `document.querySelector(`+jsString(css)+`).checked`) {
		b.t.Fatalf("%s is not checked after a click", css)
	}
}

// value returns the current value of a form field.
func (b *tab) value(css string) string {
	b.t.Helper()
	b.mustExist(css)
	return eval[string](b, `document.querySelector(`+jsString(css)+`).value`)
}

// fact returns the <dd> that follows the <dt> labelled dt in the page's first fact list.
func (b *tab) fact(dt string) string {
	b.t.Helper()
	return eval[string](b, `(() => {
		const dt = Array.from(document.querySelectorAll('main dl.facts dt')).find(e => e.innerText.trim() === `+jsString(dt)+`);
		return dt && dt.nextElementSibling ? dt.nextElementSibling.innerText.trim() : '';
	})()`)
}

// tableUnder reads the first data table after the <h2> headed heading, keyed by column headers
// as auditRows does.
func (b *tab) tableUnder(heading string) []auditRow {
	b.t.Helper()
	return eval[[]auditRow](b, `(() => {
		const h = Array.from(document.querySelectorAll('main h2')).find(e => e.innerText.trim() === `+jsString(heading)+`);
		let t = h && h.nextElementSibling;
		while (t && !(t.tagName === 'TABLE' && t.classList.contains('data'))) t = t.nextElementSibling;
		if (!t) return null;
		const heads = Array.from(t.querySelectorAll('thead th'), th => th.innerText.trim());
		return Array.from(t.querySelectorAll('tbody tr'), tr => {
			const row = {};
			tr.querySelectorAll('td').forEach((td, i) => { row[heads[i] || String(i)] = td.innerText.trim(); });
			return row;
		});
	})()`)
}

// fieldError returns the error shown beside a form field: the .field-error in the field's label.
func (b *tab) fieldError(css string) string {
	b.t.Helper()
	b.mustExist(css)
	return eval[string](b, `(() => {
		const l = document.querySelector(`+jsString(css)+`).closest('label');
		const e = l && l.querySelector('.field-error');
		return e ? e.innerText.trim() : '';
	})()`)
}

// countHouseholds counts the households in the database, to see that a dry run writes nothing.
func countHouseholds(t *testing.T, m *app.Main) int {
	t.Helper()
	var n int
	if err := m.DB.QueryRow(context.Background(), `SELECT COUNT(*) FROM households`).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

// in returns the same browser tab reporting to t, for use inside t.Run: a helper's Fatalf must
// stop the subtest that called it, not its parent from the subtest's goroutine.
func (b *tab) in(t *testing.T) *tab {
	return &tab{t: t, ctx: b.ctx, base: b.base}
}

// setValue sets a form field's value from a script, firing input and change as typing does.
// Unlike chromedp.SetValue (fill), it can empty a field.
func (b *tab) setValue(css, value string) {
	b.t.Helper()
	b.mustExist(css)
	eval[bool](b, `(() => {
		const e = document.querySelector(`+jsString(css)+`);
		e.value = `+jsString(value)+`;
		e.dispatchEvent(new Event('input', {bubbles: true}));
		e.dispatchEvent(new Event('change', {bubbles: true}));
		return true;
	})()`)
}
