package api

import (
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/minzheng/minzheng/internal/apperr"
	"github.com/minzheng/minzheng/internal/auth"
	"github.com/minzheng/minzheng/internal/civil"
	"github.com/minzheng/minzheng/internal/meals"
)

// registerMealFlags adds the routes of anti-fraud flags: the list with counts by rule, the
// review of one or several flags (cleared or confirmed, with a note, all or none), and a scan of
// a month now. Who sees which flag (staff by region, an operator their own canteen) and who may
// review (the city and the districts, within scope) is the store's decision.
func (a *API) registerMealFlags() {
	a.handle("GET", "/meals/flags", auth.MealsView, a.listMealFlags)
	a.handle("POST", "/meals/flags/review", auth.MealsSettle, a.reviewMealFlags)
	a.handle("POST", "/meals/flags/scan", auth.MealsSettle, a.scanMealFlags)
}

// mealFlagJSON is a flag with its meal; the diner's name is masked, amounts are in fen and the
// evidence is given both as recorded and in words.
type mealFlagJSON struct {
	ID            int64          `json:"id"`
	TransactionID int64          `json:"transaction_id"`
	CanteenID     int64          `json:"canteen_id"`
	CanteenName   string         `json:"canteen_name"`
	RegionCode    string         `json:"region_code"`
	ServedOn      string         `json:"served_on"`
	ServedAt      *time.Time     `json:"served_at,omitempty"`
	Rule          string         `json:"rule"`
	RuleTitle     string         `json:"rule_title"`
	Evidence      meals.Evidence `json:"evidence"`
	Explanation   []string       `json:"explanation"`
	Status        string         `json:"status"`
	Note          string         `json:"note,omitempty"`
	ReviewedBy    string         `json:"reviewed_by,omitempty"`
	ReviewedAt    *time.Time     `json:"reviewed_at,omitempty"`
	CreatedAt     *time.Time     `json:"created_at,omitempty"`
	DinerID       int64          `json:"diner_id"`
	DinerName     string         `json:"diner_name"`
	MealType      string         `json:"meal_type"`
	Channel       string         `json:"channel"`
	PriceFen      int64          `json:"price_fen"`
	SubsidyFen    int64          `json:"subsidy_fen"`
}

func toMealFlagJSON(f meals.Flag) mealFlagJSON {
	return mealFlagJSON{ID: f.ID, TransactionID: f.TransactionID, CanteenID: f.CanteenID, CanteenName: f.CanteenName,
		RegionCode: f.RegionCode, ServedOn: f.ServedOn.String(), ServedAt: stamp(f.ServedAt), Rule: f.Rule,
		RuleTitle: meals.FraudRuleTitle(f.Rule), Evidence: f.Evidence, Explanation: meals.ExplainFlag(f.Rule, f.Evidence),
		Status: f.Status, Note: f.Note, ReviewedBy: f.ReviewedBy, ReviewedAt: stamp(f.ReviewedAt), CreatedAt: stamp(f.CreatedAt),
		DinerID: f.DinerID, DinerName: f.DinerName, MealType: f.MealType, Channel: f.Channel, PriceFen: int64(f.Price),
		SubsidyFen: int64(f.Subsidy)}
}

// flagCountJSON is a rule's flags by status.
type flagCountJSON struct {
	Rule      string `json:"rule"`
	Title     string `json:"title"`
	Open      int    `json:"open"`
	Confirmed int    `json:"confirmed"`
	Cleared   int    `json:"cleared"`
}

// mealFlagFilter reads the list's query; a date or number that cannot be read is an error on
// its field.
func mealFlagFilter(r *http.Request) (meals.FlagFilter, error) {
	q := r.URL.Query()
	f := meals.FlagFilter{Status: q.Get("status"), Rule: q.Get("rule"), Region: q.Get("region")}
	for _, n := range []struct {
		name string
		dst  *int
	}{{"limit", &f.Limit}, {"offset", &f.Offset}} {
		if v := q.Get(n.name); v != "" {
			i, err := strconv.Atoi(v)
			if err != nil || i < 0 {
				return f, apperr.FieldMsg(n.name, "meals.fraud.filter_invalid")
			}
			*n.dst = i
		}
	}
	if v := q.Get("canteen_id"); v != "" {
		id, err := strconv.ParseInt(v, 10, 64)
		if err != nil || id <= 0 {
			return f, apperr.FieldMsg("canteen_id", "meals.fraud.filter_invalid")
		}
		f.CanteenID = id
	}
	for _, d := range []struct {
		name string
		dst  *civil.Date
	}{{"from", &f.From}, {"to", &f.To}} {
		if v := q.Get(d.name); v != "" {
			day, err := civil.ParseDate(v)
			if err != nil {
				return f, apperr.FieldMsg(d.name, "field.date_invalid")
			}
			*d.dst = day
		}
	}
	return f, nil
}

// listMealFlags answers GET /meals/flags: a page of the flags of the caller's sight, newest meal
// first, with the total and the counts by rule and status (over the filter without its rule and
// status).
func (a *API) listMealFlags(w http.ResponseWriter, r *http.Request) {
	p := auth.FromContext(r.Context())
	f, err := mealFlagFilter(r)
	if err != nil {
		a.writeError(w, r, err)
		return
	}
	flags, total, err := a.deps.Meals.Flags(r.Context(), p, f)
	if err != nil {
		a.writeError(w, r, err)
		return
	}
	counts, err := a.deps.Meals.FlagCounts(r.Context(), p, f)
	if err != nil {
		a.writeError(w, r, err)
		return
	}
	out := make([]mealFlagJSON, 0, len(flags))
	for _, fl := range flags {
		out = append(out, toMealFlagJSON(fl))
	}
	cs := make([]flagCountJSON, 0, len(counts))
	for _, c := range counts {
		cs = append(cs, flagCountJSON{Rule: c.Rule, Title: meals.FraudRuleTitle(c.Rule), Open: c.Open, Confirmed: c.Confirmed, Cleared: c.Cleared})
	}
	writeJSON(w, http.StatusOK, map[string]any{"flags": out, "total": total, "counts": cs})
}

// flagReviewJSON is the body of POST /meals/flags/review.
type flagReviewJSON struct {
	IDs    []int64 `json:"ids"`
	Status string  `json:"status"`
	Note   string  `json:"note"`
}

// reviewMealFlags answers POST /meals/flags/review: clears or confirms the flags named, all or
// none; one out of the caller's scope is not found and nothing changes.
func (a *API) reviewMealFlags(w http.ResponseWriter, r *http.Request) {
	var in flagReviewJSON
	if !a.body(w, r, &in) {
		return
	}
	n, err := a.deps.Meals.ReviewFlags(r.Context(), auth.FromContext(r.Context()), in.IDs, strings.TrimSpace(in.Status), in.Note)
	if err != nil {
		a.writeError(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, map[string]any{"reviewed": n, "status": in.Status})
}

// flagScanJSON is the body of POST /meals/flags/scan.
type flagScanJSON struct {
	Month string `json:"month"`
}

// scanMealFlags answers POST /meals/flags/scan: runs every rule over the month (up to today) and
// flags the meals of the caller's area; what was flagged before keeps its flag and review.
func (a *API) scanMealFlags(w http.ResponseWriter, r *http.Request) {
	var in flagScanJSON
	if !a.body(w, r, &in) {
		return
	}
	m, err := civil.ParseMonth(strings.TrimSpace(in.Month))
	if err != nil {
		a.writeError(w, r, apperr.FieldMsg("month", "meals.fraud.month_invalid"))
		return
	}
	rep, err := a.deps.Meals.ScanFraudFor(r.Context(), auth.FromContext(r.Context()), m)
	if err != nil {
		a.writeError(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, map[string]any{"from": rep.From.String(), "to": rep.To.String(), "scope": rep.Scope,
		"meals": rep.Meals, "found": rep.Found, "new": rep.New, "new_flags": rep.NewFlags()})
}
