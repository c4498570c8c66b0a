package feed

import (
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// TestSplitCSV checks the hand-written splitter on the quoting cases of RFC 4180 and on what
// Excel writes.
func TestSplitCSV(t *testing.T) {
	tests := []struct {
		name, in string
		want     [][]string // cells of each record
		lines    []int      // line each record starts on
	}{
		{"plain", "a,b,c\n1,2,3\n", [][]string{{"a", "b", "c"}, {"1", "2", "3"}}, []int{1, 2}},
		{"CRLF and empty cells", "a,,c\r\n,,\r\n", [][]string{{"a", "", "c"}, {"", "", ""}}, []int{1, 2}},
		{"quoted comma", `x,"a,b",y` + "\n", [][]string{{"x", "a,b", "y"}}, []int{1}},
		{"escaped quotes", `"say ""hi""",""` + "\n", [][]string{{`say "hi"`, ""}}, []int{1}},
		{"line break in quotes", "\"a\r\nb\",c\nd,e\n", [][]string{{"a\nb", "c"}, {"d", "e"}}, []int{1, 3}},
		{"spaces around quotes", ` "a" , "b"` + "\n", [][]string{{"a", "b"}}, []int{1}},
		{"no final newline", "a,\"b\"", [][]string{{"a", "b"}}, []int{1}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			in, err := openInput(strings.NewReader(tt.in), "")
			if err != nil {
				t.Fatal(err)
			}
			c := &csvRecords{in: in, comma: ','}
			var got [][]string
			var lines []int
			for {
				b, err := in.next()
				if err != nil {
					break
				}
				line := in.line
				cells, err := c.split(b, line)
				if err != nil {
					t.Fatalf("line %d: %v", line, err)
				}
				rec := make([]string, len(cells))
				for i, cell := range cells {
					rec[i] = strings.TrimSpace(string(cell))
				}
				got, lines = append(got, rec), append(lines, line)
			}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("cells (-want +got):\n%s", diff)
			}
			if diff := cmp.Diff(tt.lines, lines); diff != "" {
				t.Errorf("lines (-want +got):\n%s", diff)
			}
		})
	}
}

func TestTabSeparated(t *testing.T) {
	data := "身份证号\t死亡日期\n" + synthID(5) + "\t2024-01-01\n"
	res := readAll(t, mustLookup(t, "death"), "csv", []byte(data), testOptions())
	if len(res.errs) > 0 || len(res.rows) != 1 || res.rows[0][1] != "2024-01-01" {
		t.Fatalf("rows %v, errors %v", res.rows, res.errs)
	}
}

func TestCSVWriterWidth(t *testing.T) {
	w := NewCSVWriter(&strings.Builder{}, mustLookup(t, "death"), true)
	if err := w.Write([]string{"only one"}); err == nil {
		t.Error("Write accepted a short row")
	}
}
