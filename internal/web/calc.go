package web

import (
	"net/http"

	"github.com/minzheng/minzheng/internal/auth"
	"github.com/minzheng/minzheng/internal/benefit"
	"github.com/minzheng/minzheng/internal/civil"
	"github.com/minzheng/minzheng/internal/policy"
)

type calcContent struct {
	H        *householdContent
	Programs []string
	Program  string
	Date     string
	Result   *policy.Result
	Error    string
}

func (s *Site) registerCalc() {
	s.page("GET", "/households/{id}/calc", auth.HouseholdView, s.calcPage, nil)
}

// calcPage runs a program's calculator on a registry household for a date and shows the result
// with every step and the parameters it used; the page prints as a worksheet.
func (s *Site) calcPage(w http.ResponseWriter, r *http.Request) {
	hc, err := s.loadHousehold(r)
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	q := r.URL.Query()
	c := calcContent{H: hc, Programs: policy.Programs(), Program: q.Get("program"), Date: q.Get("date")}
	if c.Program == "" {
		c.Program = "dibao"
	}
	date := civil.Today(s.deps.Now())
	if c.Date != "" {
		if date, err = civil.ParseDate(c.Date); err != nil {
			c.Error = s.msg.T("field.date_invalid")
		}
	}
	c.Date = date.String()
	if c.Error == "" {
		set, err := s.deps.Params.Load(r.Context())
		if err != nil {
			s.renderError(w, r, err)
			return
		}
		res, err := policy.Calculate(set, benefit.Request(hc.H, c.Program, date))
		if err != nil {
			c.Error = err.Error()
		} else {
			c.Result = &res
		}
	}
	s.render(w, r, http.StatusOK, "calc", s.msg.T("calc.title"), c)
}
