package web

import (
	"bytes"
	"net/http"
	"net/url"
	"strconv"

	"github.com/xuri/excelize/v2"

	"github.com/minzheng/minzheng/internal/apperr"
	"github.com/minzheng/minzheng/internal/auth"
	"github.com/minzheng/minzheng/internal/benefit"
	"github.com/minzheng/minzheng/internal/civil"
	"github.com/minzheng/minzheng/internal/policy"
)

type simulationContent struct {
	Form     *form
	Programs []string
	Report   *benefit.Report
	XLSXURL  string
	Names    map[string]string
}

func (s *Site) registerSimulation() {
	s.page("GET", "/policy/simulate", auth.HouseholdView, s.simulationPage, &NavEntry{Section: "nav.section.policy", Label: "nav.simulate", Order: 210})
	s.page("GET", "/policy/simulate.xlsx", auth.HouseholdView, s.simulationXLSX, nil)
}

// scenarioFrom reads the simulation form; empty means "show the form".
func scenarioFrom(q url.Values) (benefit.Scenario, bool, error) {
	if q.Get("program") == "" {
		return benefit.Scenario{}, false, nil
	}
	sc := benefit.Scenario{Program: q.Get("program"), Param: q.Get("parameter")}
	var err error
	if sc.Date, err = civil.ParseDate(q.Get("date")); err != nil {
		return sc, true, apperr.FieldMsg("date", "field.date_invalid")
	}
	if sc.From, err = civil.ParseDate(q.Get("from")); err != nil {
		return sc, true, apperr.FieldMsg("from", "field.date_invalid")
	}
	pct, err := strconv.ParseFloat(q.Get("percent"), 64)
	if err != nil {
		return sc, true, apperr.FieldMsg("percent", "field.number_invalid")
	}
	sc.Permille = int64(pct * 10)
	return sc, true, nil
}

// simulationPage answers "what if": a parameter changes by a percentage from a date; the program
// is calculated for every household in the caller's scope before and after, by district.
func (s *Site) simulationPage(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	if q.Get("program") == "" {
		q = url.Values{"program": {"dibao"}, "parameter": {"dibao.standard"}, "percent": {"5"},
			"date": {civil.Today(s.deps.Now()).String()}, "from": {civil.Today(s.deps.Now()).String()}}
		s.render(w, r, http.StatusOK, "simulation", s.msg.T("nav.simulate"), simulationContent{Form: &form{Values: q, Errors: map[string]string{}}, Programs: policy.Programs()})
		return
	}
	c := simulationContent{Form: &form{Values: q, Errors: map[string]string{}}, Programs: policy.Programs(), Names: map[string]string{}}
	rep, err := s.runScenario(r, q)
	if err != nil {
		if ferr := c.Form.fail(err); ferr != nil {
			s.renderError(w, r, ferr)
			return
		}
		s.render(w, r, statusFor(err), "simulation", s.msg.T("nav.simulate"), c)
		return
	}
	c.Report, c.XLSXURL = rep, "/policy/simulate.xlsx?"+q.Encode()
	for _, l := range rep.Lines {
		c.Names[l.Region] = s.regionBelow(r, auth.FromContext(r.Context()), l.Region)
	}
	s.render(w, r, http.StatusOK, "simulation", s.msg.T("nav.simulate"), c)
}

func (s *Site) runScenario(r *http.Request, q url.Values) (*benefit.Report, error) {
	sc, _, err := scenarioFrom(q)
	if err != nil {
		return nil, err
	}
	return benefit.Run(r.Context(), s.deps.Registry, s.deps.Params, auth.FromContext(r.Context()), sc)
}

// simulationXLSX writes the same report as a spreadsheet.
func (s *Site) simulationXLSX(w http.ResponseWriter, r *http.Request) {
	rep, err := s.runScenario(r, r.URL.Query())
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	f := excelize.NewFile()
	defer f.Close()
	sheet := f.GetSheetName(0)
	head := []any{s.msg.T("region.code"), s.msg.T("region.name"), s.msg.T("sim.households"), s.msg.T("sim.eligible_before"),
		s.msg.T("sim.eligible_after"), s.msg.T("sim.persons_before"), s.msg.T("sim.persons_after"), s.msg.T("sim.newly"),
		s.msg.T("sim.no_longer"), s.msg.T("sim.monthly_before"), s.msg.T("sim.monthly_after"), s.msg.T("sim.monthly_change"), s.msg.T("sim.yearly_change")}
	_ = f.SetSheetRow(sheet, "A1", &head)
	lines := append(rep.Lines, rep.Total)
	for i, l := range lines {
		name := s.regionBelow(r, auth.FromContext(r.Context()), l.Region)
		if i == len(lines)-1 {
			name = s.msg.T("home.totals")
		}
		row := []any{l.Region, name, l.Households, l.EligibleBefore, l.EligibleAfter, l.PersonsBefore, l.PersonsAfter, l.NewlyEligible,
			l.NoLonger, l.MonthlyBefore.Plain(), l.MonthlyAfter.Plain(), l.MonthlyChange.Plain(), l.YearlyChange.Plain()}
		cell, _ := excelize.CoordinatesToCellName(1, i+2)
		_ = f.SetSheetRow(sheet, cell, &row)
	}
	var buf bytes.Buffer
	if err := f.Write(&buf); err != nil {
		s.renderError(w, r, err)
		return
	}
	w.Header().Set("Content-Type", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
	w.Header().Set("Content-Disposition", `attachment; filename="simulation.xlsx"`)
	_, _ = w.Write(buf.Bytes())
}
