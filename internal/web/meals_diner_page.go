package web

import (
	"net/http"
	"net/url"
	"strings"

	"github.com/minzheng/minzheng/internal/apperr"
	"github.com/minzheng/minzheng/internal/auth"
	"github.com/minzheng/minzheng/internal/civil"
	"github.com/minzheng/minzheng/internal/meals"
	"github.com/minzheng/minzheng/internal/pii"
)

// mealDinerContent is one diner's page: who they are (identifiers masked), their categories and
// card, their status with its date, their latest meals, and the relatives who may order for them;
// for whoever may register the diner, the forms to link and unlink a relative and to mark the
// diner deceased or left (or active again).
type mealDinerContent struct {
	D           *meals.DinerRecord
	Age         int
	HomeName    string
	HukouName   string
	StatusClass string
	// StatusOn is the date of death or of leaving, zero when active or not recorded.
	StatusOn    civil.Date
	Meals       []mealView
	Relatives   []meals.Relative
	CanRelate   bool
	RelForm     *form
	StatusForm  *form
	Statuses    []string
	Today       civil.Date
	ActionError string
	Done        string
}

// dinerMealsShown is how many of a diner's latest meals the page lists.
const dinerMealsShown = 30

// relativeFields are the fields of the form that links a relative; statusFields those of the
// form that changes the diner's status.
var (
	relativeFields = []string{"name", "relation", "phone"}
	statusFields   = []string{"status", "on", "note"}
)

// loadMealDiner reads diner {id} within the caller's sight and what their page shows.
func (s *Site) loadMealDiner(r *http.Request) (*mealDinerContent, error) {
	p, d, err := lookupPath(r, "meals.diner_notfound", s.deps.Meals.Diner)
	if err != nil {
		return nil, err
	}
	ctx := r.Context()
	c := &mealDinerContent{D: d, Age: d.AgeOn(s.todayOf()), HomeName: s.regionBelow(r, p, d.HomeRegion),
		StatusClass: dinerStatusClass(d.Status), CanRelate: meals.RegistersDinersIn(p, d.HomeRegion), RelForm: emptyForm(),
		StatusForm: emptyForm(), Statuses: meals.DinerStatuses(), Today: s.todayOf(), Done: r.URL.Query().Get("done")}
	c.StatusForm.Values = url.Values{"status": {d.Status}}
	if d.HukouRegion != "" {
		c.HukouName = s.scopeName(r, d.HukouRegion)
	}
	if c.StatusOn, err = s.deps.Meals.DinerStatusOn(ctx, p, d.ID); err != nil {
		return nil, err
	}
	rows, err := s.deps.Meals.DinerMeals(ctx, p, d.ID, dinerMealsShown)
	if err != nil {
		return nil, err
	}
	c.Meals = s.mealViews(rows)
	if !meals.ReadsDiners(p) { // a canteen operator sees the diner, not their family
		return c, nil
	}
	if c.Relatives, err = s.deps.Meals.Relatives(ctx, p, d.ID); err != nil {
		return nil, err
	}
	return c, nil
}

// mealDinerPage shows a diner.
func (s *Site) mealDinerPage(w http.ResponseWriter, r *http.Request) {
	c, err := s.loadMealDiner(r)
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	s.showMealDiner(w, r, http.StatusOK, c)
}

func (s *Site) showMealDiner(w http.ResponseWriter, r *http.Request, status int, c *mealDinerContent) {
	s.render(w, r, status, "meals_diner", s.msg.T("meals.ui.diner.title", maskedName(c.D.Name)), c)
}

// mealRelativeAdd links a relative who may order for diner {id} (亲属代订餐). The diner is read
// first, so one outside the caller's sight is not found whatever the form holds.
func (s *Site) mealRelativeAdd(w http.ResponseWriter, r *http.Request) {
	c, err := s.loadMealDiner(r)
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	f := newForm(r)
	in := meals.RelativeInput{Name: strings.TrimSpace(f.Get("name")), Relation: strings.TrimSpace(f.Get("relation")),
		Phone: strings.TrimSpace(f.Get("phone"))}
	switch {
	case in.Name == "":
		err = apperr.FieldMsg("name", "meals.ui.diner.relative_name_required")
	case in.Relation == "":
		err = apperr.FieldMsg("relation", "meals.ui.diner.relation_required")
	case in.Phone == "":
		err = apperr.FieldMsg("phone", "meals.ui.diner.relative_phone_required")
	default:
		_, err = s.deps.Meals.AddRelative(r.Context(), auth.FromContext(r.Context()), c.D.ID, in)
	}
	if err != nil {
		c.RelForm = f
		s.refused(w, r, f, onlyFields(err, relativeFields), func(status int) { s.showMealDiner(w, r, status, c) })
		return
	}
	http.Redirect(w, r, doneURL(dinerURL(c.D.ID), "relative_added")+"#relatives", http.StatusSeeOther)
}

// mealRelativeRemove unlinks relative {rel} of diner {id}, after confirmation: from then on
// their phone orders nothing for the diner.
func (s *Site) mealRelativeRemove(w http.ResponseWriter, r *http.Request) {
	c, err := s.loadMealDiner(r)
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	if err := requireConfirm(r); err != nil {
		s.dinerActionRefused(w, r, c, err)
		return
	}
	relID, err := pathNumber(r, "rel", "meals.relative.notfound")
	if err == nil && !c.hasRelative(relID) {
		err = apperr.Msg(apperr.NotFound, "meals.relative.notfound")
	}
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	if err := s.deps.Meals.RemoveRelative(r.Context(), auth.FromContext(r.Context()), relID); err != nil {
		s.dinerActionRefused(w, r, c, err)
		return
	}
	http.Redirect(w, r, doneURL(dinerURL(c.D.ID), "relative_removed")+"#relatives", http.StatusSeeOther)
}

// mealDinerStatus marks diner {id} deceased or left on a date, or active again, with a note, after
// confirmation: from then on the counter gives the diner no subsidy (停止补贴), and the anti-fraud
// scan flags meals recorded after the date of death. The version the page showed goes with it,
// so a change made meanwhile by someone else is reported, not overwritten.
func (s *Site) mealDinerStatus(w http.ResponseWriter, r *http.Request) {
	c, err := s.loadMealDiner(r)
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	f := newForm(r)
	in := meals.DinerStatusInput{Status: f.Get("status"), Note: f.Get("note")}
	in.On, err = dateField(f, "on")
	if err == nil {
		err = requireConfirm(r)
	}
	if err == nil {
		err = s.deps.Meals.SetDinerStatus(r.Context(), auth.FromContext(r.Context()), c.D.ID, atoi(f.Get("version")), in)
	}
	if err != nil {
		c.StatusForm = f
		s.refused(w, r, f, onlyFields(err, statusFields), func(status int) { s.showMealDiner(w, r, status, c) })
		return
	}
	http.Redirect(w, r, doneURL(dinerURL(c.D.ID), "status_"+in.Status)+"#status", http.StatusSeeOther)
}

// dinerActionRefused shows the diner page again after a row's button was refused.
func (s *Site) dinerActionRefused(w http.ResponseWriter, r *http.Request, c *mealDinerContent, err error) {
	f := emptyForm()
	if ferr := f.fail(onTop(err)); ferr != nil {
		s.renderError(w, r, ferr)
		return
	}
	c.ActionError = f.Error
	s.showMealDiner(w, r, statusFor(err), c)
}

// hasRelative reports whether relative id is linked to the diner.
func (c *mealDinerContent) hasRelative(id int64) bool {
	for _, rl := range c.Relatives {
		if rl.ID == id {
			return true
		}
	}
	return false
}

// maskedName is a person's name as a page shows it outside their own record: 张*明.
func maskedName(name string) string { return pii.MaskName(strings.TrimSpace(name)) }
