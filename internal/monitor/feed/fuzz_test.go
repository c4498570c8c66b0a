package feed

import (
	"bytes"
	"errors"
	"io"
	"testing"
)

// readFuzz reads data to the end and fails on a panic (by not recovering) or on an error of any
// other type than *RowError, *FileError or io.EOF, or on a row with an impossible value.
func readFuzz(t *testing.T, src Source, format string, data []byte) {
	rd, err := NewReader(src, format, bytes.NewReader(data), testOptions())
	if err != nil {
		var fe *FileError
		if !errors.As(err, &fe) {
			t.Fatalf("NewReader: %v (%T)", err, err)
		}
		return
	}
	for n := 0; ; n++ {
		if n > len(data)+1 {
			t.Fatalf("more rows than bytes: the reader does not advance")
		}
		row, err := rd.Next()
		var re *RowError
		var fe *FileError
		switch {
		case err == io.EOF, errors.As(err, &fe):
			if _, again := rd.Next(); again != err {
				t.Fatalf("after %v, Next returned %v", err, again)
			}
			return
		case errors.As(err, &re):
			if re.Line < 1 || re.Msg == "" {
				t.Fatalf("RowError %+v", re)
			}
			continue
		case err != nil:
			t.Fatalf("Next: %v (%T)", err, err)
		}
		if len(row.IDHash()) != 64 {
			t.Fatalf("row %d: IDHash %q", row.Line, row.IDHash())
		}
		_ = row.Key()
	}
}

func FuzzReadCSV(f *testing.F) {
	src := mustLookup(f, "medical")
	var seeds []sample
	for i := range 4 {
		seeds = append(seeds, makeSample(f, src, i, i%2 == 0))
	}
	f.Add(csvFile(f, src, seeds[:2], false))
	f.Add(csvFile(f, src, seeds[2:], true))
	f.Add([]byte("身份证号,年度,个人自付费用（元）\n\"" + synthID(1) + "\",\"20\"\"24\",\"1\n2\"\n"))
	f.Add([]byte("id_hash\tyear\tout_of_pocket\n" + testHash("x") + "\t2024\t1.5\r\n,,\n\"unterminated"))
	f.Add([]byte("\xEF\xBB\xBFid_number,year,out_of_pocket\n"))
	f.Fuzz(func(t *testing.T, data []byte) { readFuzz(t, src, "csv", data) })
}

func FuzzReadJSONL(f *testing.F) {
	src := mustLookup(f, "medical")
	var seeds []sample
	for i := range 4 {
		seeds = append(seeds, makeSample(f, src, i, i%2 == 0))
	}
	f.Add(jsonlFile(f, src, seeds[:2], false))
	f.Add(jsonlFile(f, src, seeds[2:], true))
	f.Add([]byte(`{"id_number":"` + synthID(1) + `","year":2024,"out_of_pocket":1e3,"name":null}` + "\n[1,2]\n{\"id_hash\":"))
	f.Fuzz(func(t *testing.T, data []byte) { readFuzz(t, src, "jsonl", data) })
}
