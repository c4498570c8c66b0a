package roster

import (
	"bytes"
	"fmt"
	"os"
	"strings"
	"testing"
)

const (
	docPath   = "../../../docs/roster-template.md"
	docBegin  = "<!-- columns:begin (generated from internal/registry/roster/columns.go; go test ./internal/registry/roster -update) -->\n"
	docEnd    = "<!-- columns:end -->\n"
	exBegin   = "<!-- example:begin -->\n"
	exEnd     = "<!-- example:end -->\n"
	notesBeg  = "<!-- notes:begin -->\n"
	notesDone = "<!-- notes:end -->\n"
)

// columnTable renders the column table as docs/roster-template.md shows it.
func columnTable() string {
	var b strings.Builder
	b.WriteString("| 列 | 列名 | 必填 | 范围 | 填写说明 |\n|---|---|---|---|---|\n")
	for i, c := range columns {
		fmt.Fprintf(&b, "| %s | %s | %s | %s | %s |\n", colName(i), c.header, yesNo(c.required), scope(c), describe(c))
	}
	return b.String()
}

// exampleCSV is the template's example household as CSV, as the docs show it.
func exampleCSV(t *testing.T) string {
	var b bytes.Buffer
	if err := WriteCSV(&b, exampleRows(), false); err != nil {
		t.Fatal(err)
	}
	text := strings.ReplaceAll(strings.TrimPrefix(b.String(), "\ufeff"), "\r\n", "\n")
	return "```csv\n" + text + "```\n"
}

func notesList() string {
	var b strings.Builder
	for i, n := range templateNotes {
		fmt.Fprintf(&b, "%d. %s\n", i+1, n)
	}
	return b.String()
}

// TestDocMatchesColumns keeps docs/roster-template.md in step with the column table: the
// generated sections must be exactly what the code would write.
func TestDocMatchesColumns(t *testing.T) {
	data, err := os.ReadFile(docPath)
	if err != nil {
		t.Fatal(err)
	}
	doc := string(data)
	for _, s := range []struct{ begin, end, body string }{
		{docBegin, docEnd, columnTable()}, {exBegin, exEnd, exampleCSV(t)}, {notesBeg, notesDone, notesList()},
	} {
		i, j := strings.Index(doc, s.begin), strings.Index(doc, s.end)
		if i < 0 || j < i {
			t.Fatalf("%s lacks the markers %q … %q", docPath, s.begin, s.end)
		}
		if got := doc[i+len(s.begin) : j]; got != s.body {
			if !*update {
				t.Errorf("%s section %q is stale; run go test ./internal/registry/roster -update", docPath, strings.TrimSpace(s.begin))
				continue
			}
			doc = doc[:i+len(s.begin)] + s.body + doc[j:]
		}
	}
	if *update {
		if err := os.WriteFile(docPath, []byte(doc), 0o644); err != nil {
			t.Fatal(err)
		}
	}
}
