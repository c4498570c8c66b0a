package api

import (
	"bytes"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/minzheng/minzheng/internal/apperr"
	"github.com/minzheng/minzheng/internal/auth"
	"github.com/minzheng/minzheng/internal/civil"
	"github.com/minzheng/minzheng/internal/meals"
)

// registerMealSettlements adds the routes of monthly settlements: the list, generation, one
// settlement, its statement (JSON or .xlsx) and the district's approval. Who may generate (the
// city and the districts) and approve (the canteen's district approver) is the store's decision.
func (a *API) registerMealSettlements() {
	a.handle("GET", "/meals/settlements", auth.MealsView, a.listMealSettlements)
	a.handle("POST", "/meals/settlements", auth.MealsSettle, a.generateMealSettlements)
	a.handle("GET", "/meals/settlements/{id}", auth.MealsView, a.getMealSettlement)
	a.handle("GET", "/meals/settlements/{id}/statement", auth.MealsView, a.mealStatement)
	a.handle("POST", "/meals/settlements/{id}/approval", auth.MealsSettle, a.approveMealSettlement)
}

// settlementJSON is a settlement as the API shows it; amounts in fen.
type settlementJSON struct {
	ID          int64      `json:"id"`
	CanteenID   int64      `json:"canteen_id"`
	CanteenName string     `json:"canteen_name"`
	Operator    string     `json:"operator"`
	Month       string     `json:"month"`
	RegionCode  string     `json:"region_code"`
	District    string     `json:"district"`
	Status      string     `json:"status"`
	Meals       int        `json:"meals"`
	PriceFen    int64      `json:"price_fen"`
	DinerFen    int64      `json:"diner_fen"`
	CityFen     int64      `json:"city_fen"`
	DistrictFen int64      `json:"district_fen"`
	StreetFen   int64      `json:"street_fen"`
	SubsidyFen  int64      `json:"subsidy_fen"`
	HeldMeals   int        `json:"held_meals"`
	HeldFen     int64      `json:"held_fen"`
	Version     int        `json:"version"`
	CreatedBy   string     `json:"created_by"`
	CreatedAt   *time.Time `json:"created_at,omitempty"`
	ApprovedBy  string     `json:"approved_by,omitempty"`
	ApprovedAt  *time.Time `json:"approved_at,omitempty"`
}

func toSettlementJSON(s *meals.Settlement) settlementJSON {
	return settlementJSON{ID: s.ID, CanteenID: s.CanteenID, CanteenName: s.CanteenName, Operator: s.Operator,
		Month: s.Month.String(), RegionCode: s.RegionCode, District: s.DistrictCode(), Status: s.Status, Meals: s.Meals,
		PriceFen: int64(s.Price), DinerFen: int64(s.Diner), CityFen: int64(s.City), DistrictFen: int64(s.District),
		StreetFen: int64(s.Street), SubsidyFen: int64(s.Subsidy()), HeldMeals: s.HeldMeals, HeldFen: int64(s.Held),
		Version: s.Version, CreatedBy: s.CreatedBy, CreatedAt: stamp(s.CreatedAt), ApprovedBy: s.ApprovedBy,
		ApprovedAt: stamp(s.ApprovedAt)}
}

// settledMealJSON is a meal of a statement; the diner's name is masked.
type settledMealJSON struct {
	ID           int64    `json:"id"`
	ServedOn     string   `json:"served_on"`
	DinerName    string   `json:"diner_name"`
	CardNo       string   `json:"card_no"`
	MealType     string   `json:"meal_type"`
	ItemName     string   `json:"item_name"`
	Channel      string   `json:"channel"`
	PriceFen     int64    `json:"price_fen"`
	DinerPaysFen int64    `json:"diner_pays_fen"`
	CityFen      int64    `json:"city_fen"`
	DistrictFen  int64    `json:"district_fen"`
	StreetFen    int64    `json:"street_fen"`
	LedgerTxID   int64    `json:"ledger_transaction_id,omitempty"`
	Rules        []string `json:"rules,omitempty"`
}

func toSettledMealJSON(m meals.SettledMeal, rules []string) settledMealJSON {
	return settledMealJSON{ID: m.ID, ServedOn: m.ServedOn.String(), DinerName: m.DinerName, CardNo: m.CardNo,
		MealType: m.MealType, ItemName: m.ItemName, Channel: m.Channel, PriceFen: int64(m.Price), DinerPaysFen: int64(m.DinerPays),
		CityFen: int64(m.City), DistrictFen: int64(m.District), StreetFen: int64(m.Street), LedgerTxID: m.LedgerTransactionID,
		Rules: rules}
}

// listMealSettlements answers GET /meals/settlements: the settlements the caller may read, of a
// month, status, district or canteen, newest month first.
func (a *API) listMealSettlements(w http.ResponseWriter, r *http.Request) {
	m, err := queryMonth(r, "month")
	if err != nil {
		a.writeError(w, r, apperr.FieldMsg("month", "meals.settle.bad_month"))
		return
	}
	q := r.URL.Query()
	cid, _ := strconv.ParseInt(q.Get("canteen_id"), 10, 64)
	list, err := a.deps.Meals.Settlements(r.Context(), auth.FromContext(r.Context()), meals.SettlementQuery{Month: m,
		Status: q.Get("status"), District: strings.TrimSpace(q.Get("district")), CanteenID: cid})
	if err != nil {
		a.writeError(w, r, err)
		return
	}
	out := make([]settlementJSON, 0, len(list))
	for i := range list {
		out = append(out, toSettlementJSON(&list[i]))
	}
	writeJSON(w, http.StatusOK, map[string]any{"settlements": out, "total": len(out)})
}

// settleJSON is the body of POST /meals/settlements.
type settleJSON struct {
	Month     string `json:"month"` // 2024-03
	CanteenID int64  `json:"canteen_id"`
}

// generateMealSettlements answers POST /meals/settlements: generates the month's settlement of
// the canteen named, or of every canteen of the caller's scope with meals to settle. Drafts are
// rebuilt, approved settlements come back unchanged.
func (a *API) generateMealSettlements(w http.ResponseWriter, r *http.Request) {
	var in settleJSON
	if !a.body(w, r, &in) {
		return
	}
	m, err := civil.ParseMonth(strings.TrimSpace(in.Month))
	if err != nil {
		a.writeError(w, r, apperr.FieldMsg("month", "meals.settle.bad_month"))
		return
	}
	p := auth.FromContext(r.Context())
	if in.CanteenID != 0 {
		st, err := a.deps.Meals.GenerateSettlement(r.Context(), p, in.CanteenID, m)
		if err != nil {
			a.writeError(w, r, err)
			return
		}
		writeJSON(w, http.StatusOK, map[string]any{"month": m.String(), "built": btoi(st.Status == meals.SettlementDraft),
			"kept": btoi(st.Status != meals.SettlementDraft), "settlements": []settlementJSON{toSettlementJSON(st)}})
		return
	}
	run, err := a.deps.Meals.GenerateSettlements(r.Context(), p, m)
	if err != nil {
		a.writeError(w, r, err)
		return
	}
	out := make([]settlementJSON, 0, len(run.Settlements))
	for i := range run.Settlements {
		out = append(out, toSettlementJSON(&run.Settlements[i]))
	}
	writeJSON(w, http.StatusOK, map[string]any{"month": m.String(), "built": run.Built, "kept": run.Kept, "settlements": out})
}

func btoi(b bool) int {
	if b {
		return 1
	}
	return 0
}

// getMealSettlement answers GET /meals/settlements/{id}.
func (a *API) getMealSettlement(w http.ResponseWriter, r *http.Request) {
	id, ok := a.pathID(w, r, "id", "meals.settle.notfound")
	if !ok {
		return
	}
	st, err := a.deps.Meals.Settlement(r.Context(), auth.FromContext(r.Context()), id)
	if err != nil {
		a.writeError(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, toSettlementJSON(st))
}

// mealStatement answers GET /meals/settlements/{id}/statement: the settlement with every meal
// and the meals held back with their rules; with format=xlsx, the same as a spreadsheet.
func (a *API) mealStatement(w http.ResponseWriter, r *http.Request) {
	id, ok := a.pathID(w, r, "id", "meals.settle.notfound")
	if !ok {
		return
	}
	st, err := a.deps.Meals.Statement(r.Context(), auth.FromContext(r.Context()), id)
	if err != nil {
		a.writeError(w, r, err)
		return
	}
	if r.URL.Query().Get("format") == "xlsx" {
		var buf bytes.Buffer
		if err := st.WriteXLSX(&buf); err != nil {
			a.writeError(w, r, err)
			return
		}
		w.Header().Set("Content-Type", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
		w.Header().Set("Content-Disposition", `attachment; filename="`+st.FileName()+`"`)
		_, _ = w.Write(buf.Bytes())
		return
	}
	ms := make([]settledMealJSON, 0, len(st.Meals))
	for _, m := range st.Meals {
		ms = append(ms, toSettledMealJSON(m, nil))
	}
	held := make([]settledMealJSON, 0, len(st.HeldBack))
	for _, h := range st.HeldBack {
		held = append(held, toSettledMealJSON(h.SettledMeal, h.Rules))
	}
	writeJSON(w, http.StatusOK, map[string]any{"settlement": toSettlementJSON(&st.Settlement), "address": st.Address,
		"district_name": st.DistrictName, "meals": ms, "held": held})
}

// approveMealSettlement answers POST /meals/settlements/{id}/approval: the district approver
// approves a draft seen at version, posting every meal to the funds ledger. The settlement is
// looked up first, so one outside the caller's sight answers 404.
func (a *API) approveMealSettlement(w http.ResponseWriter, r *http.Request) {
	var in approvalJSON
	p, id, ok := a.writeInput(w, r, "meals.settle.notfound", found(a.deps.Meals.Settlement), &in)
	if !ok {
		return
	}
	if in.Version < 1 {
		a.writeError(w, r, apperr.FieldMsg("version", "meals.settle.version_required"))
		return
	}
	if err := a.deps.Meals.ApproveSettlement(r.Context(), p, id, in.Version); err != nil {
		a.writeError(w, r, err)
		return
	}
	st, err := a.deps.Meals.Settlement(r.Context(), p, id)
	if err != nil {
		a.writeError(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, toSettlementJSON(st))
}
