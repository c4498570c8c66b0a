package web

import (
	"net/http"
	"strings"

	"github.com/minzheng/minzheng/internal/auth"
	"github.com/minzheng/minzheng/internal/meals"
)

// mealDinerFormContent is the registration form of an elderly diner.
type mealDinerFormContent struct {
	Form        *form
	Communities []communityChoice
}

// mealDinerCardContent is the page after a registration: the card number and the QR token to
// print on the card, shown this once (only the token's hash is kept).
type mealDinerCardContent struct {
	Name         string // masked
	Registration *meals.Registration
}

// dinerFields are the fields of the registration form; an error about any other goes on top.
var dinerFields = []string{"name", "id_number", "hukou_region", "home_region", "phone", "address", "categories"}

func (s *Site) showDinerForm(w http.ResponseWriter, r *http.Request, status int, f *form) {
	c := mealDinerFormContent{Form: f, Communities: s.communityChoices(r, auth.FromContext(r.Context()))}
	s.render(w, r, status, "meals_diner_form", s.msg.T("meals.ui.diner.new"), c)
}

// mealDinerNew shows the empty registration form.
func (s *Site) mealDinerNew(w http.ResponseWriter, r *http.Request) {
	s.showDinerForm(w, r, http.StatusOK, emptyForm())
}

// mealDinerRegister registers the person of the form and shows the card issued, once. The
// store checks the ID number (60 or over), the home community, the caller's right to register
// there, and takes 低保/特困 from the registry.
func (s *Site) mealDinerRegister(w http.ResponseWriter, r *http.Request) {
	f := newForm(r)
	in := meals.DinerInput{Name: f.Get("name"), IDNumber: strings.TrimSpace(f.Get("id_number")),
		HomeRegion: strings.TrimSpace(f.Get("home_region")), HukouRegion: strings.TrimSpace(f.Get("hukou_region")),
		Phone: f.Get("phone"), Address: f.Get("address")}
	if f.Get("disabled") == "1" {
		in.Categories = []string{meals.CategoryDisabled}
	}
	reg, err := s.deps.Meals.RegisterDiner(r.Context(), auth.FromContext(r.Context()), in)
	if err != nil {
		s.refused(w, r, f, onlyFields(err, dinerFields), func(status int) { s.showDinerForm(w, r, status, f) })
		return
	}
	w.Header().Set("Cache-Control", "no-store")
	s.render(w, r, http.StatusCreated, "meals_diner_card", s.msg.T("meals.ui.diner.registered"),
		mealDinerCardContent{Name: maskedName(in.Name), Registration: reg})
}
