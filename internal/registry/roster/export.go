package roster

import (
	"encoding/csv"
	"fmt"
	"io"
	"strconv"

	"github.com/minzheng/minzheng/internal/civil"
	"github.com/minzheng/minzheng/internal/money"
	"github.com/minzheng/minzheng/internal/registry"
	"github.com/xuri/excelize/v2"
)

// HouseholdFields are the household columns of a row. An export repeats them on every member's
// row, so that sorting or filtering the sheet in Excel never separates a person from their
// household; Parse accepts that because equal values on non-head rows are allowed.
type HouseholdFields struct {
	RegionCode     string
	Address        string
	Hukou          registry.HukouType
	HukouRegion    string
	Assets         registry.Assets
	Medical        money.Fen // rigid spending over the last 12 months, by kind
	Education      money.Fen
	Rehabilitation money.Fen
	Tier           registry.Tier // the household's current tier; "" for none
	TierFrom       civil.Date
}

func (f HouseholdFields) spending() []registry.Spending {
	var out []registry.Spending
	for _, s := range []registry.Spending{
		{Kind: registry.Medical, Amount: f.Medical}, {Kind: registry.Education, Amount: f.Education},
		{Kind: registry.Rehabilitation, Amount: f.Rehabilitation},
	} {
		if s.Amount != 0 {
			out = append(out, s)
		}
	}
	return out
}

// ExportRow is one person's row of a roster: flat, in the template's layout, so search results
// are exported in a file that can be edited and imported again. IDNumber and Phone in Person are
// plain; the writers mask them when asked.
type ExportRow struct {
	Key       string // 户编号
	Household HouseholdFields
	Person    registry.PersonInput
}

// ExportRows flattens a household into its rows, the inverse of what Parse builds. Only a
// household-level tier (MemberIndex -1) fits the template, the first one listed; members' own
// tiers are not part of the roster.
func ExportRows(key string, h registry.HouseholdInput) []ExportRow {
	hf := HouseholdFields{RegionCode: h.RegionCode, Address: h.Address, Hukou: h.Hukou,
		HukouRegion: h.HukouRegion, Assets: h.Assets}
	for _, s := range h.Spending {
		switch s.Kind {
		case registry.Medical:
			hf.Medical += s.Amount
		case registry.Education:
			hf.Education += s.Amount
		case registry.Rehabilitation:
			hf.Rehabilitation += s.Amount
		}
	}
	for _, t := range h.Tiers {
		if t.MemberIndex < 0 {
			hf.Tier, hf.TierFrom = t.Tier, t.ValidFrom
			break
		}
	}
	rows := make([]ExportRow, len(h.Members))
	for i, m := range h.Members {
		rows[i] = ExportRow{Key: key, Household: hf, Person: m}
	}
	return rows
}

// Headers returns the template's column headers in order, for pages that describe the file.
func Headers() []string {
	out := make([]string, len(columns))
	for i, c := range columns {
		out[i] = c.header
	}
	return out
}

// texts renders a row as the file writes it.
func texts(r *ExportRow, mask bool) []string {
	out := make([]string, len(columns))
	for i, c := range columns {
		v := c.format(r)
		if mask && c.mask != nil && v != "" {
			v = c.mask(v)
		}
		out[i] = v
	}
	return out
}

// sheetName is the data sheet's name in every .xlsx this package writes.
const sheetName = "花名册"

// WriteXLSX writes rows as an .xlsx roster in the template's layout. It streams (excelize's
// StreamWriter), so an export of a whole district does not hold a sheet model in memory. With
// mask, names, ID numbers, phones and certificate numbers are masked as on screen and birth dates
// left out; such a file is for reading and cannot be imported again.
func WriteXLSX(w io.Writer, rows []ExportRow, mask bool) error {
	f := excelize.NewFile()
	defer f.Close()
	if err := f.SetSheetName("Sheet1", sheetName); err != nil {
		return err
	}
	sw, err := f.NewStreamWriter(sheetName)
	if err != nil {
		return err
	}
	st, err := newStyles(f)
	if err != nil {
		return err
	}
	for i, c := range columns {
		if err := sw.SetColWidth(i+1, i+1, c.width); err != nil {
			return err
		}
		if !c.number {
			if err := sw.SetColStyle(i+1, i+1, st.text); err != nil {
				return err
			}
		}
	}
	if err := sw.SetPanes(&excelize.Panes{Freeze: true, YSplit: 1, TopLeftCell: "A2", ActivePane: "bottomLeft"}); err != nil {
		return err
	}
	if err := sw.SetRow("A1", headerCells(st)); err != nil {
		return err
	}
	vals := make([]any, len(columns))
	for n := range rows {
		for i, v := range texts(&rows[n], mask) {
			vals[i] = cellValue(columns[i], v, st)
		}
		cell, _ := excelize.CoordinatesToCellName(1, n+2)
		if err := sw.SetRow(cell, vals); err != nil {
			return err
		}
	}
	if err := sw.Flush(); err != nil {
		return err
	}
	return f.Write(w)
}

// cellValue makes amounts and counts number cells, so the office can sum them in Excel, and
// everything else a text cell, so Excel never turns an ID number into 3.70212E+17.
func cellValue(c column, v string, st styles) any {
	if v == "" {
		return nil
	}
	if c.number {
		if x, err := strconv.ParseFloat(v, 64); err == nil {
			return x
		}
	}
	return excelize.Cell{StyleID: st.text, Value: v}
}

// WriteCSV writes rows as CSV in the template's layout: UTF-8 with a byte-order mark, which Excel
// needs to show Chinese, and CRLF line ends. A value that Excel would run as a formula (starting
// with = + - or @) gets a leading apostrophe, which Parse removes again. Masking is as WriteXLSX.
func WriteCSV(w io.Writer, rows []ExportRow, mask bool) error {
	if _, err := io.WriteString(w, "\ufeff"); err != nil {
		return err
	}
	cw := csv.NewWriter(w)
	cw.UseCRLF = true
	if err := cw.Write(Headers()); err != nil {
		return err
	}
	for n := range rows {
		rec := texts(&rows[n], mask)
		for i, v := range rec {
			if v != "" && (v[0] == '=' || v[0] == '+' || v[0] == '-' || v[0] == '@') {
				rec[i] = "'" + v
			}
		}
		if err := cw.Write(rec); err != nil {
			return fmt.Errorf("roster: write CSV row %d: %w", n+2, err)
		}
	}
	cw.Flush()
	return cw.Error()
}

// WriteHouseholdsXLSX writes exported households in the roster layout, keyed by household id;
// with mask, identifiers are masked as the UI shows them.
func WriteHouseholdsXLSX(w io.Writer, households []registry.ExportHousehold, mask bool) error {
	var rows []ExportRow
	for _, h := range households {
		rows = append(rows, ExportRows(strconv.FormatInt(h.ID, 10), h.Input)...)
	}
	return WriteXLSX(w, rows, mask)
}
