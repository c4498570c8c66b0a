package web

import (
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"github.com/minzheng/minzheng/internal/apperr"
	"github.com/minzheng/minzheng/internal/assistance"
	"github.com/minzheng/minzheng/internal/auth"
	"github.com/minzheng/minzheng/internal/httpx"
	"github.com/minzheng/minzheng/internal/region"
	"github.com/minzheng/minzheng/internal/registry"
)

// intakeContent is the window intake form (窗口受理). Field names are the ones the store names in
// its errors, so each error lands next to its field.
type intakeContent struct {
	Form      *form
	Programs  []string
	Streets   []region.Division
	Household *registry.Household // the household the form was opened from, for the child picker
	Children  []string            // programs of the children's allowances
}

// childPrograms are the programs whose application names the child it is for.
var childPrograms = []string{"orphan", "de_facto_orphan", "vulnerable_child"}

func (s *Site) registerCaseIntake() {
	s.page("GET", "/cases/new", auth.CaseIntake, s.caseIntakePage,
		&NavEntry{Section: "nav.section.cases", Label: "nav.case_intake", Order: 305})
	s.page("POST", "/cases/new", auth.CaseIntake, s.caseIntakeSubmit, nil)
}

// caseIntakePage shows an empty application, or one prefilled from a household page's link
// (?household=ID): the applicant is the head, the address and hukou are the household's. The ID
// number is typed again from the applicant's card, since the page never holds it unmasked.
func (s *Site) caseIntakePage(w http.ResponseWriter, r *http.Request) {
	p := auth.FromContext(r.Context())
	q := r.URL.Query()
	f := &form{Values: url.Values{"hukou": {"urban"}, "program": {q.Get("program")}}, Errors: map[string]string{}}
	if p.Scope.Level() >= region.Street {
		f.Values.Set("region_code", p.Scope.Code()[:9])
	}
	if v := strings.TrimSpace(q.Get("household")); v != "" {
		f.Values.Set("household_id", v)
	}
	c := s.intakeContent(r, f)
	if c.Household != nil {
		f.Values.Set("applicant_name", c.Household.Head().Name)
		f.Values.Set("address", c.Household.Address)
		f.Values.Set("hukou", string(c.Household.Hukou))
	}
	s.render(w, r, http.StatusOK, "case_intake", s.msg.T("nav.case_intake"), c)
}

// caseIntakeSubmit records the application. The store decides who may submit (a street officer,
// for a street in scope) and accepts it on the spot when the household is known; a refusal or a
// bad field re-shows everything typed with the message beside its field.
func (s *Site) caseIntakeSubmit(w http.ResponseWriter, r *http.Request) {
	p := auth.FromContext(r.Context())
	f := newForm(r)
	in, err := intakeFrom(f)
	var a *assistance.Application
	if err == nil {
		a, err = s.deps.Cases.Submit(r.Context(), assistance.Applicant{Officer: p, IP: httpx.ClientIP(r)}, in)
	}
	if err != nil {
		s.refused(w, r, f, err, func(status int) {
			s.render(w, r, status, "case_intake", s.msg.T("nav.case_intake"), s.intakeContent(r, f))
		})
		return
	}
	http.Redirect(w, r, caseURL(a.ID), http.StatusSeeOther)
}

// intakeContent builds the form's choices: the streets the caller may handle, and the household
// (within scope) whose members a child's allowance may name.
func (s *Site) intakeContent(r *http.Request, f *form) *intakeContent {
	p := auth.FromContext(r.Context())
	c := &intakeContent{Form: f, Programs: assistance.Programs(), Children: childPrograms}
	c.Streets = s.handlingStreets(r, p)
	if id, err := strconv.ParseInt(f.Get("household_id"), 10, 64); err == nil && id > 0 {
		h, err := s.deps.Registry.Get(r.Context(), p, id)
		switch {
		case err == nil:
			c.Household = h
		case apperr.KindOf(err) == apperr.NotFound:
			if _, ok := f.Errors["household_id"]; !ok {
				f.Errors["household_id"] = s.msg.T("case.household_notfound")
			}
		}
	}
	return c
}

// handlingStreets lists the streets (镇街) within p's scope that could handle an application:
// the officer's own street, or every street of a district.
func (s *Site) handlingStreets(r *http.Request, p *auth.Principal) []region.Division {
	code := p.Scope.Code()
	if p.Scope.Level() >= region.Street {
		code = code[:9]
	}
	if code == "" {
		return nil
	}
	tree, err := region.LoadTree(r.Context(), s.deps.DB, code)
	if err != nil {
		return nil
	}
	var out []region.Division
	var walk func(string)
	walk = func(c string) {
		d, ok := tree.Get(c)
		if !ok {
			return
		}
		if d.Level == region.Street {
			out = append(out, d)
			return
		}
		for _, ch := range tree.Children(c) {
			walk(ch.Code)
		}
	}
	walk(code)
	return out
}

// intakeFrom reads the form into an application. Program-specific fields are passed on only for
// their programs, so a field left over from switching the program does not count against it.
func intakeFrom(f *form) (assistance.Intake, error) {
	in := assistance.Intake{Program: f.Get("program"), RegionCode: f.Get("region_code"),
		ApplicantName: strings.TrimSpace(f.Get("applicant_name")), IDNumber: strings.TrimSpace(f.Get("id_number")),
		Phone: strings.TrimSpace(f.Get("phone")), AgentName: strings.TrimSpace(f.Get("agent_name")),
		Address: strings.TrimSpace(f.Get("address")), Hukou: f.Get("hukou"), Reason: strings.TrimSpace(f.Get("reason"))}
	hid, err := intField(f.Values, "household_id")
	if err != nil {
		return in, err
	}
	in.HouseholdID = int64(hid)
	switch in.Program {
	case "temporary":
		in.Subtype = f.Get("subtype")
		if in.Details.Severity, err = intField(f.Values, "severity"); err != nil {
			return in, err
		}
		if in.Subtype != "emergency" {
			in.Details.Severity = 0
		}
		if in.Details.Expense, err = yuanField(f.Values, "expense"); err != nil {
			return in, err
		}
		if in.Details.Requested, err = yuanField(f.Values, "requested"); err != nil {
			return in, err
		}
	case "dibao":
		in.Details.Expenditure = f.Get("expenditure") == "1"
	case "orphan", "de_facto_orphan", "vulnerable_child":
		child, err := intField(f.Values, "child_person_id")
		if err != nil {
			return in, err
		}
		in.Details.ChildPersonID = int64(child)
		in.Details.Institutional = f.Get("institutional") == "1"
	}
	return in, nil
}
