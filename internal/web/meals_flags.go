package web

import (
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"

	"github.com/minzheng/minzheng/internal/apperr"
	"github.com/minzheng/minzheng/internal/auth"
	"github.com/minzheng/minzheng/internal/civil"
	"github.com/minzheng/minzheng/internal/meals"
	"github.com/minzheng/minzheng/internal/region"
)

// The anti-fraud review page of the 老年助餐 module: the flags the rules raised on meals, with
// counts by rule, each flag's evidence in words, and — for the city and the districts — the form
// that clears or confirms the chosen flags with a note, and the "scan now" of a month. The
// review form takes flag ids in its body rather than one flag in its path, because the flags of
// a day are usually judged together (a volume jump flags every meal beyond the threshold).
// internal/meals decides who sees which flag (staff by region, an operator their own canteen)
// and who may decide; an out-of-scope flag in a batch is not found and the batch changes nothing.

// registerMealFlags registers the pages of anti-fraud flags and their review.
func (s *Site) registerMealFlags() {
	s.page("GET", "/meals/flags", auth.MealsView, s.mealFlagsPage,
		&NavEntry{Section: "meals.ui.nav.section", Label: "meals.ui.flags.nav", Order: 645})
	s.page("POST", "/meals/flags/review", auth.MealsSettle, s.mealFlagsReview, nil)
	s.page("POST", "/meals/flags/scan", auth.MealsSettle, s.mealFlagsScan, nil)
}

// mealFlagsPerPage is the length of a page of flags.
const mealFlagsPerPage = 50

// mealFlagsContent is the review page: the filters as chosen and their choices, the counts by
// rule, a page of flags, and the review and scan forms for whoever may use them.
type mealFlagsContent struct {
	Filter    mealFlagsFilter
	Rules     []ruleChoice
	Statuses  []string
	Regions   []region.ChildCount
	Counts    []mealFlagCount
	Rows      []mealFlagRow
	CanReview bool
	// LinkDiner links each diner's page, which staff may open and a canteen operator may not.
	LinkDiner bool
	Review    *form
	Scan      *form
	ThisMonth string
	// Back is the filter's query, carried through the review so the list comes back the same.
	Back   string
	Notice string
	pager
}

// mealFlagsFilter is the filter as typed, for the form to show back.
type mealFlagsFilter struct {
	Status, Rule, Region, Canteen, From, To string
}

// mealFlagCount is a rule's flags by status, its rule named.
type mealFlagCount struct {
	meals.FlagCount
	Title string
}

// mealFlagRow is a flag as the list shows it: its rule named, its evidence in words, its place
// named below the caller's scope and its status coloured.
type mealFlagRow struct {
	meals.Flag
	RuleTitle   string
	Lines       []string
	RegionName  string
	StatusClass string
}

// mealFlagStatusClass is the badge colour of a flag status; the badge always carries the text.
func mealFlagStatusClass(status string) string {
	switch status {
	case meals.FlagOpen:
		return "warn"
	case meals.FlagConfirmed:
		return "danger"
	}
	return "ok"
}

// mealFlagsQuery reads the list's filter from a query. A first visit (no status in the query)
// shows the flags still to review; "status=" shows all. Values that cannot be read are dropped
// rather than refused, so an old bookmark still opens the list.
func mealFlagsQuery(q url.Values) (mealFlagsFilter, meals.FlagFilter) {
	v := mealFlagsFilter{Status: meals.FlagOpen, Rule: q.Get("rule"), Region: strings.TrimSpace(q.Get("region")),
		Canteen: strings.TrimSpace(q.Get("canteen")), From: q.Get("from"), To: q.Get("to")}
	if q.Has("status") {
		v.Status = q.Get("status")
	}
	if !slices.Contains(meals.FlagStatuses(), v.Status) {
		v.Status = ""
	}
	if _, ok := meals.FraudRuleByID(v.Rule); !ok {
		v.Rule = ""
	}
	if region.ValidCode(v.Region) != nil {
		v.Region = ""
	}
	f := meals.FlagFilter{Status: v.Status, Rule: v.Rule, Region: v.Region, Limit: mealFlagsPerPage}
	if id, err := strconv.ParseInt(v.Canteen, 10, 64); err == nil && id > 0 {
		f.CanteenID = id
	} else {
		v.Canteen = ""
	}
	if d, err := civil.ParseDate(v.From); err == nil {
		f.From = d
	} else {
		v.From = ""
	}
	if d, err := civil.ParseDate(v.To); err == nil {
		f.To = d
	} else {
		v.To = ""
	}
	return v, f
}

// values writes the filter back as a query, for the pager's links and the way back after a
// review.
func (v mealFlagsFilter) values() url.Values {
	q := url.Values{"status": {v.Status}}
	for k, val := range map[string]string{"rule": v.Rule, "region": v.Region, "canteen": v.Canteen, "from": v.From, "to": v.To} {
		if val != "" {
			q.Set(k, val)
		}
	}
	return q
}

// mealFlagsPage lists the flags of the caller's sight by the filters.
func (s *Site) mealFlagsPage(w http.ResponseWriter, r *http.Request) {
	s.showMealFlags(w, r, r.URL.Query(), http.StatusOK, emptyForm(), emptyForm())
}

// showMealFlags renders the list for query q, with the review and scan forms as given (a failed
// submit's, with its errors).
func (s *Site) showMealFlags(w http.ResponseWriter, r *http.Request, q url.Values, status int, review, scan *form) {
	p := auth.FromContext(r.Context())
	v, f := mealFlagsQuery(q)
	page := max(1, atoi(q.Get("page")))
	f.Offset = (page - 1) * mealFlagsPerPage
	c := mealFlagsContent{Filter: v, Statuses: meals.FlagStatuses(), CanReview: p.Can(auth.MealsSettle), Review: review,
		LinkDiner: p.Role != auth.CanteenOperator,
		Scan:      scan, ThisMonth: s.thisMonth().String(), Back: v.values().Encode(), Notice: mealFlagsNotice(s, q)}
	for _, rl := range meals.FraudRules() {
		c.Rules = append(c.Rules, ruleChoice{ID: rl.ID, Label: rl.Title})
	}
	flags, total, err := s.deps.Meals.Flags(r.Context(), p, f)
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	counts, err := s.deps.Meals.FlagCounts(r.Context(), p, f)
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	for _, n := range counts {
		c.Counts = append(c.Counts, mealFlagCount{FlagCount: n, Title: meals.FraudRuleTitle(n.Rule)})
	}
	names := s.regionNamer(r, p)
	for _, fl := range flags {
		c.Rows = append(c.Rows, mealFlagRow{Flag: fl, RuleTitle: meals.FraudRuleTitle(fl.Rule), Lines: meals.ExplainFlag(fl.Rule, fl.Evidence),
			RegionName: names(fl.RegionCode), StatusClass: mealFlagStatusClass(fl.Status)})
	}
	c.pager = paging(total, page, mealFlagsPerPage, pageLink("/meals/flags", v.values()))
	if p.Role != auth.CanteenOperator {
		if c.Regions, err = s.monitorRegions(r, p); err != nil {
			s.renderError(w, r, err)
			return
		}
	}
	s.render(w, r, status, "meals_flags", s.msg.T("meals.ui.flags.title"), c)
}

// mealFlagsNotice says what the last act did, from the query it redirected to.
func mealFlagsNotice(s *Site, q url.Values) string {
	switch q.Get("done") {
	case "reviewed":
		return s.msg.T("meals.ui.flags.done.reviewed", formatInt(atoi(q.Get("n"))))
	case "scanned":
		return s.msg.T("meals.ui.flags.done.scanned", formatInt(atoi(q.Get("meals"))), formatInt(atoi(q.Get("new"))))
	}
	return ""
}

// backQuery is the list's query a form carried in "back", re-encoded so that it can only ever
// be a query of this page.
func backQuery(f *form) url.Values {
	q, err := url.ParseQuery(f.Get("back"))
	if err != nil {
		return url.Values{}
	}
	q.Del("done")
	return q
}

// mealFlagsReview clears or confirms the chosen flags with a note, all or none.
func (s *Site) mealFlagsReview(w http.ResponseWriter, r *http.Request) {
	p := auth.FromContext(r.Context())
	f := newForm(r)
	back := backQuery(f)
	var ids []int64
	var err error
	for _, v := range f.Values["id"] {
		id, perr := strconv.ParseInt(strings.TrimSpace(v), 10, 64)
		if perr != nil || id <= 0 {
			err = apperr.FieldMsg("ids", "meals.fraud.id_invalid")
			break
		}
		ids = append(ids, id)
	}
	n := 0
	if err == nil {
		n, err = s.deps.Meals.ReviewFlags(r.Context(), p, ids, f.Get("decision"), f.Get("note"))
	}
	if err != nil {
		s.refused(w, r, f, mealFlagsField(err, "decision"), func(status int) { s.showMealFlags(w, r, back, status, f, emptyForm()) })
		return
	}
	back.Set("done", "reviewed")
	back.Set("n", strconv.Itoa(n))
	http.Redirect(w, r, "/meals/flags?"+back.Encode(), http.StatusSeeOther)
}

// mealFlagsScan runs the anti-fraud rules over a month now, for the caller's area.
func (s *Site) mealFlagsScan(w http.ResponseWriter, r *http.Request) {
	p := auth.FromContext(r.Context())
	f := newForm(r)
	back := backQuery(f)
	m, err := civil.ParseMonth(strings.TrimSpace(f.Get("month")))
	if err != nil {
		err = apperr.FieldMsg("month", "meals.fraud.month_invalid")
	}
	var rep meals.FraudReport
	if err == nil {
		rep, err = s.deps.Meals.ScanFraudFor(r.Context(), p, m)
	}
	if err != nil {
		s.refused(w, r, f, err, func(status int) { s.showMealFlags(w, r, back, status, emptyForm(), f) })
		return
	}
	back.Set("done", "scanned")
	back.Set("meals", strconv.Itoa(rep.Meals))
	back.Set("new", strconv.Itoa(rep.NewFlags()))
	http.Redirect(w, r, "/meals/flags?"+back.Encode(), http.StatusSeeOther)
}

// mealFlagsField renames the store's status field to the form's: the form calls it decision,
// because status is the list's filter.
func mealFlagsField(err error, field string) error {
	if e := apperr.As(err); e.Kind == apperr.Invalid && e.Field == "status" {
		c := *e
		c.Field = field
		return &c
	}
	return err
}
