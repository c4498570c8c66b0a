package app

import (
	"bytes"
	"context"
	"io"
	"net/http"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"

	"github.com/minzheng/minzheng/internal/audit"
)

// TestExportMaskedAndFull downloads the demo's households as .xlsx through the API: masked for an
// auditor, unmasked for the city administrator, refused unmasked to the auditor, each audited.
func TestExportMaskedAndFull(t *testing.T) {
	m := startDemo(t, "")
	cell := func(c *http.Client, url string) (int, string) {
		t.Helper()
		resp, err := c.Get(m.URL() + url)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		if resp.StatusCode != http.StatusOK {
			return resp.StatusCode, string(b)
		}
		f, err := excelize.OpenReader(bytes.NewReader(b))
		if err != nil {
			t.Fatalf("not an xlsx: %v", err)
		}
		rows, err := f.GetRows(f.GetSheetList()[0])
		if err != nil || len(rows) < 2 {
			t.Fatalf("rows: %v %d", err, len(rows))
		}
		for i, h := range rows[0] {
			if strings.HasPrefix(h, "身份证号") {
				return resp.StatusCode, rows[1][i]
			}
		}
		t.Fatal("no 身份证号 column")
		return 0, ""
	}
	query := "/api/v1/persons/export.xlsx?region=370212001"
	if code, id := cell(signIn(t, m, "auditor"), query); code != 200 || !strings.Contains(id, "********") {
		t.Fatalf("auditor masked export: %d %q", code, id)
	}
	if code, _ := cell(signIn(t, m, "auditor"), query+"&full=true"); code != http.StatusForbidden {
		t.Fatalf("auditor full export: status %d, want 403", code)
	}
	if code, id := cell(signIn(t, m, "admin"), query+"&full=true"); code != 200 || len(id) != 18 || strings.Contains(id, "*") {
		t.Fatalf("admin full export: %d %q", code, id)
	}
	recs, _, err := audit.Search(context.Background(), m.DB, audit.Filter{Action: "export"})
	if err != nil || len(recs) != 2 {
		t.Fatalf("export audit events: %d, err %v; want 2", len(recs), err)
	}
}
