package feed

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strconv"
	"testing"
	"time"

	"github.com/minzheng/minzheng/internal/civil"
	"github.com/minzheng/minzheng/internal/idcard"
)

// testToday is the injected "today" of every test.
var testToday = civil.Date{Year: 2025, Month: 6, Day: 30}

// testHash stands in for pii.Keyring.Hash: deterministic, 64 lower-case hex digits.
func testHash(id string) string {
	sum := sha256.Sum256([]byte("test:" + id))
	return hex.EncodeToString(sum[:])
}

func testOptions() Options { return Options{Hasher: testHash, Today: testToday} }

// synthID is a valid synthetic ID number, different for each i; never a real person's.
func synthID(i int) string {
	birth := civil.Date{Year: 1940 + i%60, Month: time.Month(1 + i%12), Day: 1 + i%28}
	return idcard.Synthesize("370212", birth, i%1000).String()
}

// sample is one row written to a test file: the cells as written and, per field, the value the
// Row should give back, rendered canonically ("" for an empty field).
type sample struct {
	cells []string
	want  []string
}

// makeSample builds a valid row i of src. Spellings vary with i so every accepted form is read.
func makeSample(t testing.TB, src Source, i int, hashed bool) sample {
	t.Helper()
	s := sample{cells: make([]string, len(src.Fields)), want: make([]string, len(src.Fields))}
	for k, f := range src.Fields {
		var cell, want string
		switch f.Type {
		case TypeID:
			id := synthID(i)
			cell, want = id, testHash(id)
			if hashed {
				cell = want
			}
		case TypeDate:
			want = fmt.Sprintf("2024-%02d-%02d", 1+i%12, 1+i%28)
			cell = []string{want, want[:4] + "/" + want[5:7] + "/" + want[8:], want[:4] + want[5:7] + want[8:]}[i%3]
		case TypeMonth:
			want = fmt.Sprintf("2024-%02d", 1+i%12)
			cell = want
		case TypeMoney:
			want = fmt.Sprintf("%d.%02d", 1000+i, i%100)
			cell = []string{want, "1," + want[1:], "￥" + want}[i%3]
		case TypeInt:
			n := f.Min + int64(i)%(f.Max-f.Min+1)
			cell, want = strconv.FormatInt(n, 10), strconv.FormatInt(n, 10)
		case TypeEnum:
			j := i % len(f.Values)
			cell, want = f.Values[j], f.Values[j]
			if i%2 == 1 && f.ValueLabels != nil {
				cell = f.ValueLabels[j]
			}
		case TypeRegion:
			cell = []string{"370212000000", "370212", "370212001"}[i%3]
			want = cell
		case TypeText:
			cell = []string{"张三", "示例, 有逗号", "带\"引号\"的文本"}[i%3]
			if f.MaxLen < 10 {
				cell = "鲁B1234" + strconv.Itoa(i%10)
			}
			want = cell
		}
		if !f.Required && i%4 == 3 { // optional fields are sometimes left empty
			cell, want = "", ""
		}
		s.cells[k], s.want[k] = cell, want
	}
	return s
}

// render gives a Row's value of field k in the canonical form of sample.want.
func render(t testing.TB, row *Row, src Source, k int) string {
	t.Helper()
	switch src.Fields[k].Type {
	case TypeDate:
		d, _ := row.Date(k)
		return d.String()
	case TypeMonth:
		m, _ := row.Month(k)
		return m.String()
	case TypeMoney:
		f, ok := row.Fen(k)
		if !ok {
			return ""
		}
		return f.Plain()
	case TypeInt:
		n, ok := row.Int(k)
		if !ok {
			return ""
		}
		return strconv.FormatInt(n, 10)
	}
	s, _ := row.Text(k)
	return s
}

// csvFile writes samples with CSVWriter.
func csvFile(t testing.TB, src Source, rows []sample, hashed bool) []byte {
	t.Helper()
	var buf bytes.Buffer
	w := NewCSVWriter(&buf, src, hashed)
	for _, r := range rows {
		if err := w.Write(r.cells); err != nil {
			t.Fatal(err)
		}
	}
	if err := w.Flush(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// jsonlFile writes samples as JSON Lines, leaving out empty fields.
func jsonlFile(t testing.TB, src Source, rows []sample, hashed bool) []byte {
	t.Helper()
	var buf bytes.Buffer
	for _, r := range rows {
		obj := map[string]string{}
		for k, f := range src.Fields {
			name := f.Name
			if f.Type == TypeID {
				name = map[bool]string{true: ColIDHash, false: ColIDNumber}[hashed]
			}
			if r.cells[k] != "" {
				obj[name] = r.cells[k]
			}
		}
		b, err := json.Marshal(obj)
		if err != nil {
			t.Fatal(err)
		}
		buf.Write(append(b, '\n'))
	}
	return buf.Bytes()
}

// result is everything a Reader produced: the good rows rendered, and the errors.
type result struct {
	rows [][]string
	errs []*RowError
}

// readAll reads a file to the end; a *FileError fails the test.
func readAll(t testing.TB, src Source, format string, data []byte, opt Options) result {
	t.Helper()
	rd, err := NewReader(src, format, bytes.NewReader(data), opt)
	if err != nil {
		t.Fatalf("NewReader: %v", err)
	}
	var res result
	for {
		row, err := rd.Next()
		if err == io.EOF {
			return res
		}
		var re *RowError
		if errors.As(err, &re) {
			res.errs = append(res.errs, re)
			continue
		}
		if err != nil {
			t.Fatalf("Next: %v", err)
		}
		vals := make([]string, len(src.Fields))
		for k := range src.Fields {
			vals[k] = render(t, row, src, k)
		}
		res.rows = append(res.rows, vals)
	}
}

func mustLookup(t testing.TB, name string) Source {
	t.Helper()
	src, ok := Lookup(name)
	if !ok {
		t.Fatalf("no source %q", name)
	}
	return src
}
