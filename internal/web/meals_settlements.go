package web

import (
	"bytes"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"github.com/minzheng/minzheng/internal/apperr"
	"github.com/minzheng/minzheng/internal/auth"
	"github.com/minzheng/minzheng/internal/civil"
	"github.com/minzheng/minzheng/internal/meals"
	"github.com/minzheng/minzheng/internal/money"
)

// The pages of the canteens' monthly settlement: the month's settlements by canteen with their
// generation, one settlement with its meals, what was held back and the district's approval,
// its statement as a spreadsheet and as a page to print and sign. internal/meals decides who
// generates (the city and the districts), who approves (the canteen's district) and what a
// settlement holds; a canteen operator sees their own canteen's settlements only.

// settlementMealsPerPage is the page of meals on screen; the print and the spreadsheet list all.
const settlementMealsPerPage = 100

// registerMealSettlements registers the pages of monthly settlements, statements and approval.
func (s *Site) registerMealSettlements() {
	s.page("GET", "/meals/settlements", auth.MealsView, s.mealSettlementsPage,
		&NavEntry{Section: "meals.ui.nav.section", Label: "meals.ui.settle.nav", Order: 650})
	s.page("POST", "/meals/settlements/generate", auth.MealsSettle, s.mealSettlementsGenerate, nil)
	s.page("GET", "/meals/settlements/{id}", auth.MealsView, s.mealSettlementPage, nil)
	s.page("POST", "/meals/settlements/{id}/approve", auth.MealsSettle, s.mealSettlementApprove, nil)
	s.page("GET", "/meals/settlements/{id}/statement.xlsx", auth.MealsView, s.mealSettlementXLSX, nil)
	s.page("GET", "/meals/settlements/{id}/print", auth.MealsView, s.mealSettlementPrint, nil)
}

// settlementsContent is the month's list: its filters, the settlements the caller sees with
// their sums, and, for whoever may generate, the generate form.
type settlementsContent struct {
	Month, Status string
	Statuses      []string
	Rows          []settlementRow
	Sum           meals.Settlement
	CanGenerate   bool
	Gen           *form
	Notice        string
}

// settlementRow is a settlement as lists show it: the canteen's place named, its status coloured.
type settlementRow struct {
	meals.Settlement
	RegionName  string
	StatusClass string
}

// settlementStatusClass is the badge colour of a settlement status; the badge carries the text.
func settlementStatusClass(status string) string {
	if status == meals.SettlementApproved {
		return "ok"
	}
	return "warn"
}

// settlementURL is the page of settlement id.
func settlementURL(id int64) string { return "/meals/settlements/" + strconv.FormatInt(id, 10) }

// settleMonth reads the month of a query or form value; empty is last month, the one usually
// settled, and anything else malformed is a field error.
func (s *Site) settleMonth(v string) (civil.Month, error) {
	v = strings.TrimSpace(v)
	if v == "" {
		return s.thisMonth().Prev(), nil
	}
	m, err := civil.ParseMonth(v)
	if err != nil {
		return m, apperr.FieldMsg("month", "meals.settle.bad_month")
	}
	return m, nil
}

// mealSettlementsPage lists a month's settlements in the caller's sight, with their sums.
func (s *Site) mealSettlementsPage(w http.ResponseWriter, r *http.Request) {
	s.showSettlements(w, r, http.StatusOK, emptyForm())
}

func (s *Site) showSettlements(w http.ResponseWriter, r *http.Request, status int, gen *form) {
	p := auth.FromContext(r.Context())
	q := r.URL.Query()
	m, err := s.settleMonth(q.Get("month"))
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	c := settlementsContent{Month: m.String(), Status: q.Get("status"), CanGenerate: p.Can(auth.MealsSettle), Gen: gen,
		Statuses: []string{meals.SettlementDraft, meals.SettlementApproved}}
	if c.Status != meals.SettlementDraft && c.Status != meals.SettlementApproved {
		c.Status = ""
	}
	if q.Get("done") == "generated" {
		c.Notice = s.msg.T("meals.ui.settle.done_run", atoi(q.Get("built")), atoi(q.Get("kept")))
	}
	list, err := s.deps.Meals.Settlements(r.Context(), p, meals.SettlementQuery{Month: m, Status: c.Status})
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	names := s.regionNamer(r, p)
	for _, st := range list {
		c.Rows = append(c.Rows, settlementRow{Settlement: st, RegionName: names(st.RegionCode), StatusClass: settlementStatusClass(st.Status)})
		c.Sum.Meals, c.Sum.Price, c.Sum.Diner = c.Sum.Meals+st.Meals, c.Sum.Price+st.Price, c.Sum.Diner+st.Diner
		c.Sum.City, c.Sum.District, c.Sum.Street = c.Sum.City+st.City, c.Sum.District+st.District, c.Sum.Street+st.Street
		c.Sum.HeldMeals, c.Sum.Held = c.Sum.HeldMeals+st.HeldMeals, c.Sum.Held+st.Held
	}
	s.render(w, r, status, "meals_settlements", s.msg.T("meals.ui.settle.title"), c)
}

// mealSettlementsGenerate generates (or rebuilds, while draft) the month's settlements of every
// canteen in the caller's scope, or of the one canteen the form names, and shows the result.
func (s *Site) mealSettlementsGenerate(w http.ResponseWriter, r *http.Request) {
	p := auth.FromContext(r.Context())
	f := newForm(r)
	m, err := civil.ParseMonth(strings.TrimSpace(f.Get("month")))
	if err != nil {
		err = apperr.FieldMsg("month", "meals.settle.bad_month")
	}
	if cid := atoi(f.Get("canteen_id")); err == nil && cid > 0 {
		var st *meals.Settlement
		if st, err = s.deps.Meals.GenerateSettlement(r.Context(), p, int64(cid), m); err == nil {
			http.Redirect(w, r, settlementURL(st.ID)+"?done=generated", http.StatusSeeOther)
			return
		}
	} else if err == nil {
		var run meals.SettlementRun
		if run, err = s.deps.Meals.GenerateSettlements(r.Context(), p, m); err == nil {
			http.Redirect(w, r, "/meals/settlements?"+url.Values{"month": {m.String()}, "done": {"generated"},
				"built": {strconv.Itoa(run.Built)}, "kept": {strconv.Itoa(run.Kept)}}.Encode(), http.StatusSeeOther)
			return
		}
	}
	s.refused(w, r, f, err, func(status int) {
		if apperr.KindOf(err) == apperr.NotFound {
			s.renderError(w, r, err)
			return
		}
		s.showSettlements(w, r, status, f)
	})
}

// settlementContent is one settlement: its header and totals, a page of its meals (every meal
// when printed), the meals held back, and the forms the caller may use on it.
type settlementContent struct {
	S            *meals.Settlement
	RegionName   string
	DistrictName string
	StatusClass  string
	Meals        []meals.SettledMeal
	Held         []meals.HeldMeal
	pager
	Notice string
	// Error is a refusal of a form the page no longer shows (the settlement has moved on).
	Error string
	// CanApprove shows the approval form to the canteen's district approver while it is a draft;
	// CanGenerate the form that makes the draft again.
	CanApprove  bool
	CanGenerate bool
	Approve     *form
	// Print is the printable statement: every meal, the signature lines, no forms.
	Print bool
}

// loadSettlement reads settlement {id} within the caller's sight with the page of meals asked
// for, or every meal for print.
func (s *Site) loadSettlement(r *http.Request, print bool) (*settlementContent, error) {
	p, st, err := lookupPath(r, "meals.settle.notfound", s.deps.Meals.Settlement)
	if err != nil {
		return nil, err
	}
	c := &settlementContent{S: st, RegionName: s.regionBelow(r, p, st.RegionCode), DistrictName: s.regionBelow(r, p, st.DistrictCode()),
		StatusClass: settlementStatusClass(st.Status), Print: print, Approve: emptyForm(),
		CanApprove:  st.Status == meals.SettlementDraft && p.Role == auth.DistrictApprover && p.Can(auth.MealsSettle),
		CanGenerate: st.Status == meals.SettlementDraft && p.Can(auth.MealsSettle)}
	page, per := max(1, atoi(r.URL.Query().Get("page"))), settlementMealsPerPage
	if print {
		page, per = 1, 0
	}
	var total int
	if c.Meals, total, err = s.deps.Meals.SettlementMeals(r.Context(), p, st.ID, page, per); err != nil {
		return nil, err
	}
	if print {
		c.pager = pager{Total: total, Page: 1, Pages: 1}
	} else {
		c.pager = paging(total, page, per, pageLink(settlementURL(st.ID), url.Values{}))
	}
	if c.Held, err = s.deps.Meals.HeldMeals(r.Context(), p, st.ID); err != nil {
		return nil, err
	}
	return c, nil
}

// settlementTitle names a settlement as its page and its print do.
func (s *Site) settlementTitle(c *settlementContent) string {
	return s.msg.T("meals.settle.statement_title", c.S.CanteenName, c.S.Month.Chinese())
}

// mealSettlementPage shows a settlement: its totals by source, its meals, what was held back and
// why, and what may be done with it next.
func (s *Site) mealSettlementPage(w http.ResponseWriter, r *http.Request) {
	c, err := s.loadSettlement(r, false)
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	switch done := r.URL.Query().Get("done"); done {
	case "generated", "approved":
		c.Notice = "meals.ui.settle.done_" + done
	}
	s.render(w, r, http.StatusOK, "meals_settlement", s.settlementTitle(c), c)
}

// mealSettlementPrint is the statement to print and sign: every meal, the totals, the meals held
// back, and the signature and seal boxes of the canteen and the district.
func (s *Site) mealSettlementPrint(w http.ResponseWriter, r *http.Request) {
	c, err := s.loadSettlement(r, true)
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	s.render(w, r, http.StatusOK, "meals_settlement", s.settlementTitle(c), c)
}

// mealSettlementApprove is the district's approval of a draft. It posts every meal to the
// ledger and cannot be undone, so the form asks for a confirmation that says so.
func (s *Site) mealSettlementApprove(w http.ResponseWriter, r *http.Request) {
	c, err := s.loadSettlement(r, false)
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	f := newForm(r)
	if !confirmed(r) {
		err = apperr.FieldMsg("confirm", "action.confirm_required")
	} else {
		err = s.deps.Meals.ApproveSettlement(r.Context(), auth.FromContext(r.Context()), c.S.ID, atoi(f.Get("version")))
	}
	if err != nil {
		s.refused(w, r, f, err, func(status int) {
			if apperr.KindOf(err) == apperr.Conflict {
				if fresh, lerr := s.loadSettlement(r, false); lerr == nil {
					c = fresh
				}
			}
			c.Approve = f
			if !c.CanApprove {
				c.Error = f.message()
			}
			s.render(w, r, status, "meals_settlement", s.settlementTitle(c), c)
		})
		return
	}
	http.Redirect(w, r, settlementURL(c.S.ID)+"?done=approved", http.StatusSeeOther)
}

// mealSettlementXLSX sends the statement as a spreadsheet: every meal and the totals on one
// sheet, the meals held back on another.
func (s *Site) mealSettlementXLSX(w http.ResponseWriter, r *http.Request) {
	_, st, err := lookupPath(r, "meals.settle.notfound", s.deps.Meals.Statement)
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	var buf bytes.Buffer
	if err := st.WriteXLSX(&buf); err != nil {
		s.renderError(w, r, err)
		return
	}
	w.Header().Set("Content-Type", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
	w.Header().Set("Content-Disposition", `attachment; filename="`+st.FileName()+`"`)
	_, _ = w.Write(buf.Bytes())
}

// settlementSources lists a settlement's totals by who pays, in the order the statement shows.
func settlementSources(st *meals.Settlement) []sourceLine {
	return []sourceLine{{"meals.settle.col.diner_pays", st.Diner}, {"meals.settle.col.city", st.City},
		{"meals.settle.col.district_share", st.District}, {"meals.settle.col.street", st.Street}}
}

// sourceLine is one funding source's total on a settlement page.
type sourceLine struct {
	Label  string
	Amount money.Fen
}

// Sources lists the settlement's totals by who pays.
func (c *settlementContent) Sources() []sourceLine { return settlementSources(c.S) }
