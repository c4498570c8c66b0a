package web

import (
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"github.com/minzheng/minzheng/internal/apperr"
	"github.com/minzheng/minzheng/internal/auth"
	"github.com/minzheng/minzheng/internal/civil"
	"github.com/minzheng/minzheng/internal/httpx"
	"github.com/minzheng/minzheng/internal/policy"
)

type paramsContent struct {
	Params  []policy.Param
	Names   []string
	Name    string
	CanEdit bool
	Form    *form
	Units   []policy.Unit
	Done    bool
}

func (s *Site) registerParams() {
	s.page("GET", "/policy/params", auth.SignedIn, s.paramsPage, &NavEntry{Section: "nav.section.policy", Label: "nav.params", Order: 200})
	s.page("POST", "/policy/params", auth.PolicyEdit, s.paramsAdd, nil)
}

func (s *Site) paramsContent(r *http.Request, f *form) (*paramsContent, error) {
	set, err := s.deps.Params.Load(r.Context())
	if err != nil {
		return nil, err
	}
	c := &paramsContent{Name: r.URL.Query().Get("name"), CanEdit: auth.FromContext(r.Context()).Can(auth.PolicyEdit), Form: f,
		Units: []policy.Unit{policy.FenPerMonth, policy.FenPerYear, policy.FenOnce, policy.Permille, policy.Count}}
	seen := map[string]bool{}
	for _, p := range set.All() {
		if !seen[p.Name] {
			seen[p.Name] = true
			c.Names = append(c.Names, p.Name)
		}
		if c.Name == "" || p.Name == c.Name {
			c.Params = append(c.Params, p)
		}
	}
	return c, nil
}

// paramsPage lists the policy parameters in force, each with its validity and source; a city
// administrator adds next year's value below.
func (s *Site) paramsPage(w http.ResponseWriter, r *http.Request) {
	c, err := s.paramsContent(r, &form{Values: url.Values{}, Errors: map[string]string{}})
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	c.Done = r.URL.Query().Get("done") == "1"
	s.render(w, r, http.StatusOK, "params", s.msg.T("nav.params"), c)
}

func (s *Site) paramsAdd(w http.ResponseWriter, r *http.Request) {
	f := newForm(r)
	p, err := paramFromForm(f)
	if err == nil {
		err = s.deps.Params.Add(r.Context(), auth.FromContext(r.Context()), p, httpx.ClientIP(r))
	}
	if err != nil {
		if ferr := f.fail(err); ferr != nil {
			s.renderError(w, r, ferr)
			return
		}
		c, cerr := s.paramsContent(r, f)
		if cerr != nil {
			s.renderError(w, r, cerr)
			return
		}
		s.render(w, r, statusFor(err), "params", s.msg.T("nav.params"), c)
		return
	}
	http.Redirect(w, r, "/policy/params?done=1&name="+url.QueryEscape(p.Name), http.StatusSeeOther)
}

func paramFromForm(f *form) (policy.Param, error) {
	p := policy.Param{Name: strings.TrimSpace(f.Get("name")), Region: strings.TrimSpace(f.Get("region_code")),
		Hukou: f.Get("hukou"), Unit: policy.Unit(f.Get("unit")), Official: f.Get("official") == "1",
		Source: strings.TrimSpace(f.Get("source"))}
	var err error
	if p.ValidFrom, err = civil.ParseDate(f.Get("valid_from")); err != nil {
		return p, apperr.FieldMsg("valid_from", "field.date_invalid")
	}
	if p.Value, err = strconv.ParseInt(strings.TrimSpace(f.Get("value")), 10, 64); err != nil || p.Value < 0 {
		return p, apperr.FieldMsg("value", "field.number_invalid")
	}
	if p.Name == "" {
		return p, apperr.FieldMsg("name", "param.name_required")
	}
	if p.Source == "" {
		return p, apperr.FieldMsg("source", "param.source_required")
	}
	return p, nil
}
