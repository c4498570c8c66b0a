package roster

import (
	"bytes"
	"fmt"
	"io"
	"io/fs"
	"strings"

	"github.com/minzheng/minzheng/internal/apperr"
)

// Default limits. 50 MB holds far more than 200,000 rows of the template in either format;
// 200,000 rows is more than the largest street's roster, and keeps one import under a minute.
const (
	DefaultMaxBytes int64 = 50 << 20
	DefaultMaxRows        = 200_000
)

// Limits bound what one import may cost, so an oversized or malicious upload is refused with a
// message instead of exhausting the server. Zero fields take the defaults.
type Limits struct {
	MaxBytes int64 // size of the uploaded file
	MaxRows  int   // non-blank data rows
}

func (l Limits) withDefaults() Limits {
	if l.MaxBytes <= 0 {
		l.MaxBytes = DefaultMaxBytes
	}
	if l.MaxRows <= 0 {
		l.MaxRows = DefaultMaxRows
	}
	return l
}

// fileError is a problem with the file as a whole: it cannot be read as a roster at all.
func fileError(code, format string, a ...any) error {
	return apperr.New(apperr.Invalid, code, fmt.Sprintf(format, a...))
}

func tooLarge(l Limits) error {
	return fileError("roster_too_large", "文件超过%s的上限，请拆分成几个文件分批导入", sizeText(l.MaxBytes))
}

func sizeText(n int64) string {
	if n >= 1<<20 && n%(1<<20) == 0 {
		return fmt.Sprintf("%d MB", n>>20)
	}
	return fmt.Sprintf("%d字节", n)
}

// Parse reads a roster file (.xlsx or CSV, told apart by content, not by name) into households
// and a report of every bad row and cell. filename is used only for its extension, to name the
// mistake when a file called .xlsx is something else.
//
// The returned error is for a file that cannot be read as a roster at all (too large, not a
// spreadsheet, damaged); it is an *apperr.Error of kind Invalid with a Chinese message. Problems
// inside a readable file are Result.Errors, all of them up to MaxErrors, never just the first.
func Parse(r io.Reader, filename string, limits Limits) (*Result, error) {
	l := limits.withDefaults()
	if n, ok := sizeOf(r); ok && n > l.MaxBytes {
		return nil, tooLarge(l)
	}
	data, err := io.ReadAll(io.LimitReader(r, l.MaxBytes+1))
	if err != nil {
		return nil, fmt.Errorf("roster: read upload: %w", err)
	}
	if int64(len(data)) > l.MaxBytes {
		return nil, tooLarge(l)
	}
	src, err := open(data, filename, l)
	if err != nil {
		return nil, err
	}
	defer src.close()
	return run(src, l)
}

// sizeOf learns an upload's size without reading it, so a 200 MB file is refused at once.
func sizeOf(r io.Reader) (int64, bool) {
	switch v := r.(type) {
	case interface{ Size() int64 }:
		return v.Size(), true
	case interface{ Len() int }:
		return int64(v.Len()), true
	case interface{ Stat() (fs.FileInfo, error) }:
		if st, err := v.Stat(); err == nil && st.Mode().IsRegular() {
			return st.Size(), true
		}
	}
	return 0, false
}

// source yields the rows of the first sheet (or the CSV records) with their row numbers.
type source interface {
	next() bool
	row() (num int, cells []string)
	err() error                // a fatal error, or nil at the end
	syntax() *RowError         // a CSV syntax error that ended reading early
	merges() ([]string, error) // merged ranges such as "A5:A7" (xlsx only)
	close()
}

var (
	zipMagic = []byte("PK\x03\x04")
	oleMagic = []byte{0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1}
)

// open picks the reader by content. The extension only improves the message when the two
// disagree: a renamed file must be refused clearly, not parsed as garbage.
func open(data []byte, filename string, l Limits) (source, error) {
	name := filename[strings.LastIndexAny(filename, `/\`)+1:]
	ext := strings.ToLower(name[max(0, strings.LastIndex(name, ".")):])
	excelName := ext == ".xlsx" || ext == ".xlsm" || ext == ".xls" || ext == ".et"
	switch {
	case bytes.HasPrefix(data, zipMagic):
		return openXLSX(data, l)
	case bytes.HasPrefix(data, oleMagic):
		return nil, fileError("roster_format", "这是旧版Excel（.xls）文件或设置了打开密码的Excel文件，请在Excel中另存为不加密的.xlsx文件后再导入")
	case excelName:
		return nil, fileError("roster_format", "文件扩展名是%s，但内容不是Excel文件（可能是其他文件改了扩展名），请上传用Excel保存的.xlsx文件或CSV文件", ext)
	}
	return openCSV(data)
}
