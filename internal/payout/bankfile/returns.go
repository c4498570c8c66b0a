package bankfile

import (
	"context"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/minzheng/minzheng/internal/apperr"
	"github.com/minzheng/minzheng/internal/auth"
	"github.com/minzheng/minzheng/internal/msg"
	"github.com/minzheng/minzheng/internal/payout"
)

// RowError is one bad row of a return file, numbered as Excel or a text editor shows it.
type RowError struct {
	Row     int
	Message string
}

// FileError refuses a return file: the problem with the file as a whole, or its bad rows (the
// first maxRowErrors of Total). It unwraps to an invalid-input apperr.Error with the same text.
type FileError struct {
	Rows  []RowError
	Total int
	err   *apperr.Error
}

func (e *FileError) Error() string { return e.err.Message }
func (e *FileError) Unwrap() error { return e.err }

// maxRowErrors bounds the rows a FileError lists; maxReturnRows bounds a file.
const (
	maxRowErrors  = 100
	maxReturnRows = 2_000_000
)

func fileError(key string, args ...any) *FileError {
	return &FileError{err: apperr.FieldMsg("file", key, args...)}
}

// rowsError builds the FileError of a file's bad rows.
func rowsError(rows []RowError, total int) *FileError {
	t := msg.Default().T
	parts := make([]string, len(rows))
	for i, r := range rows {
		parts[i] = t("payout.bankfile.row", r.Row, r.Message)
	}
	text := t("payout.bankfile.bad_rows", total) + strings.Join(parts, "；")
	if total > len(rows) {
		text += t("payout.bankfile.more_rows", total-len(rows))
	}
	e := apperr.New(apperr.Invalid, "payout.bankfile.bad_rows", text)
	e.Field = "file"
	return &FileError{Rows: rows, Total: total, err: e}
}

// verdict is one data row of a return file.
type verdict struct {
	row int
	payout.Return
}

// ReadReturns reads the bank's return file — .xlsx, or CSV in UTF-8 or GBK — into its verdicts,
// in file order. Any bad row refuses the whole file with a *FileError listing every bad row.
func ReadReturns(data []byte) ([]payout.Return, error) {
	vs, err := readReturns(data)
	if err != nil {
		return nil, err
	}
	out := make([]payout.Return, len(vs))
	for i, v := range vs {
		out[i] = v.Return
	}
	return out, nil
}

// Header names accepted for the three columns, compared without spaces and case.
var (
	lineHeaders   = []string{"明细号", "明细编号", "明细id", "lineid", "line_id"}
	statusHeaders = []string{"状态", "处理状态", "交易状态", "结果", "处理结果", "status", "result"}
	reasonHeaders = []string{"原因", "失败原因", "备注", "说明", "错误信息", "reason", "message"}
)

// headerScan is how many rows may stand above the header (a bank's title lines).
const headerScan = 10

func headerKey(s string) string {
	return strings.ToLower(strings.Join(strings.Fields(s), ""))
}

func readReturns(data []byte) ([]verdict, error) {
	src, err := openSource(data)
	if err != nil {
		return nil, err
	}
	defer src.close()
	lineCol, statusCol, reasonCol := -1, -1, -1
	var out []verdict
	var bad []RowError
	total := 0
	seen := map[int64]int{}
	report := func(row int, key string, args ...any) {
		total++
		if len(bad) < maxRowErrors {
			bad = append(bad, RowError{Row: row, Message: msg.Default().T(key, args...)})
		}
	}
	for src.next() {
		n, cells := src.row()
		if lineCol < 0 {
			lineCol, statusCol, reasonCol = findHeader(cells)
			if lineCol < 0 && n >= headerScan {
				return nil, fileError("payout.bankfile.no_header", headerScan)
			}
			continue
		}
		cell := func(i int) string {
			if i < 0 || i >= len(cells) {
				return ""
			}
			return strings.TrimSpace(cells[i])
		}
		if blank(cells) || isTrailer(cells, cell(lineCol)) {
			continue
		}
		if len(out)+total >= maxReturnRows {
			return nil, fileError("payout.bankfile.too_many_rows", maxReturnRows)
		}
		id, ok := parseLineID(cell(lineCol))
		if !ok {
			report(n, "payout.bankfile.bad_line_id", cell(lineCol))
			continue
		}
		failed, ok := parseStatus(cell(statusCol))
		if !ok {
			report(n, "payout.bankfile.bad_status", cell(statusCol))
			continue
		}
		reason := cell(reasonCol)
		if utf8.RuneCountInString(reason) > 200 {
			report(n, "payout.bankfile.long_reason")
			continue
		}
		if first, dup := seen[id]; dup {
			report(n, "payout.bankfile.repeated_line", id, first)
			continue
		}
		seen[id] = n
		if !failed {
			reason = ""
		}
		out = append(out, verdict{row: n, Return: payout.Return{LineID: id, Failed: failed, Reason: reason}})
	}
	if err := src.err(); err != nil {
		return nil, err
	}
	switch {
	case lineCol < 0:
		return nil, fileError("payout.bankfile.no_header", headerScan)
	case total > 0:
		return nil, rowsError(bad, total)
	case len(out) == 0:
		return nil, fileError("payout.bankfile.empty")
	}
	return out, nil
}

// findHeader finds the line-id, status and reason columns in a row, or -1s when it is not the
// header row (the reason column is optional).
func findHeader(cells []string) (line, status, reason int) {
	line, status, reason = -1, -1, -1
	for i, c := range cells {
		k := headerKey(c)
		switch {
		case line < 0 && contains(lineHeaders, k):
			line = i
		case status < 0 && contains(statusHeaders, k):
			status = i
		case reason < 0 && contains(reasonHeaders, k):
			reason = i
		}
	}
	if line < 0 || status < 0 {
		return -1, -1, -1
	}
	return line, status, reason
}

func contains(list []string, k string) bool {
	for _, s := range list {
		if headerKey(s) == k {
			return true
		}
	}
	return false
}

func blank(cells []string) bool {
	for _, c := range cells {
		if strings.TrimSpace(c) != "" {
			return false
		}
	}
	return true
}

// isTrailer recognises the control-total row (合计 …) of our own file returned by the bank.
func isTrailer(cells []string, lineID string) bool {
	if _, ok := parseLineID(lineID); ok {
		return false
	}
	for _, c := range cells {
		if strings.HasPrefix(strings.TrimSpace(c), "合计") {
			return true
		}
	}
	return false
}

// parseLineID accepts a positive whole number, also as Excel may store it ("123.0").
func parseLineID(s string) (int64, bool) {
	if whole, frac, ok := strings.Cut(s, "."); ok && strings.Trim(frac, "0") == "" {
		s = whole
	}
	if s == "" || len(s) > 18 || strings.TrimLeft(s, "0123456789") != "" {
		return 0, false
	}
	id, err := strconv.ParseInt(s, 10, 64)
	return id, err == nil && id > 0
}

// parseStatus reads a verdict: 成功 or 失败, in Chinese or English.
func parseStatus(s string) (failed, ok bool) {
	switch strings.ToLower(strings.TrimSpace(s)) {
	case "成功", "已成功", "success", "succeeded", "paid", "ok":
		return false, true
	case "失败", "已失败", "退回", "failed", "failure", "fail", "returned":
		return true, true
	}
	return false, false
}

// Import reads return file data and applies it to locked roster id, all or nothing: every row
// must name a line of the roster (else the file is refused, listing the rows), and a verdict on
// a household's row applies to the household's lines the file does not name (the file has one
// row per household; see the package doc). Store.ApplyReturns does the rest in one transaction.
func Import(ctx context.Context, s *payout.Store, p *auth.Principal, id int64, data []byte, ip string) (payout.ReturnResult, error) {
	r, err := s.Roster(ctx, p, id)
	if err != nil {
		return payout.ReturnResult{}, err
	}
	if p.Role != auth.DistrictApprover {
		return payout.ReturnResult{}, apperr.Msg(apperr.Forbidden, "payout.approve_forbidden")
	}
	if r.Status != payout.Locked {
		return payout.ReturnResult{}, apperr.Msg(apperr.Conflict, "payout.not_locked")
	}
	vs, err := readReturns(data)
	if err != nil {
		return payout.ReturnResult{}, err
	}
	household := map[int64]int64{}
	var order []int64
	lines := map[int64][]int64{}
	err = s.EachLine(ctx, p, id, func(l payout.Line, _ string) error {
		household[l.ID] = l.HouseholdID
		if len(lines[l.HouseholdID]) == 0 {
			order = append(order, l.HouseholdID)
		}
		lines[l.HouseholdID] = append(lines[l.HouseholdID], l.ID)
		return nil
	})
	if err != nil {
		return payout.ReturnResult{}, err
	}
	var bad []RowError
	total := 0
	named := map[int64]bool{}
	first := map[int64]payout.Return{} // each household's first verdict in the file
	for _, v := range vs {
		hid, ok := household[v.LineID]
		if !ok {
			total++
			if len(bad) < maxRowErrors {
				bad = append(bad, RowError{Row: v.row, Message: msg.Default().T("payout.bankfile.unknown_line", v.LineID)})
			}
			continue
		}
		named[v.LineID] = true
		if _, ok := first[hid]; !ok {
			first[hid] = v.Return
		}
	}
	if total > 0 {
		return payout.ReturnResult{}, rowsError(bad, total)
	}
	returns := make([]payout.Return, 0, len(vs))
	for _, v := range vs {
		returns = append(returns, v.Return)
	}
	for _, hid := range order {
		verdict, ok := first[hid]
		if !ok {
			continue
		}
		for _, lid := range lines[hid] {
			if !named[lid] {
				returns = append(returns, payout.Return{LineID: lid, Failed: verdict.Failed, Reason: verdict.Reason})
			}
		}
	}
	return s.ApplyReturns(ctx, p, id, returns, ip)
}
