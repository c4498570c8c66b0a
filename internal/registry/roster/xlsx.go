package roster

import (
	"archive/zip"
	"bufio"
	"bytes"
	"encoding/xml"
	"errors"
	"io"
	"path"
	"regexp"
	"strings"

	"github.com/xuri/excelize/v2"
)

// xlsxSource streams the first sheet with excelize's row iterator, which decodes one row at a
// time; the whole-sheet model (f.GetRows, f.GetMergeCells) would need gigabytes for 100,000 rows.
// Large sheets are unpacked by excelize to a temporary file, removed by close.
type xlsxSource struct {
	data  []byte
	f     *excelize.File
	rows  *excelize.Rows
	sheet string
	n     int
	cells []string
	fail  error
}

// rawCells reads stored values rather than displayed ones: a date is its serial number, an amount
// its full number, whatever the cell's number format shows.
var rawCells = excelize.Options{RawCellValue: true}

func openXLSX(data []byte, l Limits) (*xlsxSource, error) {
	unzipLimit := max(l.MaxBytes*40, 64<<20)
	f, err := excelize.OpenReader(bytes.NewReader(data), excelize.Options{
		UnzipSizeLimit: unzipLimit, UnzipXMLSizeLimit: min(unzipLimit, 16<<20)})
	if err != nil {
		if errors.Is(err, excelize.ErrWorkbookFileFormat) || errors.Is(err, zip.ErrFormat) {
			return nil, fileError("roster_format", "文件无法作为Excel工作簿打开：文件已损坏或不是.xlsx格式")
		}
		if strings.Contains(err.Error(), "unzip size") {
			return nil, fileError("roster_too_large", "文件解压后超过%s的上限，请拆分成几个文件分批导入", sizeText(unzipLimit))
		}
		return nil, fileError("roster_format", "文件无法作为Excel工作簿打开：文件已损坏或不是.xlsx格式")
	}
	sheets := f.GetSheetList()
	if len(sheets) == 0 {
		f.Close()
		return nil, fileError("roster_format", "这个文件里没有工作表，不是Excel花名册")
	}
	rows, err := f.Rows(sheets[0])
	if err != nil {
		f.Close()
		return nil, fileError("roster_format", "无法读取第一个工作表“%s”：文件可能已损坏", sheets[0])
	}
	return &xlsxSource{data: data, f: f, rows: rows, sheet: sheets[0]}, nil
}

// next advances one sheet row. The iterator also yields rows absent from the file (gaps), so the
// count of calls is the row number Excel shows.
func (x *xlsxSource) next() bool {
	if x.fail != nil || !x.rows.Next() {
		return false
	}
	x.n++
	x.cells, x.fail = x.rows.Columns(rawCells)
	return x.fail == nil
}

func (x *xlsxSource) row() (int, []string) { return x.n, x.cells }

func (x *xlsxSource) err() error {
	if x.fail == nil {
		x.fail = x.rows.Error()
	}
	if x.fail != nil {
		if errors.Is(x.fail, excelize.ErrMaxRows) {
			return fileError("roster_format", "工作表的行数超出Excel的上限，文件已损坏")
		}
		return fileError("roster_format", "读取第%d行时出错：文件可能已损坏", x.n+1)
	}
	return nil
}

func (x *xlsxSource) syntax() *RowError { return nil }

func (x *xlsxSource) close() {
	_ = x.rows.Close()
	_ = x.f.Close()
}

// merges lists the merged ranges of the first sheet by scanning its XML for <mergeCell ref=…>,
// because excelize's GetMergeCells would load the whole sheet model first.
func (x *xlsxSource) merges() ([]string, error) {
	zr, err := zip.NewReader(bytes.NewReader(x.data), int64(len(x.data)))
	if err != nil {
		return nil, err
	}
	name, err := sheetPath(zr, x.sheet)
	if err != nil || name == "" {
		return nil, err
	}
	for _, zf := range zr.File {
		if strings.EqualFold(strings.TrimPrefix(zf.Name, "/"), name) {
			rc, err := zf.Open()
			if err != nil {
				return nil, err
			}
			defer rc.Close()
			return scanMerges(rc)
		}
	}
	return nil, nil
}

// sheetPath resolves a sheet name to its part name through xl/workbook.xml and its relationships.
func sheetPath(zr *zip.Reader, sheet string) (string, error) {
	var wb struct {
		Sheets []struct {
			Name  string     `xml:"name,attr"`
			Attrs []xml.Attr `xml:",any,attr"`
		} `xml:"sheets>sheet"`
	}
	var rels struct {
		Rels []struct {
			ID     string `xml:"Id,attr"`
			Target string `xml:"Target,attr"`
		} `xml:"Relationship"`
	}
	const book = "xl/workbook.xml"
	if err := readXML(zr, book, &wb); err != nil {
		return "", err
	}
	if err := readXML(zr, "xl/_rels/workbook.xml.rels", &rels); err != nil {
		return "", err
	}
	for _, s := range wb.Sheets {
		if s.Name != sheet {
			continue
		}
		for _, a := range s.Attrs {
			if a.Name.Local != "id" {
				continue
			}
			for _, r := range rels.Rels {
				if r.ID == a.Value {
					if strings.HasPrefix(r.Target, "/") {
						return strings.TrimPrefix(r.Target, "/"), nil
					}
					return path.Join(path.Dir(book), r.Target), nil
				}
			}
		}
	}
	return "", nil
}

func readXML(zr *zip.Reader, name string, v any) error {
	for _, zf := range zr.File {
		if strings.EqualFold(zf.Name, name) {
			rc, err := zf.Open()
			if err != nil {
				return err
			}
			defer rc.Close()
			return xml.NewDecoder(io.LimitReader(rc, 16<<20)).Decode(v)
		}
	}
	return nil
}

var refAttr = regexp.MustCompile(`\bref\s*=\s*["']([A-Za-z0-9:$]+)["']`)

// scanMerges finds mergeCell elements in a worksheet stream. It looks only at tag names, jumping
// from one '<' to the next, which is fast on a sheet of hundreds of megabytes; text content
// cannot contain a raw '<', so a cell value never looks like a tag.
func scanMerges(r io.Reader) ([]string, error) {
	br := bufio.NewReaderSize(r, 64<<10)
	var refs []string
	for {
		_, err := br.ReadSlice('<')
		if errors.Is(err, bufio.ErrBufferFull) {
			continue
		}
		if err == io.EOF {
			return refs, nil
		}
		if err != nil {
			return refs, err
		}
		head, _ := br.Peek(32)
		name := head
		if i := bytes.IndexAny(name, " \t\r\n/>"); i >= 0 {
			name = name[:i]
		}
		if i := bytes.IndexByte(name, ':'); i >= 0 {
			name = name[i+1:]
		}
		if string(name) != "mergeCell" {
			continue
		}
		tag, err := br.ReadSlice('>')
		if err != nil && !errors.Is(err, bufio.ErrBufferFull) {
			return refs, err
		}
		if m := refAttr.FindSubmatch(tag); m != nil {
			refs = append(refs, string(m[1]))
		}
	}
}
