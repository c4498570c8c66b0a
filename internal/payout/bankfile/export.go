package bankfile

import (
	"context"
	"fmt"
	"io"
	"strings"

	"github.com/minzheng/minzheng/internal/apperr"
	"github.com/minzheng/minzheng/internal/audit"
	"github.com/minzheng/minzheng/internal/auth"
	"github.com/minzheng/minzheng/internal/money"
	"github.com/minzheng/minzheng/internal/payout"
	"github.com/minzheng/minzheng/internal/pii"
)

// File formats and CSV encodings.
const (
	CSV  = "csv"
	XLSX = "xlsx"

	UTF8 = "utf-8"
	GBK  = "gbk"
)

// Options choose the file: its layout, format and (for CSV) encoding.
type Options struct {
	// Layout is the bank's column layout; the zero Layout means DefaultLayout.
	Layout Layout
	// Format is CSV or XLSX.
	Format string
	// Encoding is UTF8 (the default) or GBK, for CSV.
	Encoding string
}

// normalise fills in defaults and checks the options.
func (o *Options) normalise() error {
	if len(o.Layout.Columns) == 0 {
		o.Layout = DefaultLayout()
	}
	if err := o.Layout.Validate(); err != nil {
		return err
	}
	o.Format = strings.ToLower(strings.TrimSpace(o.Format))
	if o.Format == "" {
		o.Format = CSV
	}
	if o.Format != CSV && o.Format != XLSX {
		return apperr.FieldMsg("format", "payout.bankfile.bad_format")
	}
	switch strings.ToLower(strings.TrimSpace(o.Encoding)) {
	case "", "utf-8", "utf8":
		o.Encoding = UTF8
	case "gbk", "gb2312", "gb18030":
		o.Encoding = GBK
	default:
		return apperr.FieldMsg("encoding", "payout.bankfile.bad_encoding")
	}
	if o.Format == XLSX {
		o.Encoding = UTF8 // .xlsx is always Unicode
	}
	if o.Encoding == GBK {
		for _, c := range o.Layout.Columns {
			if !gbkSafe(c.Header) {
				return apperr.FieldMsg("layout", "payout.bankfile.layout_gbk", c.Header)
			}
		}
	}
	return nil
}

// ContentType is the file's media type, for an HTTP response.
func (o Options) ContentType() string {
	if strings.EqualFold(o.Format, XLSX) {
		return "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
	}
	if strings.EqualFold(o.Encoding, GBK) {
		return "text/csv; charset=GBK"
	}
	return "text/csv; charset=utf-8"
}

// FileName names roster r's bank file, in ASCII so every bank system and browser keeps it.
func (o Options) FileName(r *payout.Roster) string {
	ext := CSV
	if strings.EqualFold(o.Format, XLSX) {
		ext = XLSX
	}
	return fmt.Sprintf("payout-%s-%s-%s-%d.%s", r.Month, r.Program, r.District, r.ID, ext)
}

// Totals are a bank file's control totals: the rows (transfers) written, the roster lines they
// carry, and the amount, which equals the roster's total.
type Totals struct {
	Rows   int
	Lines  int
	Amount money.Fen
	// Skipped counts the households left out because their lines net to zero.
	Skipped int
}

// Source streams a roster's lines, each with its sealed account, in household order: the shape
// of payout.Store.EachLine.
type Source func(fn func(payout.Line, string) error) error

// Export writes the bank file of approved or locked roster id to w, then locks the roster and
// records the export in the audit log. Only who may manage payouts exports; the roster must be
// in p's scope. On a refusal (a household without an account, text GBK cannot hold) nothing has
// been written to w.
func Export(ctx context.Context, s *payout.Store, p *auth.Principal, id int64, w io.Writer, opt Options, ip string) (Totals, error) {
	r, err := s.Roster(ctx, p, id)
	if err != nil {
		return Totals{}, err
	}
	if !p.Can(auth.PayoutManage) {
		return Totals{}, apperr.Msg(apperr.Forbidden, "payout.bankfile.forbidden")
	}
	if r.Status == payout.Draft {
		return Totals{}, apperr.Msg(apperr.Conflict, "payout.not_approved")
	}
	if err := opt.normalise(); err != nil {
		return Totals{}, err
	}
	src := func(fn func(payout.Line, string) error) error { return s.EachLine(ctx, p, id, fn) }
	t, err := Write(w, r, src, s.Keys, opt)
	if err != nil {
		return t, err
	}
	if err := s.Lock(ctx, p, id); err != nil {
		return t, err
	}
	_, err = s.Audit.Record(ctx, s.DB, audit.Event{ActorID: p.UserID, Actor: p.Login, Role: string(p.Role), IP: ip,
		Action: "payout.export", TargetType: "roster", TargetID: fmt.Sprint(id), RegionCode: r.District,
		Detail: map[string]any{"format": opt.Format, "encoding": opt.Encoding, "layout": opt.Layout.Name, "rows": t.Rows,
			"lines": t.Lines, "amount_fen": int64(t.Amount)}})
	return t, err
}

// Write writes roster r's bank file to w from src, opening accounts with keys. It reads src once,
// checking every row as it goes, into a spool (memory, then a temporary file) for CSV or
// excelize's stream for .xlsx; only when every row has passed does anything reach w, so a
// refusal writes nothing.
func Write(w io.Writer, r *payout.Roster, src Source, keys *pii.Keyring, opt Options) (Totals, error) {
	if err := opt.normalise(); err != nil {
		return Totals{}, err
	}
	f := formatter{r: r, layout: opt.Layout, keys: keys}
	var out rowWriter
	var sp *spool
	var err error
	if opt.Format == XLSX {
		out, err = newXLSXWriter(w, opt.Layout)
	} else {
		sp = &spool{}
		defer sp.close()
		out, err = newCSVWriter(sp, opt.Layout, opt.Encoding)
	}
	if err != nil {
		return Totals{}, err
	}
	ok := false
	defer func() {
		if !ok {
			out.abort()
		}
	}()
	var t Totals
	var missing, negative, badText []int64
	refused := func() bool { return len(missing)+len(negative)+len(badText) > 0 }
	err = eachRow(src, opt.Layout.Rows == PerLine, func(g *row) error {
		t.Lines += len(g.lines)
		switch {
		case g.sealed == "":
			missing = appendOnce(missing, g.householdID)
			return nil
		case g.amount < 0:
			negative = appendOnce(negative, g.householdID)
			return nil
		case g.amount == 0 && opt.Layout.Rows == PerHousehold:
			t.Skipped++
			return nil
		}
		t.Rows++
		t.Amount += g.amount
		if opt.Format == XLSX && t.Rows+2 > xlsxMaxRows {
			return apperr.Msg(apperr.Invalid, "payout.bankfile.xlsx_too_large", t.Rows)
		}
		account, err := keys.Open(g.sealed, payout.AccountField)
		if err != nil {
			return fmt.Errorf("bankfile: open the account of household %d: %w", g.householdID, err)
		}
		cells := f.cells(g, t.Rows, account)
		if opt.Encoding == GBK && !cellsGBK(cells) {
			badText = appendOnce(badText, g.householdID)
		}
		if refused() {
			return nil // keep reading to list every refused household; write no more
		}
		return out.row(cells)
	})
	switch {
	case err != nil:
		return t, err
	case len(missing) > 0:
		return t, apperr.Msg(apperr.Conflict, "payout.bankfile.no_account", len(missing), payout.HouseholdList(missing))
	case len(negative) > 0:
		return t, apperr.Msg(apperr.Conflict, "payout.bankfile.negative", len(negative), payout.HouseholdList(negative))
	case len(badText) > 0:
		return t, apperr.Msg(apperr.Conflict, "payout.bankfile.not_gbk", len(badText), payout.HouseholdList(badText))
	case t.Amount != r.Total:
		return t, fmt.Errorf("bankfile: roster %d totals %d fen but its lines sum to %d", r.ID, r.Total, t.Amount)
	}
	if !opt.Layout.NoTrailer {
		if err := out.trailer(f.trailer(t)); err != nil {
			return t, err
		}
	}
	ok = true
	if err := out.close(); err != nil {
		return t, err
	}
	if sp != nil {
		return t, sp.copyTo(w)
	}
	return t, nil
}

func cellsGBK(cells []any) bool {
	for _, c := range cells {
		if s, ok := c.(string); ok && !gbkSafe(s) {
			return false
		}
	}
	return true
}

func appendOnce(ids []int64, id int64) []int64 {
	if len(ids) > 0 && ids[len(ids)-1] == id {
		return ids
	}
	return append(ids, id)
}
