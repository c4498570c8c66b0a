package api

import (
	"net/http"
	"strings"
	"time"

	"github.com/minzheng/minzheng/internal/apperr"
	"github.com/minzheng/minzheng/internal/auth"
	"github.com/minzheng/minzheng/internal/civil"
	"github.com/minzheng/minzheng/internal/meals"
)

// The canteen terminal API: the card reader at a canteen's counter serves meals and shows, before
// charging, what the diner will pay. A terminal authenticates with its canteen's token
// ("Authorization: Bearer mzc_…", issued on the canteen's page); the token is not a user, and
// these are the only routes that read it — anywhere else it is an anonymous caller. A canteen
// operator signed in (session or API token) may use the same routes for their own canteen, which
// is what the permission meals.serve these routes declare says.

// registerMealTerminal adds the routes of the canteen terminals.
func (a *API) registerMealTerminal() {
	a.terminal("POST", "/meals/terminal/meals", a.terminalServe)
	a.terminal("GET", "/meals/terminal/menu", a.terminalMenu)
	a.terminal("GET", "/meals/terminal/diners/{card}", a.terminalDiner)
}

// terminalHandler is a terminal route's handler, given the canteen it serves.
type terminalHandler func(w http.ResponseWriter, r *http.Request, canteenID int64)

// terminal registers a route that a canteen's terminal token, or the canteen's signed-in
// operator, may call; it is listed with meals.serve like every route with its permission.
func (a *API) terminal(method, path string, h terminalHandler) {
	a.mux.Handle(method+" "+Prefix+path, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		cid, err := a.terminalCanteen(r)
		if err != nil {
			if apperr.KindOf(err) == apperr.Unauthenticated {
				w.Header().Set("WWW-Authenticate", `Bearer realm="minzheng"`)
			}
			a.writeError(w, r, err)
			return
		}
		h(w, r, cid)
	}))
	a.routes = append(a.routes, Route{Method: method, Path: path, Perm: auth.MealsServe})
}

// terminalCanteen is the canteen a terminal request acts for: its token's, or the signed-in
// operator's own. No caller is 401; a user without meals.serve is 403, as the guard answers.
func (a *API) terminalCanteen(r *http.Request) (int64, error) {
	if h := r.Header.Get("Authorization"); h != "" {
		if token, ok := strings.CutPrefix(h, "Bearer "); ok && strings.HasPrefix(strings.TrimSpace(token), meals.TerminalTokenPrefix) {
			return a.deps.Meals.CanteenByTerminalToken(r.Context(), strings.TrimSpace(token))
		}
	}
	p := auth.FromContext(r.Context())
	switch {
	case p == nil:
		return 0, apperr.Msg(apperr.Unauthenticated, "meals.terminal.token_required")
	case p.MustChangePassword:
		return 0, apperr.Msg(apperr.Forbidden, "password.forced")
	case !p.Can(auth.MealsServe):
		return 0, apperr.Msg(apperr.Forbidden, "auth.forbidden")
	case p.OrgID == 0:
		return 0, apperr.Msg(apperr.Forbidden, "meals.terminal.no_canteen")
	}
	return p.OrgID, nil
}

// terminalMealJSON is the body of POST /meals/terminal/meals: the diner by card number or by the
// QR token on the card (one of them), and the menu item.
type terminalMealJSON struct {
	CardNo     string `json:"card_no"`
	QRToken    string `json:"qr_token"`
	MenuItemID int64  `json:"menu_item_id"`
}

// terminalReceiptJSON is a served meal as the terminal prints it; amounts in fen.
type terminalReceiptJSON struct {
	TransactionID int64               `json:"transaction_id"`
	CanteenID     int64               `json:"canteen_id"`
	DinerName     string              `json:"diner_name"`
	CardNoMasked  string              `json:"card_no_masked"`
	MenuItemID    int64               `json:"menu_item_id"`
	ItemName      string              `json:"item_name"`
	MealType      string              `json:"meal_type"`
	ServedOn      civil.Date          `json:"served_on"`
	PriceFen      int64               `json:"price_fen"`
	DinerPaysFen  int64               `json:"diner_pays_fen"`
	SubsidyFen    int64               `json:"subsidy_fen"`
	CityFen       int64               `json:"city_fen"`
	DistrictFen   int64               `json:"district_fen"`
	StreetFen     int64               `json:"street_fen"`
	Shares        []terminalShareJSON `json:"shares"`
	PolicyID      string              `json:"policy_id"`
	Rule          string              `json:"rule"`
	Reason        string              `json:"reason"`
	Flags         []string            `json:"flags"`
	CreatedAt     time.Time           `json:"created_at"`
	Replayed      bool                `json:"replayed"`
}

// terminalShareJSON is one funding source's part of a meal, with its label for the receipt.
type terminalShareJSON struct {
	Source    string `json:"source"`
	Label     string `json:"label"`
	AmountFen int64  `json:"amount_fen"`
}

func (a *API) toTerminalReceipt(rc *meals.Receipt, replayed bool) terminalReceiptJSON {
	out := terminalReceiptJSON{TransactionID: rc.TransactionID, CanteenID: rc.CanteenID, DinerName: rc.DinerName,
		CardNoMasked: terminalCardMask(rc.CardNo), MenuItemID: rc.MenuItemID, ItemName: rc.ItemName, MealType: rc.MealType,
		ServedOn: rc.ServedOn, PriceFen: int64(rc.Price), DinerPaysFen: int64(rc.DinerPays), SubsidyFen: int64(rc.Subsidy()),
		CityFen: int64(rc.City), DistrictFen: int64(rc.District), StreetFen: int64(rc.Street), Shares: []terminalShareJSON{},
		PolicyID: rc.PolicyID, Rule: rc.Rule, Reason: rc.Reason, Flags: terminalList(rc.Flags), CreatedAt: rc.CreatedAt,
		Replayed: replayed}
	for _, s := range []struct {
		source string
		fen    int64
	}{{meals.SourceCity, int64(rc.City)}, {meals.SourceDistrict, int64(rc.District)}, {meals.SourceStreet, int64(rc.Street)}} {
		if s.fen > 0 {
			out.Shares = append(out.Shares, terminalShareJSON{Source: s.source, Label: a.msg.T("meals.terminal.source." + s.source), AmountFen: s.fen})
		}
	}
	return out
}

// terminalServe answers POST /meals/terminal/meals: 201 with the receipt of the meal just
// served, or 200 with the first receipt and "replayed": true when the Idempotency-Key was used
// before for the same meal (nothing is charged again).
func (a *API) terminalServe(w http.ResponseWriter, r *http.Request, cid int64) {
	key := r.Header.Get("Idempotency-Key")
	if strings.TrimSpace(key) == "" {
		a.writeError(w, r, apperr.FieldMsg("idempotency_key", "meals.key_required"))
		return
	}
	var in terminalMealJSON
	if !a.body(w, r, &in) {
		return
	}
	if (in.CardNo == "") == (in.QRToken == "") {
		a.writeError(w, r, apperr.FieldMsg("card_no", "meals.terminal.diner_required"))
		return
	}
	rc, replayed, err := a.deps.Meals.Serve(r.Context(), cid, key, meals.ServeInput{CardNo: strings.TrimSpace(in.CardNo),
		QRToken: in.QRToken, MenuItemID: in.MenuItemID})
	if err != nil {
		a.writeError(w, r, err)
		return
	}
	status := http.StatusCreated
	if replayed {
		status = http.StatusOK
	}
	writeJSON(w, status, a.toTerminalReceipt(rc, replayed))
}

// terminalMenuJSON is the canteen and its active items.
type terminalMenuJSON struct {
	CanteenID   int64              `json:"canteen_id"`
	CanteenName string             `json:"canteen_name"`
	Status      string             `json:"status"`
	Items       []terminalItemJSON `json:"items"`
}

// terminalItemJSON is one item of a menu.
type terminalItemJSON struct {
	ID       int64  `json:"id"`
	Name     string `json:"name"`
	MealType string `json:"meal_type"`
	PriceFen int64  `json:"price_fen"`
}

// terminalMenu answers GET /meals/terminal/menu with the canteen's active items.
func (a *API) terminalMenu(w http.ResponseWriter, r *http.Request, cid int64) {
	c, items, err := a.deps.Meals.TerminalMenu(r.Context(), cid)
	if err != nil {
		a.writeError(w, r, err)
		return
	}
	out := terminalMenuJSON{CanteenID: c.ID, CanteenName: c.Name, Status: c.Status, Items: []terminalItemJSON{}}
	for _, it := range items {
		out.Items = append(out.Items, terminalItemJSON{ID: it.ID, Name: it.Name, MealType: it.MealType, PriceFen: int64(it.Price)})
	}
	writeJSON(w, http.StatusOK, out)
}

// terminalPreviewJSON is what the terminal shows before charging; subsidised_left is null when the
// policy sets no daily cap.
type terminalPreviewJSON struct {
	Name            string              `json:"name"`
	CardNoMasked    string              `json:"card_no_masked"`
	Categories      []string            `json:"categories"`
	Status          string              `json:"status"`
	SubsidisedToday int                 `json:"subsidised_today"`
	SubsidisedLeft  *int                `json:"subsidised_left"`
	Flags           []string            `json:"flags"`
	Offers          []terminalOfferJSON `json:"offers"`
}

// terminalOfferJSON is one menu item priced for the diner now.
type terminalOfferJSON struct {
	MenuItemID   int64    `json:"menu_item_id"`
	Name         string   `json:"name"`
	MealType     string   `json:"meal_type"`
	PriceFen     int64    `json:"price_fen"`
	DinerPaysFen int64    `json:"diner_pays_fen"`
	SubsidyFen   int64    `json:"subsidy_fen"`
	Rule         string   `json:"rule"`
	Reason       string   `json:"reason"`
	Flags        []string `json:"flags"`
}

// terminalDiner answers GET /meals/terminal/diners/{card}: the diner holding card {card} (or,
// when {card} is "qr", the one whose QR token the X-QR-Token header carries, kept out of the URL
// and so out of the logs) and what each item would cost them now. Nothing is charged.
func (a *API) terminalDiner(w http.ResponseWriter, r *http.Request, cid int64) {
	in := meals.ServeInput{CardNo: strings.TrimSpace(r.PathValue("card"))}
	if in.CardNo == "qr" {
		in = meals.ServeInput{QRToken: r.Header.Get("X-QR-Token")}
		if in.QRToken == "" {
			a.writeError(w, r, apperr.FieldMsg("qr_token", "meals.terminal.qr_header_required"))
			return
		}
	}
	pv, err := a.deps.Meals.PreviewMeal(r.Context(), cid, in)
	if err != nil {
		a.writeError(w, r, err)
		return
	}
	out := terminalPreviewJSON{Name: pv.Name, CardNoMasked: terminalCardMask(pv.CardNo), Categories: terminalList(pv.Categories), Status: pv.Status,
		SubsidisedToday: pv.SubsidisedToday, Flags: terminalList(pv.Flags), Offers: []terminalOfferJSON{}}
	if pv.SubsidisedLeft >= 0 {
		out.SubsidisedLeft = &pv.SubsidisedLeft
	}
	for _, o := range pv.Offers {
		out.Offers = append(out.Offers, terminalOfferJSON{MenuItemID: o.Item.ID, Name: o.Item.Name, MealType: o.Item.MealType,
			PriceFen: int64(o.Quote.Price), DinerPaysFen: int64(o.Quote.DinerPays), SubsidyFen: int64(o.Quote.Subsidy()),
			Rule: o.Quote.Rule, Reason: o.Quote.Reason, Flags: terminalList(o.Quote.Flags)})
	}
	writeJSON(w, http.StatusOK, out)
}

// terminalCardMask shows the last four digits of a card number: enough for the diner to recognise their
// card on a receipt, not enough to charge it.
func terminalCardMask(card string) string {
	if len(card) <= 4 {
		return card
	}
	return strings.Repeat("*", len(card)-4) + card[len(card)-4:]
}

// terminalList makes a nil list an empty one, so that JSON clients always get an array.
func terminalList(xs []string) []string {
	if xs == nil {
		return []string{}
	}
	return xs
}
