package api

import (
	"fmt"
	"net/http"
	"strings"
	"time"

	"github.com/minzheng/minzheng/internal/apperr"
	"github.com/minzheng/minzheng/internal/auth"
	"github.com/minzheng/minzheng/internal/civil"
	"github.com/minzheng/minzheng/internal/httpx"
	"github.com/minzheng/minzheng/internal/payout"
)

// priceIndexJSON is a month's price rises as the API shows them: per mille, as stored, so that a
// client never meets a rounded fraction (36 is 3.6 %).
type priceIndexJSON struct {
	Month        civil.Month `json:"month"`
	CPIPermille  int64       `json:"cpi_yoy_permille"`
	FoodPermille int64       `json:"food_cpi_yoy_permille"`
	Source       string      `json:"source"`
	RecordedBy   string      `json:"recorded_by"`
	RecordedAt   *time.Time  `json:"recorded_at,omitempty"`
}

// priceIndexInput is the body of PUT /price-indices/{month}; the month is the path's.
type priceIndexInput struct {
	CPIPermille  *int64 `json:"cpi_yoy_permille"`
	FoodPermille *int64 `json:"food_cpi_yoy_permille"`
	Source       string `json:"source"`
}

// toPriceIndexJSON converts a stored month for the API.
func toPriceIndexJSON(x payout.PriceIndex) priceIndexJSON {
	return priceIndexJSON{Month: x.Month, CPIPermille: x.CPI, FoodPermille: x.FoodCPI, Source: x.Source, RecordedBy: x.RecordedBy,
		RecordedAt: dbStamp(x.RecordedAt)}
}

// listPriceIndices answers GET /price-indices: every recorded month, newest first. Anyone who
// sees payouts sees them: they explain the price-subsidy rosters.
func (a *API) listPriceIndices(w http.ResponseWriter, r *http.Request) {
	xs, err := a.deps.Payout.PriceIndices(r.Context())
	if err != nil {
		a.writeError(w, r, err)
		return
	}
	out := make([]priceIndexJSON, 0, len(xs))
	for _, x := range xs {
		out = append(out, toPriceIndexJSON(x))
	}
	writeJSON(w, http.StatusOK, map[string]any{"price_indices": out, "total": len(out)})
}

// putPriceIndex answers PUT /price-indices/{month}: records or corrects the month's rises and
// answers with the month as now recorded. The month and the body are checked before the store
// decides who may record (the city administrator), so a bad request says what is wrong with it;
// both rises are required, since a missing one read as 0 would silently mean "no rise".
func (a *API) putPriceIndex(w http.ResponseWriter, r *http.Request) {
	m, err := civil.ParseMonth(strings.TrimSpace(r.PathValue("month")))
	if err != nil {
		a.writeError(w, r, apperr.FieldMsg("month", "payout.bad_month"))
		return
	}
	var in priceIndexInput
	if !a.body(w, r, &in) {
		return
	}
	switch {
	case in.CPIPermille == nil:
		err = apperr.FieldMsg("cpi_yoy_permille", "payout.bad_cpi")
	case in.FoodPermille == nil:
		err = apperr.FieldMsg("food_cpi_yoy_permille", "payout.bad_cpi")
	default:
		x := payout.PriceIndex{Month: m, CPI: *in.CPIPermille, FoodCPI: *in.FoodPermille, Source: in.Source}
		err = apiPriceFields(a.deps.Payout.SetPriceIndex(r.Context(), auth.FromContext(r.Context()), x, httpx.ClientIP(r)))
	}
	if err != nil {
		a.writeError(w, r, err)
		return
	}
	xs, err := a.deps.Payout.PriceIndices(r.Context())
	if err != nil {
		a.writeError(w, r, err)
		return
	}
	for _, x := range xs {
		if x.Month == m {
			writeJSON(w, http.StatusOK, toPriceIndexJSON(x))
			return
		}
	}
	a.writeError(w, r, fmt.Errorf("price index of %s not found after recording it", m))
}

// apiPriceFields renames the store's field names in err to the JSON names the client sent.
func apiPriceFields(err error) error {
	e := apperr.As(err)
	if err == nil || e.Kind == apperr.Internal {
		return err
	}
	renamed := *e
	switch e.Field {
	case "cpi":
		renamed.Field = "cpi_yoy_permille"
	case "food_cpi":
		renamed.Field = "food_cpi_yoy_permille"
	default:
		return err
	}
	return &renamed
}
