package roster

import (
	"bytes"
	"strings"
	"testing"
)

// FuzzParseCSV feeds arbitrary bytes to the parser: it must never panic, and every error it
// reports must point at a real row.
func FuzzParseCSV(f *testing.F) {
	var b bytes.Buffer
	if err := WriteCSV(&b, sampleRows(), false); err != nil {
		f.Fatal(err)
	}
	f.Add(b.Bytes())
	f.Add([]byte(strings.Join(Headers(), ",") + "\nH1,\"unclosed\n"))
	f.Add([]byte("户编号,姓名,身份证号\n1,张,370212600101123\n1,李,3702\n"))
	f.Add([]byte("\xEF\xBB\xBF户编号\t姓名\n\xff\xfe"))
	f.Add([]byte{0xFF, 0xFE, 'a', 0, ',', 0})
	f.Add([]byte("PK\x03\x04garbage"))
	f.Fuzz(func(t *testing.T, data []byte) {
		res, err := Parse(bytes.NewReader(data), "fuzz.csv", Limits{MaxRows: 1000})
		if err != nil {
			return
		}
		if len(res.Errors) > MaxErrors+1 {
			t.Fatalf("%d errors, over the cap", len(res.Errors))
		}
		for i, e := range res.Errors {
			if e.Row < 1 || e.Message == "" {
				t.Fatalf("bad error %#v", e)
			}
			if i > 0 && i < MaxErrors && e.Row < res.Errors[i-1].Row {
				t.Fatalf("errors out of order at %d: %v", i, res.Errors)
			}
		}
		for _, h := range res.Households {
			if h.FirstRow < 1 || len(h.MemberRows) != len(h.Input.Members) {
				t.Fatalf("bad household %+v", h)
			}
		}
	})
}
