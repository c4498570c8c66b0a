package web

import (
	"bytes"
	"fmt"
	"net/http"
	"net/url"
	"sort"

	"github.com/xuri/excelize/v2"

	"github.com/minzheng/minzheng/internal/apperr"
	"github.com/minzheng/minzheng/internal/auth"
	"github.com/minzheng/minzheng/internal/civil"
	"github.com/minzheng/minzheng/internal/money"
	"github.com/minzheng/minzheng/internal/payout"
)

// statsMaxMonths bounds a statistics range: ten years of monthly rows is already a large page.
const statsMaxMonths = 120

// statsContent is what was paid from one month to another: summed by program and by district,
// and month by month.
type statsContent struct {
	From, To   civil.Month
	ByProgram  []statLine
	ByDistrict []statLine
	Detail     []statLine
	Total      statLine
	ExportURL  string
}

// statLine is one row of a statistics table. Households and Persons are those paid in the range's
// last month (the caseload at its end); PersonTimes and Amount add up over the whole range.
type statLine struct {
	Month                   civil.Month
	Program, District, Name string
	Households, Persons     int
	PersonTimes             int
	Amount                  money.Fen
}

func (l *statLine) add(st payout.StatRow, last civil.Month) {
	if st.Month == last {
		l.Households += st.Households
		l.Persons += st.Persons
	}
	l.PersonTimes += st.PersonTimes
	l.Amount += st.Amount
}

// statsRange reads ?from= and ?to=: by default this year up to this month.
func (s *Site) statsRange(r *http.Request) (civil.Month, civil.Month, error) {
	now := s.thisMonth()
	from, err := s.ledgerMonth(r, "from", civil.Month{Year: now.Year, Month: 1})
	if err != nil {
		return from, now, err
	}
	to, err := s.ledgerMonth(r, "to", now)
	if err != nil {
		return from, to, err
	}
	if to.Before(from) || from.AddMonths(statsMaxMonths).Before(to) {
		return from, to, apperr.FieldMsg("to", "payout.ui.bad_range", statsMaxMonths)
	}
	return from, to, nil
}

// payoutStatsPage shows persons, households, person-times and amounts paid, by program and
// district, over a range of months; with format=xlsx the same tables as a spreadsheet.
func (s *Site) payoutStatsPage(w http.ResponseWriter, r *http.Request) {
	p := auth.FromContext(r.Context())
	from, to, err := s.statsRange(r)
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	rows, err := s.deps.Payout.Stats(r.Context(), p, from, to)
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	c := statsContent{From: from, To: to,
		ExportURL: "/payouts/stats?" + url.Values{"from": {from.String()}, "to": {to.String()}, "format": {"xlsx"}}.Encode()}
	names := s.regionNamer(r, p)
	programs, districts := map[string]*statLine{}, map[string]*statLine{}
	for _, st := range rows {
		pl, ok := programs[st.Program]
		if !ok {
			pl = &statLine{Program: st.Program, Name: s.msg.T("program." + st.Program)}
			programs[st.Program] = pl
		}
		pl.add(st, to)
		dl, ok := districts[st.District]
		if !ok {
			dl = &statLine{District: st.District, Name: names(st.District)}
			districts[st.District] = dl
		}
		dl.add(st, to)
		c.Total.add(st, to)
		c.Detail = append(c.Detail, statLine{Month: st.Month, Program: st.Program, District: st.District,
			Name: s.msg.T("program."+st.Program) + " · " + names(st.District), Households: st.Households, Persons: st.Persons,
			PersonTimes: st.PersonTimes, Amount: st.Amount})
	}
	c.ByProgram, c.ByDistrict = sortedLines(programs, func(l *statLine) string { return l.Program }), sortedLines(districts,
		func(l *statLine) string { return l.District })
	if r.URL.Query().Get("format") == "xlsx" {
		s.statsXLSX(w, r, c)
		return
	}
	s.render(w, r, http.StatusOK, "payout_stats", s.msg.T("nav.payout_stats"), c)
}

// sortedLines lists summary lines in the order of their key (program order, district code).
func sortedLines(m map[string]*statLine, key func(*statLine) string) []statLine {
	out := make([]statLine, 0, len(m))
	for _, l := range m {
		out = append(out, *l)
	}
	sort.Slice(out, func(i, j int) bool { return key(&out[i]) < key(&out[j]) })
	return out
}

// statsXLSX writes the statistics as a spreadsheet: one sheet per table, amounts as numbers in
// yuan so the office can sum them.
func (s *Site) statsXLSX(w http.ResponseWriter, r *http.Request, c statsContent) {
	f := excelize.NewFile()
	defer f.Close()
	t := s.msg.T
	head := []any{t("payout.ui.stats_name"), t("payout.ui.households_end"), t("payout.ui.persons_end"), t("payout.ui.person_times"),
		t("payout.ui.amount")}
	sheets := []struct {
		name  string
		lines []statLine
	}{{t("payout.ui.by_program"), append(c.ByProgram, c.Total)}, {t("payout.ui.by_district"), append(c.ByDistrict, c.Total)},
		{t("payout.ui.by_month"), c.Detail}}
	for i, sh := range sheets {
		if i == 0 {
			_ = f.SetSheetName(f.GetSheetName(0), sh.name)
		} else if _, err := f.NewSheet(sh.name); err != nil {
			s.renderError(w, r, err)
			return
		}
		h := head
		if i == 2 {
			h = append([]any{t("payout.ui.month")}, head...)
		}
		_ = f.SetSheetRow(sh.name, "A1", &h)
		for n, l := range sh.lines {
			name := l.Name
			if name == "" {
				name = t("payout.ui.sum")
			}
			row := []any{name, l.Households, l.Persons, l.PersonTimes, float64(l.Amount) / 100}
			if i == 2 {
				row = append([]any{l.Month.String()}, row...)
			}
			cell, _ := excelize.CoordinatesToCellName(1, n+2)
			_ = f.SetSheetRow(sh.name, cell, &row)
		}
	}
	var buf bytes.Buffer
	if err := f.Write(&buf); err != nil {
		s.renderError(w, r, err)
		return
	}
	w.Header().Set("Content-Type", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
	w.Header().Set("Content-Disposition", fmt.Sprintf(`attachment; filename="payout-stats-%s-%s.xlsx"`, c.From, c.To))
	_, _ = w.Write(buf.Bytes())
}
