package feed

import (
	"github.com/minzheng/minzheng/internal/apperr"
	"github.com/minzheng/minzheng/internal/msg"
)

// RowError is one bad row. The reader goes on with the next row, so a caller collects these into
// the report sent back to the agency and processes the good rows. Messages never contain an ID
// number or a hash.
type RowError struct {
	Line  int    // 1-based: physical line of a CSV or JSONL file, sheet row of an .xlsx file
	Field string // field name (Field.Name); "" when the row as a whole is wrong
	Key   string // message-catalogue key of the reason, for counting mistakes by kind
	Msg   string // Chinese, naming the row and the field: 第12行 死亡日期：日期格式应为 YYYY-MM-DD
}

// Error returns the Chinese message.
func (e *RowError) Error() string { return e.Msg }

// FileError refuses a file as a whole: wrong format or encoding, a header that does not fit the
// source, a damaged workbook, or a read failure. Nothing more can be read after it.
type FileError struct {
	Key string // message-catalogue key
	Msg string // Chinese, for the person who sent the file
	Err error  // the underlying failure (an I/O error, a zip error), if any
}

// Error returns the Chinese message.
func (e *FileError) Error() string { return e.Msg }

// Unwrap exposes an apperr.Error (which wraps the cause), so the web and API adapters map a bad
// upload to 400, and a read failure, which has a cause, to 500, without knowing this package.
func (e *FileError) Unwrap() error {
	kind := apperr.Invalid
	if e.Err != nil {
		kind = apperr.Internal
	}
	return &apperr.Error{Kind: kind, Code: e.Key, Message: e.Msg, Field: "file", Err: e.Err}
}

// t is the catalogue lookup; messages are Chinese until an English catalogue is chosen per user.
func t(key string, args ...any) string { return msg.Default().T(key, args...) }

func fileErr(key string, args ...any) *FileError {
	return &FileError{Key: key, Msg: t(key, args...)}
}

// readErr is a FileError for a failed read of the input.
func readErr(err error) *FileError {
	return &FileError{Key: "feed.read", Msg: t("feed.read"), Err: err}
}

// rowErr reports a row-wide problem (column count, CSV or JSON syntax).
func rowErr(line int, key string, args ...any) *RowError {
	return &RowError{Line: line, Key: key, Msg: t("feed.row", line, t(key, args...))}
}

// cellErr reports a problem with one field of a row.
func cellErr(line int, f *Field, key string, args ...any) *RowError {
	return &RowError{Line: line, Field: f.Name, Key: key, Msg: t("feed.row_field", line, f.Label, t(key, args...))}
}
