package web

import (
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"github.com/minzheng/minzheng/internal/apperr"
	"github.com/minzheng/minzheng/internal/auth"
	"github.com/minzheng/minzheng/internal/meals"
	"github.com/minzheng/minzheng/internal/region"
)

// mealCanteenFormContent is the new or edit form of a canteen: what was typed, what was wrong,
// the communities the caller may choose from (none: a 12-digit code is typed instead) and, when
// editing, which canteen and version.
type mealCanteenFormContent struct {
	Form        *form
	ID          int64
	Communities []communityChoice
	Statuses    []string
	Days        []int
}

// communityChoice is a community as a form's select offers it, named below the caller's scope.
type communityChoice struct{ Code, Name string }

// canteenFields are the fields the canteen form shows; an error about any other goes on top.
var canteenFields = []string{"name", "operator", "address", "latitude", "longitude", "region_code", "capacity",
	"open_days", "delivery", "status", "cutoff_minutes"}

// maxCommunityChoices bounds the select of communities: a district has a few hundred, a city
// thousands, which are better typed as a code.
const maxCommunityChoices = 600

// communityChoices lists the communities of p's scope for a form's select; nil when the scope
// holds too many, and the form asks for the code instead.
func (s *Site) communityChoices(r *http.Request, p *auth.Principal) []communityChoice {
	if p.Scope.Level() < region.County {
		return nil
	}
	tree, err := region.LoadTree(r.Context(), s.deps.DB, p.Scope.Code())
	if err != nil {
		return nil
	}
	var out []communityChoice
	var walk func(code string)
	walk = func(code string) {
		if d, ok := tree.Get(code); ok && d.Level == region.Community {
			out = append(out, communityChoice{Code: d.Code, Name: tree.PathBelow(p.Scope, d.Code)})
			return
		}
		for _, c := range tree.Children(code) {
			walk(c.Code)
		}
	}
	walk(p.Scope.Code())
	if len(out) > maxCommunityChoices {
		return nil
	}
	return out
}

// showCanteenForm renders the canteen form with status.
func (s *Site) showCanteenForm(w http.ResponseWriter, r *http.Request, status int, id int64, f *form) {
	p := auth.FromContext(r.Context())
	c := mealCanteenFormContent{Form: f, ID: id, Communities: s.communityChoices(r, p), Statuses: canteenStatuses(),
		Days: []int{0, 1, 2, 3, 4, 5, 6}}
	title := s.msg.T("meals.ui.canteen.new")
	if id != 0 {
		title = s.msg.T("meals.ui.canteen.edit", f.Get("name"))
	}
	s.render(w, r, status, "meals_canteen_form", title, c)
}

// mealCanteenNew shows the empty form of a new canteen: open every day, open.
func (s *Site) mealCanteenNew(w http.ResponseWriter, r *http.Request) {
	f := emptyForm()
	f.Values = url.Values{"open_day": {"0", "1", "2", "3", "4", "5", "6"}, "status": {meals.CanteenOpen},
		"cutoff_minutes": {strconv.Itoa(meals.DefaultCutoffMinutes)}}
	s.showCanteenForm(w, r, http.StatusOK, 0, f)
}

// mealCanteenCreate adds the canteen of the form and shows its page.
func (s *Site) mealCanteenCreate(w http.ResponseWriter, r *http.Request) {
	f := newForm(r)
	in, err := canteenFrom(f)
	var id int64
	if err == nil {
		id, err = s.deps.Meals.CreateCanteen(r.Context(), auth.FromContext(r.Context()), in)
	}
	if err != nil {
		s.refused(w, r, f, onlyFields(err, canteenFields), func(status int) { s.showCanteenForm(w, r, status, 0, f) })
		return
	}
	http.Redirect(w, r, doneURL(canteenURL(id), "created"), http.StatusSeeOther)
}

// mealCanteenEdit shows the form of canteen {id} as stored.
func (s *Site) mealCanteenEdit(w http.ResponseWriter, r *http.Request) {
	_, c, err := lookupPath(r, "meals.canteen_notfound", s.deps.Meals.Canteen)
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	f := emptyForm()
	f.Values = canteenValues(c)
	s.showCanteenForm(w, r, http.StatusOK, c.ID, f)
}

// mealCanteenUpdate saves the edit form of canteen {id}. The version the editor saw goes with
// it, so an edit made meanwhile by someone else is reported (meals.stale), not overwritten.
func (s *Site) mealCanteenUpdate(w http.ResponseWriter, r *http.Request) {
	p, c, err := lookupPath(r, "meals.canteen_notfound", s.deps.Meals.Canteen)
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	f := newForm(r)
	in, err := canteenFrom(f)
	if err == nil {
		err = s.deps.Meals.UpdateCanteen(r.Context(), p, c.ID, atoi(f.Get("version")), in)
	}
	if err != nil {
		s.refused(w, r, f, onlyFields(err, canteenFields), func(status int) { s.showCanteenForm(w, r, status, c.ID, f) })
		return
	}
	http.Redirect(w, r, doneURL(canteenURL(c.ID), "updated"), http.StatusSeeOther)
}

// canteenFrom reads the canteen form. Numbers and the opening days must be readable here; every
// other check is the store's.
func canteenFrom(f *form) (meals.CanteenInput, error) {
	in := meals.CanteenInput{Name: f.Get("name"), Operator: f.Get("operator"), Address: f.Get("address"),
		Latitude: f.Get("latitude"), Longitude: f.Get("longitude"), RegionCode: strings.TrimSpace(f.Get("region_code")),
		Delivery: f.Get("delivery") == "1", Status: f.Get("status")}
	var err error
	if in.Capacity, err = intField(f.Values, "capacity"); err != nil {
		return in, err
	}
	if in.CutoffMinutes, err = intField(f.Values, "cutoff_minutes"); err != nil {
		return in, err
	}
	days := []byte("0000000")
	for _, d := range f.Values["open_day"] {
		if i, err := strconv.Atoi(d); err == nil && i >= 0 && i < 7 {
			days[i] = '1'
		}
	}
	if in.OpenDays = string(days); in.OpenDays == "0000000" {
		return in, apperr.FieldMsg("open_days", "meals.ui.canteen.open_days_required")
	}
	return in, nil
}

// canteenValues fills the form with canteen c as stored.
func canteenValues(c *meals.Canteen) url.Values {
	v := url.Values{"name": {c.Name}, "operator": {c.Operator}, "address": {c.Address}, "latitude": {c.Latitude},
		"longitude": {c.Longitude}, "region_code": {c.RegionCode}, "capacity": {strconv.Itoa(c.Capacity)},
		"status": {c.Status}, "version": {strconv.Itoa(c.Version)}, "cutoff_minutes": {strconv.Itoa(c.CutoffMinutes)}}
	for i := 0; i < len(c.OpenDays) && i < 7; i++ {
		if c.OpenDays[i] == '1' {
			v.Add("open_day", strconv.Itoa(i))
		}
	}
	if c.Delivery {
		v.Set("delivery", "1")
	}
	return v
}
