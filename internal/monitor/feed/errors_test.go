package feed

import (
	"errors"
	"io"
	"strings"
	"testing"
	"testing/iotest"

	"github.com/google/go-cmp/cmp"
	"github.com/minzheng/minzheng/internal/apperr"
)

// rowErrs is what a test expects of a file: each bad row's line, field and key.
type rowErrs []struct {
	Line       int
	Field, Key string
}

// TestRowErrors: every class of bad value is a RowError with the right line and field, and the
// rows after it are still read.
func TestRowErrors(t *testing.T) {
	id, id2 := synthID(1), synthID(2)
	badCheck := id[:17] + string("0123456789X"[(strings.IndexByte("0123456789X", id[17])+1)%11])
	tests := []struct {
		name, source, format, data string
		want                       rowErrs
		good                       int // rows read without error
	}{
		{"wrong column count", "death", "csv", "id_number,death_date\n" + id + ",2024-01-01,x\n" + id2 + ",2024-01-01\n",
			rowErrs{{2, "", "feed.columns"}}, 1},
		{"bad date", "death", "csv", "id_number,death_date\n" + id + ",2024-02-30\n" + id2 + ",2024-01-01\n",
			rowErrs{{2, "death_date", "feed.date_format"}}, 1},
		{"date with dots", "death", "csv", "id_number,death_date\n\n\n" + id + ",2024.01.01\n",
			rowErrs{{4, "death_date", "feed.date_format"}}, 0},
		{"future date", "death", "csv", "id_number,death_date\n" + id + ",2025-07-01\n" + id2 + ",2025-06-30\n",
			rowErrs{{2, "death_date", "feed.date_future"}}, 1},
		{"future release allowed", "prison", "csv", "id_number,from,to\n" + id + ",2020-01-01,2030-01-01\n", nil, 1},
		{"future month", "income", "csv", "id_number,month,income\n" + id + ",2025-07,100\n", rowErrs{{2, "month", "feed.month_future"}}, 0},
		{"bad money", "medical", "csv", "id_number,year,out_of_pocket\n" + id + ",2024,12.345\n" + id2 + ",2024,1,234.5\n" + id2 + ",2024,\"1,234.5\"\n",
			rowErrs{{2, "out_of_pocket", "feed.money_format"}, {3, "", "feed.columns"}}, 1},
		{"negative money", "medical", "csv", "id_number,year,out_of_pocket\n" + id + ",2024,-5\n",
			rowErrs{{2, "out_of_pocket", "feed.money_negative"}}, 0},
		{"int range", "disability", "csv", "id_number,grade,category,issued_on\n" + id + ",5,肢体,2020-01-01\n",
			rowErrs{{2, "grade", "feed.int_range"}}, 0},
		{"bad enum", "disability", "csv", "id_number,grade,category,issued_on\n" + id + ",1,腿,2020-01-01\n" + id2 + ",1,PHYSICAL,2020-01-01\n",
			rowErrs{{2, "category", "feed.enum"}}, 1},
		{"bad region", "death", "csv", "id_number,death_date,region\n" + id + ",2024-01-01,3702\n",
			rowErrs{{2, "region", "feed.region"}}, 0},
		{"required empty", "death", "csv", "id_number,death_date\n" + id + ", \n,2024-01-01\n",
			rowErrs{{2, "death_date", "feed.required"}, {3, "id", "feed.required"}}, 0},
		{"bad ID checksum", "death", "csv", "身份证号,死亡日期\n" + badCheck + ",2024-01-01\n" + id + ",2024-01-01\n",
			rowErrs{{2, "id", "feed.id.check_digit"}}, 1},
		{"ID in Excel notation", "death", "csv", "身份证号,死亡日期\n3.70212E+17,2024-01-01\n", rowErrs{{2, "id", "feed.id.excel"}}, 0},
		{"bad hash", "death", "csv", "id_hash,death_date\n" + testHash(id)[:63] + "g,2024-01-01\n" + testHash(id)[:60] + ",2024-01-01\n",
			rowErrs{{2, "id", "feed.id_hash"}, {3, "id", "feed.id_hash"}}, 0},
		{"text control", "death", "csv", "id_number,death_date,name\n" + id + ",2024-01-01,\"张\n三\"\n" + id2 + ",2024-01-01,李四\n",
			rowErrs{{2, "name", "feed.text_control"}}, 1},
		{"text too long", "vehicle", "csv", "id_number,plate,registered_on\n" + id + ",鲁B123456789,2024-01-01\n",
			rowErrs{{2, "plate", "feed.text_long"}}, 0},
		{"bare quote", "death", "csv", "id_number,death_date,name\n" + id + ",2024-01-01,张\"三\n" + id2 + ",2024-01-01,李四\n",
			rowErrs{{2, "", "feed.csv_bare_quote"}}, 1},
		{"truncated quote", "death", "csv", "id_number,death_date,name\n" + id + ",2024-01-01,李四\n" + id2 + ",2024-01-01,\"张",
			rowErrs{{3, "", "feed.csv_quote"}}, 1},
		{"truncated last line", "death", "csv", "id_number,death_date,name\n" + id + ",2024-01-01,李四\n" + id2 + ",2024-0",
			rowErrs{{3, "", "feed.columns"}}, 1},
		{"truncated inside value", "death", "csv", "id_number,death_date\n" + id + ",2024-01-01\n" + id2 + ",2024-0",
			rowErrs{{3, "death_date", "feed.date_format"}}, 1},
		{"content in unnamed column", "death", "csv", "id_number,death_date,\n" + id + ",2024-01-01,\n" + id2 + ",2024-01-01,x\n",
			rowErrs{{3, "", "feed.unnamed_column"}}, 1},
		{"truncated JSON", "death", "jsonl", `{"id_number":"` + id + `","death_date":"2024-01-01"}` + "\n" + `{"id_number":"` + id2 + `","death_da`,
			rowErrs{{2, "", "feed.json"}}, 1},
		{"JSON unknown key", "death", "jsonl", `{"id_number":"` + id + `","died":"2024-01-01"}`, rowErrs{{1, "", "feed.json_key"}}, 0},
		{"JSON missing key", "death", "jsonl", `{"id_number":"` + id + `"}`, rowErrs{{1, "death_date", "feed.required"}}, 0},
		{"JSON both ids", "death", "jsonl", `{"id_number":"` + id + `","id_hash":"` + testHash(id) + `","death_date":"2024-01-01"}`,
			rowErrs{{1, "", "feed.both_id"}}, 0},
		{"JSON repeated key", "death", "jsonl", `{"id_number":"` + id + `","death_date":"2024-01-01","death_date":"2024-01-02"}`,
			rowErrs{{1, "death_date", "feed.json_repeated"}}, 0},
		{"JSON nested value", "death", "jsonl", `{"id_number":"` + id + `","death_date":["2024-01-01"]}`,
			rowErrs{{1, "death_date", "feed.json_value"}}, 0},
		{"JSON trailing data", "death", "jsonl", `{"id_number":"` + id + `","death_date":"2024-01-01"} x`, rowErrs{{1, "", "feed.json"}}, 0},
		{"JSON number values", "medical", "jsonl", `{"id_number":"` + id + `","year":2024,"out_of_pocket":1234.5,"total_cost":null}`, nil, 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			res := readAll(t, mustLookup(t, tt.source), tt.format, []byte(tt.data), testOptions())
			var got rowErrs
			for _, e := range res.errs {
				got = append(got, struct {
					Line       int
					Field, Key string
				}{e.Line, e.Field, e.Key})
				if !strings.HasPrefix(e.Msg, "第") || strings.Contains(e.Msg, "«") || strings.Contains(e.Msg, id) {
					t.Errorf("message %q: not a row message, missing catalogue key, or leaks the ID", e.Msg)
				}
			}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("row errors (-want +got):\n%s", diff)
			}
			if len(res.rows) != tt.good {
				t.Errorf("%d good rows, want %d", len(res.rows), tt.good)
			}
		})
	}
}

func TestRowErrorMessage(t *testing.T) {
	src := mustLookup(t, "death")
	res := readAll(t, src, "csv", []byte("id_number,死亡日期\n"+synthID(1)+",2024-13-01\n"), testOptions())
	if len(res.errs) != 1 {
		t.Fatalf("errors: %v", res.errs)
	}
	want := "第2行 死亡日期：日期格式应为 YYYY-MM-DD（或 YYYY/MM/DD、YYYYMMDD），且须是存在的日期"
	if res.errs[0].Error() != want {
		t.Errorf("message %q, want %q", res.errs[0].Error(), want)
	}
}

// TestFileErrors: problems with the file as a whole are a *FileError from NewReader.
func TestFileErrors(t *testing.T) {
	id := synthID(1)
	tests := []struct {
		name, source, format, data, key, mention string
	}{
		{"unknown column", "death", "csv", "id_number,death_date,cause\n" + id + ",2024-01-01,x\n", "feed.unknown_columns", "“cause”"},
		{"missing required column", "medical", "csv", "id_number,year\n" + id + ",2024\n", "feed.missing_columns", "个人自付费用（元）"},
		{"missing identity", "death", "csv", "death_date\n2024-01-01\n", "feed.missing_columns", "身份证号"},
		{"both identity columns", "death", "csv", "id_number,id_hash,death_date\n", "feed.both_id", ""},
		{"repeated column", "death", "csv", "id_number,death_date,死亡日期\n", "feed.duplicate_column", "死亡日期"},
		{"empty header cell", "death", "csv", "id_number,,death_date\n", "feed.empty_header", "第2列"},
		{"empty file", "death", "csv", "\n\n", "feed.no_header", ""},
		{"not a workbook", "death", "xlsx", "id_number,death_date\n", "feed.xlsx", ""},
		{"unsupported format", "death", "xls", "", "feed.format", ""},
		{"not text", "death", "csv", "\x81\x20\xff\xfe\x00", "feed.encoding", ""},
		{"header quote", "death", "csv", "id_number,\"death_date\n", "feed.bad_header", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := NewReader(mustLookup(t, tt.source), tt.format, strings.NewReader(tt.data), testOptions())
			var fe *FileError
			if !errors.As(err, &fe) {
				t.Fatalf("err = %v (%T), want *FileError", err, err)
			}
			if fe.Key != tt.key || !strings.Contains(fe.Msg, tt.mention) || strings.Contains(fe.Msg, "«") {
				t.Errorf("FileError %s %q, want key %s mentioning %q", fe.Key, fe.Msg, tt.key, tt.mention)
			}
			if apperr.KindOf(err) != apperr.Invalid {
				t.Errorf("kind %v, want Invalid", apperr.KindOf(err))
			}
		})
	}
}

func TestNewReaderNeedsOptions(t *testing.T) {
	src := mustLookup(t, "death")
	for name, opt := range map[string]Options{
		"no hasher":    {Today: testToday},
		"no today":     {Hasher: testHash},
		"bad encoding": {Hasher: testHash, Today: testToday, Encoding: "latin1"},
	} {
		t.Run(name, func(t *testing.T) {
			_, err := NewReader(src, "csv", strings.NewReader("id_number,death_date\n"), opt)
			var fe *FileError
			if err == nil || errors.As(err, &fe) {
				t.Fatalf("err = %v, want a plain error", err)
			}
		})
	}
}

// TestStopsOnFileError: a runaway line or a failing reader ends the file with a *FileError, and
// Next keeps returning it.
func TestStopsOnFileError(t *testing.T) {
	head := "id_number,death_date\n" + synthID(1) + ",2024-01-01\n"
	tests := []struct {
		name string
		r    io.Reader
		key  string
		kind apperr.Kind
	}{
		{"line too long", strings.NewReader(head + strings.Repeat("x", maxLine+10) + "\n"), "feed.line_too_long", apperr.Invalid},
		{"read failure", io.MultiReader(strings.NewReader(head+strings.Repeat(synthID(2)+",2024-01-01\n", 5000)),
			iotest.ErrReader(errors.New("disk"))), "feed.read", apperr.Internal},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rd, err := NewReader(mustLookup(t, "death"), "csv", tt.r, testOptions())
			if err != nil {
				t.Fatal(err)
			}
			for err == nil {
				_, err = rd.Next()
			}
			for range 2 {
				var fe *FileError
				if !errors.As(err, &fe) || fe.Key != tt.key || apperr.KindOf(err) != tt.kind {
					t.Fatalf("err = %v, want FileError %s of kind %v", err, tt.key, tt.kind)
				}
				_, err = rd.Next()
			}
			if rd.Rows() < 1 {
				t.Error("no row read before the failure")
			}
		})
	}
}
