package web

import (
	"fmt"
	"net/http"
	"strings"

	"github.com/minzheng/minzheng/internal/apperr"
	"github.com/minzheng/minzheng/internal/assistance"
	"github.com/minzheng/minzheng/internal/citizen"
	"github.com/minzheng/minzheng/internal/httpx"
	"github.com/minzheng/minzheng/internal/region"
)

// applyHomeContent is the portal's entry page: what can be applied for, and the way in.
type applyHomeContent struct {
	Programs []string
	Citizen  *citizen.Citizen
}

// applyHome explains in plain words what the public can apply for online and asks them to sign
// in by phone; a signed-in citizen gets the two things they came for: apply, or see their cases.
func (s *Site) applyHome(w http.ResponseWriter, r *http.Request) {
	s.render(w, r, http.StatusOK, "apply", s.msg.T("apply.title"),
		applyHomeContent{Programs: assistance.Programs(), Citizen: citizen.FromContext(r.Context())})
}

// districtOption is one district of the city with its streets, for the two-level choice of the
// handling street.
type districtOption struct {
	Code, Name string
	Streets    []region.Division
}

// applyFormContent is the online application form.
type applyFormContent struct {
	Form      *form
	Programs  []string
	Districts []districtOption
	// District narrows the street list to one district once the applicant has chosen it.
	District string
	Citizen  *citizen.Citizen
}

// applyForm shows the empty application. The phone field starts empty on purpose: the number the
// citizen signed in with is never printed back.
func (s *Site) applyForm(w http.ResponseWriter, r *http.Request) {
	f := &form{Values: map[string][]string{}, Errors: map[string]string{}}
	if p := r.URL.Query().Get("program"); p != "" {
		f.Values.Set("program", p)
	}
	s.renderApplyForm(w, r, http.StatusOK, f)
}

// renderApplyForm shows the form with what was typed and, after a failed submit, the errors
// beside their fields; the district follows the street chosen so the street list stays narrow.
func (s *Site) renderApplyForm(w http.ResponseWriter, r *http.Request, status int, f *form) {
	districts, err := s.districtOptions(r)
	if err != nil {
		s.publicError(w, r, err)
		return
	}
	district := f.Get("district")
	if street := f.Get("region_code"); len(street) == 9 && (district == "" || !strings.HasPrefix(street, district)) {
		district = street[:6]
	}
	s.render(w, r, status, "apply_new", s.msg.T("apply.new.title"), applyFormContent{Form: f, Programs: assistance.Programs(),
		Districts: districts, District: district, Citizen: citizen.FromContext(r.Context())})
}

// districtOptions lists the districts of the city (Deps.Root) and their streets.
func (s *Site) districtOptions(r *http.Request) ([]districtOption, error) {
	tree, err := region.LoadTree(r.Context(), s.deps.DB, s.deps.Root)
	if err != nil {
		return nil, err
	}
	var out []districtOption
	for _, d := range tree.Children(s.deps.Root) {
		out = append(out, districtOption{Code: d.Code, Name: d.Name, Streets: tree.Children(d.Code)})
	}
	return out, nil
}

// applySubmit files the online application. The "show streets" button only narrows the street
// list to the chosen district and redisplays the form with everything typed kept, so the form
// works without JavaScript. On success the citizen lands on the new case's page, which says what
// happens next; a reload there cannot file the application twice.
func (s *Site) applySubmit(w http.ResponseWriter, r *http.Request) {
	f := newForm(r)
	if f.Get("show") != "" {
		f.Values.Del("region_code")
		s.renderApplyForm(w, r, http.StatusOK, f)
		return
	}
	in, err := intakeFromForm(f)
	if err == nil {
		var a *assistance.Application
		c := citizen.FromContext(r.Context())
		a, err = s.deps.Cases.Submit(r.Context(), assistance.Applicant{CitizenID: c.ID, IP: httpx.ClientIP(r)}, in)
		if err == nil {
			http.Redirect(w, r, fmt.Sprintf("%s/%d?submitted=1", applyMinePath, a.ID), http.StatusSeeOther)
			return
		}
	}
	if err := f.fail(err); err != nil {
		s.publicError(w, r, err)
		return
	}
	s.renderApplyForm(w, r, statusFor(err), f)
}

// intakeFromForm reads the application form. The 临时救助 fields are read only for 临时救助, so
// that a value left in them after changing the program does not block another program.
func intakeFromForm(f *form) (assistance.Intake, error) {
	v := f.Values
	in := assistance.Intake{
		Program:       v.Get("program"),
		RegionCode:    strings.TrimSpace(v.Get("region_code")),
		ApplicantName: strings.TrimSpace(v.Get("applicant_name")),
		IDNumber:      strings.ToUpper(strings.TrimSpace(v.Get("id_number"))),
		AgentName:     strings.TrimSpace(v.Get("agent_name")),
		Address:       strings.TrimSpace(v.Get("address")),
		Hukou:         v.Get("hukou"),
		Reason:        strings.TrimSpace(v.Get("reason")),
	}
	if p := strings.TrimSpace(v.Get("phone")); p != "" {
		phone, err := citizen.ParsePhone(p)
		if err != nil {
			return in, err
		}
		in.Phone = phone
	}
	if in.Program != "temporary" {
		return in, nil
	}
	in.Subtype = v.Get("subtype")
	var err error
	if in.Subtype == "emergency" {
		if in.Details.Severity, err = intField(v, "severity"); err != nil {
			return in, err
		}
	}
	if in.Details.Expense, err = yuanField(v, "expense"); err != nil {
		return in, err
	}
	if in.Details.Requested, err = yuanField(v, "requested"); err != nil {
		return in, err
	}
	if in.Details.Expense < 0 || in.Details.Requested < 0 {
		return in, apperr.FieldMsg("expense", "case.bad_amount")
	}
	return in, nil
}
