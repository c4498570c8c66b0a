package web

import (
	"fmt"
	"net/http"
	"net/url"
	"strings"

	"github.com/minzheng/minzheng/internal/apperr"
	"github.com/minzheng/minzheng/internal/auth"
	"github.com/minzheng/minzheng/internal/civil"
	"github.com/minzheng/minzheng/internal/money"
	"github.com/minzheng/minzheng/internal/policy"
)

// calcFormMembers is how many member rows the blank calculator offers; rows left empty are skipped.
const calcFormMembers = 5

type calcFormContent struct {
	Form     *form
	Programs []string
	Rows     []int
	Kinds    []string
	Result   *policy.Result
}

func (s *Site) registerCalcForm() {
	s.page("GET", "/calc", auth.SignedIn, s.calcForm, &NavEntry{Section: "nav.section.policy", Label: "calc.title", Order: 190})
}

// calcForm is the calculator for a household typed in by hand — at the window, before anything
// is registered. The form is a GET, so a result can be bookmarked or printed.
func (s *Site) calcForm(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	if q.Get("program") == "" {
		today := civil.Today(s.deps.Now()).String()
		q = url.Values{"program": {"dibao"}, "date": {today}, "hukou": {"urban"}, "region_code": {s.homeRoot(auth.FromContext(r.Context()))}}
	}
	c := calcFormContent{Form: &form{Values: q, Errors: map[string]string{}}, Programs: policy.Programs(),
		Kinds: []string{"physical", "visual", "hearing", "speech", "intellectual", "mental", "multiple"}}
	for i := 0; i < calcFormMembers; i++ {
		c.Rows = append(c.Rows, i)
	}
	status := http.StatusOK
	if r.URL.Query().Get("program") != "" {
		req, err := requestFromForm(q)
		if err == nil {
			var set *policy.Set
			if set, err = s.deps.Params.Load(r.Context()); err != nil {
				s.renderError(w, r, err)
				return
			}
			var res policy.Result
			if res, err = policy.Calculate(set, req); err == nil {
				c.Result = &res
			} else {
				err = apperr.New(apperr.Invalid, "invalid", err.Error())
			}
		}
		if err != nil {
			if ferr := c.Form.fail(err); ferr != nil {
				s.renderError(w, r, ferr)
				return
			}
			status = statusFor(err)
		}
	}
	s.render(w, r, status, "calc_form", s.msg.T("calc.title"), c)
}

// requestFromForm reads the calculator form; amounts are typed in yuan.
func requestFromForm(q url.Values) (policy.Request, error) {
	var errs []error
	fen := func(name string) money.Fen { f, err := yuanField(q, name); errs = append(errs, err); return f }
	count := func(name string) int { n, err := intField(q, name); errs = append(errs, err); return n }
	req := policy.Request{Program: q.Get("program"), RegionCode: strings.TrimSpace(q.Get("region_code")), Hukou: q.Get("hukou"),
		Expenditure: q.Get("expenditure") == "1", RigidSpending12m: fen("rigid_spending"), Deductions: fen("deductions"),
		Assets: policy.Assets{FinancialAssets: fen("financial_assets"), Vehicles: count("vehicles"), Homes: count("homes"),
			FloorAreaM2: count("floor_area"), BusinessRegistered: q.Get("business") == "1"}}
	var err error
	if req.Date, err = civil.ParseDate(q.Get("date")); err != nil {
		return req, apperr.FieldMsg("date", "field.date_invalid")
	}
	receives := q["receives"]
	for i := 0; i < calcFormMembers; i++ {
		pre := fmt.Sprintf("m%d.", i)
		if strings.TrimSpace(q.Get(pre+"birth")) == "" {
			continue
		}
		m := policy.Member{ID: fmt.Sprintf("成员%d", i+1), Covered: q.Get(pre+"covered") == "1", SeriousIllness: q.Get(pre+"ill") == "1",
			InSchool: q.Get(pre+"school") == "1", HasSupporter: q.Get(pre+"supporter") == "1", SelfCareFailed: count(pre + "selfcare"),
			Receives: receives}
		if m.BirthDate, err = civil.ParseDate(q.Get(pre + "birth")); err != nil {
			return req, apperr.FieldMsg(pre+"birth", "field.date_invalid")
		}
		for _, kind := range []string{"wage", "business", "property", "transfer", "basic_pension"} {
			if a := fen(pre + kind); a != 0 {
				m.MonthlyIncomes = append(m.MonthlyIncomes, policy.Income{Kind: kind, Amount: a})
			}
		}
		if k := q.Get(pre + "dkind"); k != "" {
			m.Disability = &policy.Disability{Kind: k, Grade: count(pre + "dgrade")}
		}
		req.Members = append(req.Members, m)
	}
	switch req.Program {
	case "temporary":
		req.Temporary = &policy.Temporary{Type: q.Get("t.type"), Severity: count("t.severity"), Expense: fen("t.expense"), Requested: fen("t.requested")}
	case "orphan", "de_facto_orphan", "vulnerable_child":
		req.Child = &policy.Child{MemberID: "成员1", Institutional: q.Get("child.institutional") == "1"}
	case "price_subsidy":
		month, merr := civil.ParseMonth(q.Get("cpi.month"))
		if merr != nil {
			return req, apperr.FieldMsg("cpi.month", "field.date_invalid")
		}
		req.Month = month
		req.CPI = []policy.CPIMonth{{Month: month, CPI: int64(count("cpi.cpi")), FoodCPI: int64(count("cpi.food"))}}
	}
	for _, e := range errs {
		if e != nil {
			return req, e
		}
	}
	return req, nil
}
