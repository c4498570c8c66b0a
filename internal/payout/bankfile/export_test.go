package bankfile

import (
	"bytes"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/xuri/excelize/v2"
	"golang.org/x/text/encoding/simplifiedchinese"

	"github.com/minzheng/minzheng/internal/apperr"
	"github.com/minzheng/minzheng/internal/civil"
	"github.com/minzheng/minzheng/internal/money"
	"github.com/minzheng/minzheng/internal/payout"
	"github.com/minzheng/minzheng/internal/pii"
)

// fixture is a roster of four households: a regular line; a regular line with arrears and a
// recovery; a regular line and a recovery that cancel out; a one-off.
type fixture struct {
	keys   *pii.Keyring
	roster *payout.Roster
	lines  []payout.Line
	sealed map[int64]string
}

func newFixture(t *testing.T) *fixture {
	t.Helper()
	keys, err := pii.GenerateKeyring()
	if err != nil {
		t.Fatal(err)
	}
	f := &fixture{keys: keys, sealed: map[int64]string{}}
	accounts := map[int64]string{101: "6222020200001234567", 102: "6217000010002223334", 103: "6228480000000000001", 104: "6013820800000000088"}
	names := map[int64]string{101: "张三", 102: "李四", 103: "王五", 104: "赵六"}
	for hid, acc := range accounts {
		s, err := keys.Seal(acc, payout.AccountField)
		if err != nil {
			t.Fatal(err)
		}
		f.sealed[hid] = s
	}
	add := func(id, hid int64, kind string, amount money.Fen, reason string) {
		f.lines = append(f.lines, payout.Line{ID: id, RosterID: 7, HouseholdID: hid, RegionCode: "370212001001", Kind: kind,
			Amount: amount, Reason: reason, PayeeName: names[hid], Bank: "中国工商银行青岛崂山支行",
			AccountMasked: pii.MaskBank(accounts[hid])})
	}
	add(1, 101, payout.Regular, 104500, "")
	add(2, 102, payout.Regular, 80000, "")
	add(9, 102, payout.Arrears, 20000, "补发 2024年4月至2024年5月")
	add(10, 102, payout.Recovery, -5000, "追回 多发 2024年3月")
	add(3, 103, payout.Regular, 30000, "")
	add(11, 103, payout.Recovery, -30000, "追回 重复发放")
	add(4, 104, payout.OneOff, 150000, "")
	var total money.Fen
	for _, l := range f.lines {
		total += l.Amount
	}
	f.roster = &payout.Roster{ID: 7, Month: civil.Month{Year: 2024, Month: time.June}, Program: "dibao", District: "370212",
		Status: payout.Approved, Total: total}
	return f
}

func (f *fixture) source(fn func(payout.Line, string) error) error {
	for _, l := range f.lines {
		if err := fn(l, f.sealed[l.HouseholdID]); err != nil {
			return err
		}
	}
	return nil
}

func TestWriteCSVDefaultLayout(t *testing.T) {
	f := newFixture(t)
	var buf bytes.Buffer
	tot, err := Write(&buf, f.roster, f.source, f.keys, Options{Format: CSV})
	if err != nil {
		t.Fatal(err)
	}
	want := "序号,明细号,户编号,区划代码,户名,开户银行,银行账号,金额（元）,摘要\r\n" +
		"1,1,101,370212001001,张三,中国工商银行青岛崂山支行,6222020200001234567,1045.00,2024年6月最低生活保障（低保）\r\n" +
		"2,2,102,370212001001,李四,中国工商银行青岛崂山支行,6217000010002223334,950.00,2024年6月最低生活保障（低保）；补发 2024年4月至2024年5月；追回 多发 2024年3月\r\n" +
		"3,4,104,370212001001,赵六,中国工商银行青岛崂山支行,6013820800000000088,1500.00,2024年6月最低生活保障（低保）\r\n" +
		"3,合计,,,,,,3495.00,\r\n"
	if diff := cmp.Diff(want, buf.String()); diff != "" {
		t.Errorf("file (-want +got):\n%s", diff)
	}
	if want := (Totals{Rows: 3, Lines: 7, Amount: 349500, Skipped: 1}); tot != want {
		t.Errorf("totals %+v, want %+v", tot, want)
	}
}

func TestWriteGBKAndPerLine(t *testing.T) {
	f := newFixture(t)
	l := Layout{Rows: PerLine, NoTrailer: true, Columns: []Column{{"明细号", LineID}, {"收款人", PayeeName}, {"账号", Account},
		{"金额（分）", AmountFen}, {"类别", Kind}}}
	f.lines = []payout.Line{f.lines[0], f.lines[1], f.lines[2]}
	f.roster.Total = 104500 + 80000 + 20000
	var buf bytes.Buffer
	if _, err := Write(&buf, f.roster, f.source, f.keys, Options{Format: CSV, Encoding: "GBK", Layout: l}); err != nil {
		t.Fatal(err)
	}
	text, err := simplifiedchinese.GBK.NewDecoder().Bytes(buf.Bytes())
	if err != nil {
		t.Fatal(err)
	}
	want := "明细号,收款人,账号,金额（分）,类别\r\n1,张三,6222020200001234567,104500,正常发放\r\n" +
		"2,李四,6217000010002223334,80000,正常发放\r\n9,李四,6217000010002223334,20000,补发\r\n"
	if diff := cmp.Diff(want, string(text)); diff != "" {
		t.Errorf("file (-want +got):\n%s", diff)
	}
}

func TestWriteRefusals(t *testing.T) {
	tests := []struct {
		name   string
		change func(f *fixture, o *Options)
		want   string
	}{
		{"household without account", func(f *fixture, o *Options) { delete(f.sealed, 102); delete(f.sealed, 104) },
			"以下 2 户没有登记收款银行账户，不能导出银行文件（户编号：102、104）"},
		{"negative line per line", func(f *fixture, o *Options) { o.Layout = DefaultLayout(); o.Layout.Rows = PerLine },
			"以下 2 户的发放金额为负数（追回超过应发），银行无法代发（户编号：102、103）"},
		{"rare character in GBK", func(f *fixture, o *Options) {
			f.lines[0].PayeeName = "张𠮷"
			o.Encoding = GBK
		}, "以下 1 户的户名、开户银行或原因含有 GBK 编码无法表示的字符"},
		{"bad format", func(f *fixture, o *Options) { o.Format = "pdf" }, "文件格式应为 xlsx 或 csv"},
		{"bad encoding", func(f *fixture, o *Options) { o.Encoding = "big5" }, "文字编码应为 utf-8 或 gbk"},
		{"total differs", func(f *fixture, o *Options) { f.roster.Total++ }, "totals"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := newFixture(t)
			opt := Options{Format: CSV}
			tt.change(f, &opt)
			var buf bytes.Buffer
			_, err := Write(&buf, f.roster, f.source, f.keys, opt)
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("err = %v, want %q", err, tt.want)
			}
			if buf.Len() != 0 {
				t.Errorf("a refused export wrote %d bytes", buf.Len())
			}
		})
	}
}

func TestWriteRefusalKinds(t *testing.T) {
	f := newFixture(t)
	delete(f.sealed, 101)
	_, err := Write(&bytes.Buffer{}, f.roster, f.source, f.keys, Options{})
	if apperr.KindOf(err) != apperr.Conflict {
		t.Errorf("missing account: kind %v, want conflict", apperr.KindOf(err))
	}
	_, err = Write(&bytes.Buffer{}, f.roster, f.source, f.keys, Options{Format: "doc"})
	if apperr.KindOf(err) != apperr.Invalid {
		t.Errorf("bad format: kind %v, want invalid", apperr.KindOf(err))
	}
}

func TestWriteXLSX(t *testing.T) {
	f := newFixture(t)
	var buf bytes.Buffer
	l := DefaultLayout()
	l.Columns = append(l.Columns, Column{"金额（分）", AmountFen}, Column{"发放月份", Month}, Column{"项目代码", ProgramCode},
		Column{"账号（脱敏）", AccountMasked}, Column{"类别", Kind}, Column{"原因", Reason}, Column{"项目", Program})
	tot, err := Write(&buf, f.roster, f.source, f.keys, Options{Format: XLSX, Layout: l})
	if err != nil {
		t.Fatal(err)
	}
	x, err := excelize.OpenReader(&buf)
	if err != nil {
		t.Fatal(err)
	}
	defer x.Close()
	rows, err := x.GetRows(sheetName, excelize.Options{RawCellValue: true})
	if err != nil {
		t.Fatal(err)
	}
	if len(rows) != 5 {
		t.Fatalf("%d rows, want header, 3 rows and the trailer: %q", len(rows), rows)
	}
	want := []string{"2", "2", "102", "370212001001", "李四", "中国工商银行青岛崂山支行", "6217000010002223334", "950.00",
		"2024年6月最低生活保障（低保）；补发 2024年4月至2024年5月；追回 多发 2024年3月", "95000", "2024-06", "dibao",
		"6217 **** **** 3334", "正常发放、补发、追回", "补发 2024年4月至2024年5月；追回 多发 2024年3月", "最低生活保障（低保）"}
	if diff := cmp.Diff(want, rows[2]); diff != "" {
		t.Errorf("row 3 (-want +got):\n%s", diff)
	}
	if got := rows[4]; got[0] != "3" || got[1] != "合计" || got[7] != "3495.00" || got[9] != "349500" {
		t.Errorf("trailer %q", got)
	}
	typ, err := x.GetCellType(sheetName, "G3")
	if err != nil || typ == excelize.CellTypeNumber {
		t.Errorf("account cell type %v (%v): must be text", typ, err)
	}
	if tot.Rows != 3 || tot.Amount != 349500 {
		t.Errorf("totals %+v", tot)
	}
}

func TestWriteUnopenableAccount(t *testing.T) {
	f := newFixture(t)
	other, _ := pii.GenerateKeyring()
	f.keys = other
	var buf bytes.Buffer
	if _, err := Write(&buf, f.roster, f.source, f.keys, Options{}); err == nil || buf.Len() != 0 {
		t.Fatalf("account sealed with other keys: err %v, %d bytes written", err, buf.Len())
	}
}

func TestSourceErrorStops(t *testing.T) {
	f := newFixture(t)
	boom := errors.New("boom")
	src := func(fn func(payout.Line, string) error) error { return boom }
	if _, err := Write(&bytes.Buffer{}, f.roster, src, f.keys, Options{}); !errors.Is(err, boom) {
		t.Fatalf("err = %v", err)
	}
}

func TestSpoolSpillsToFile(t *testing.T) {
	var s spool
	defer s.close()
	chunk := bytes.Repeat([]byte("0123456789abcdef"), 4096) // 64 KB
	for range spoolMemory/len(chunk) + 3 {
		if _, err := s.Write(chunk); err != nil {
			t.Fatal(err)
		}
	}
	if s.file == nil {
		t.Fatal("no temporary file past the memory limit")
	}
	var out bytes.Buffer
	if err := s.copyTo(&out); err != nil {
		t.Fatal(err)
	}
	if want := (spoolMemory/len(chunk) + 3) * len(chunk); out.Len() != want || !bytes.Equal(out.Bytes()[:len(chunk)], chunk) {
		t.Fatalf("copied %d bytes, want %d", out.Len(), want)
	}
}
