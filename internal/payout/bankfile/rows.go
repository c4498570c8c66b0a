package bankfile

import (
	"slices"
	"strconv"
	"strings"

	"github.com/minzheng/minzheng/internal/money"
	"github.com/minzheng/minzheng/internal/msg"
	"github.com/minzheng/minzheng/internal/payout"
	"github.com/minzheng/minzheng/internal/pii"
)

// row is one transfer of the file: a household's lines (or a single line) and their sum.
type row struct {
	householdID int64
	lines       []payout.Line
	sealed      string
	amount      money.Fen
}

// eachRow groups src's lines into rows: consecutive lines of one household (src yields them in
// household order), or each line alone when perLine. The row passed to fn is reused.
func eachRow(src Source, perLine bool, fn func(*row) error) error {
	var cur row
	flush := func() error {
		if len(cur.lines) == 0 {
			return nil
		}
		err := fn(&cur)
		cur.lines, cur.amount, cur.sealed = cur.lines[:0], 0, ""
		return err
	}
	err := src(func(l payout.Line, sealed string) error {
		if perLine || l.HouseholdID != cur.householdID {
			if err := flush(); err != nil {
				return err
			}
		}
		cur.householdID = l.HouseholdID
		cur.lines = append(cur.lines, l)
		cur.amount += l.Amount
		if cur.sealed == "" {
			cur.sealed = sealed
		}
		return nil
	})
	if err != nil {
		return err
	}
	return flush()
}

// formatter renders rows as the layout's cells: strings for text, int64 for numeric fields.
type formatter struct {
	r      *payout.Roster
	layout Layout
	keys   *pii.Keyring
	// program and month are the same on every row.
	program, month string
}

func (f *formatter) init() {
	if f.program == "" {
		f.program = msg.Default().T("program." + f.r.Program)
		f.month = f.r.Month.Chinese()
	}
}

// cells renders row g as the seq-th row of the file, with the opened account.
func (f *formatter) cells(g *row, seq int, account string) []any {
	f.init()
	out := make([]any, len(f.layout.Columns))
	first := g.lines[0]
	for i, c := range f.layout.Columns {
		switch c.Field {
		case Seq:
			out[i] = int64(seq)
		case LineID:
			out[i] = first.ID
		case HouseholdID:
			out[i] = g.householdID
		case PayeeName:
			out[i] = first.PayeeName
		case Account:
			out[i] = account
		case AccountMasked:
			out[i] = first.AccountMasked
		case Bank:
			out[i] = first.Bank
		case AmountYuan:
			out[i] = g.amount.Plain()
		case AmountFen:
			out[i] = int64(g.amount)
		case RegionCode:
			out[i] = first.RegionCode
		case Program:
			out[i] = f.program
		case ProgramCode:
			out[i] = f.r.Program
		case Month:
			out[i] = f.r.Month.String()
		case Kind:
			out[i] = f.kinds(g)
		case Reason:
			out[i] = reasons(g)
		case Memo:
			memo := f.month + f.program
			if rs := reasons(g); rs != "" {
				memo += "；" + rs
			}
			out[i] = memo
		}
	}
	return out
}

// kinds names the kinds of g's lines, each once, in line order.
func (f *formatter) kinds(g *row) string {
	var names []string
	for _, l := range g.lines {
		n := msg.Default().T("payout.bankfile.kind." + l.Kind)
		if !slices.Contains(names, n) {
			names = append(names, n)
		}
	}
	return strings.Join(names, "、")
}

// reasons joins the lines' reasons; a regular line has none.
func reasons(g *row) string {
	if len(g.lines) == 1 {
		return g.lines[0].Reason
	}
	var parts []string
	for _, l := range g.lines {
		if l.Reason != "" && !slices.Contains(parts, l.Reason) {
			parts = append(parts, l.Reason)
		}
	}
	return strings.Join(parts, "；")
}

// trailer renders the control-total row: the count under 序号, the amount under the amount
// columns, and 合计 in the first other column (with the count when there is no 序号).
func (f *formatter) trailer(t Totals) []any {
	out := make([]any, len(f.layout.Columns))
	label := -1
	for i, c := range f.layout.Columns {
		switch c.Field {
		case Seq:
			out[i] = int64(t.Rows)
		case AmountYuan:
			out[i] = t.Amount.Plain()
		case AmountFen:
			out[i] = int64(t.Amount)
		default:
			out[i] = ""
			if label < 0 {
				label = i
			}
		}
	}
	if label >= 0 {
		if f.layout.Has(Seq) {
			out[label] = msg.Default().T("payout.bankfile.total")
		} else {
			out[label] = msg.Default().T("payout.bankfile.total_count", t.Rows)
		}
	}
	return out
}

// text renders a cell for CSV.
func text(v any) string {
	switch x := v.(type) {
	case string:
		return x
	case int64:
		return strconv.FormatInt(x, 10)
	}
	return ""
}
