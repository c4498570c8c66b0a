package app

import (
	"bytes"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/minzheng/minzheng/internal/civil"
	"github.com/minzheng/minzheng/internal/region"
	"github.com/minzheng/minzheng/internal/registry/roster"
	"github.com/minzheng/minzheng/internal/synth"
)

// writeRoster writes a CSV roster of n synthetic households of one 崂山区 community.
func writeRoster(t *testing.T, dir string, n int) (string, string) {
	t.Helper()
	community := region.Division{Code: "370212001001", Name: "测试社区居民委员会", ParentCode: "370212001", Level: region.Community}
	var rows []roster.ExportRow
	for i, h := range synth.New(7).Households(community, "370212", n, civil.Date{Year: 2025, Month: 6, Day: 1}) {
		rows = append(rows, roster.ExportRows(strconv.Itoa(i+1), h)...)
	}
	var buf bytes.Buffer
	if err := roster.WriteCSV(&buf, rows, false); err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(dir, "roster.csv")
	if err := os.WriteFile(path, buf.Bytes(), 0o600); err != nil {
		t.Fatal(err)
	}
	return path, community.Code
}

func TestCLIImport(t *testing.T) {
	dir := t.TempDir()
	// The community must exist: the demo city's generator makes 370212001001.
	if code, _, errOut := runCLI(t, dir, "gen", "--households", "0"); code != 0 {
		t.Fatalf("gen: %s", errOut)
	}
	path, _ := writeRoster(t, t.TempDir(), 20)
	code, out, errOut := runCLI(t, dir, "import", "--dry-run", path)
	if code != 0 || !strings.Contains(out, "dry run, nothing written") || !strings.Contains(out, "20 households (20 new") {
		t.Fatalf("dry run: %d %s %s", code, out, errOut)
	}
	code, out, _ = runCLI(t, dir, "import", path)
	if code != 0 || !strings.Contains(out, "(20 new, 0 updated, 0 unchanged)") {
		t.Fatalf("import: %d %s", code, out)
	}
	code, out, _ = runCLI(t, dir, "import", path)
	if code != 0 || !strings.Contains(out, "(0 new, 0 updated, 20 unchanged)") {
		t.Fatalf("re-import: %d %s", code, out)
	}
	// Outside the scope: every household is refused, nothing written.
	code, out, _ = runCLI(t, dir, "import", "--scope", "370202", path)
	if code != 1 || !strings.Contains(out, "管辖范围以外") || !strings.Contains(out, "nothing written") {
		t.Fatalf("out of scope: %d %s", code, out)
	}
	bad := filepath.Join(t.TempDir(), "bad.xlsx")
	os.WriteFile(bad, []byte("this is not a spreadsheet"), 0o600)
	if code, _, errOut := runCLI(t, dir, "import", bad); code != 1 || errOut == "" {
		t.Fatalf("renamed text file: %d %s", code, errOut)
	}
}
