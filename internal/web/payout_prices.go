package web

import (
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/minzheng/minzheng/internal/apperr"
	"github.com/minzheng/minzheng/internal/auth"
	"github.com/minzheng/minzheng/internal/civil"
	"github.com/minzheng/minzheng/internal/db"
	"github.com/minzheng/minzheng/internal/httpx"
	"github.com/minzheng/minzheng/internal/payout"
)

// The 价格指数 page: the months' CPI and food-CPI rises on which the 价格临时补贴 rosters rest,
// and the city administrator's form that records them. People read and type the rises as
// percentages with one decimal (统计局 publishes "3.6%"); the store keeps per mille, so the page
// converts exactly, on the digits, never through a float.

// pricesContent is the list of recorded months and, for the city administrator, the form.
type pricesContent struct {
	Rows []priceRow
	// CanRecord shows the form: entering the CPI is the city administrator's alone.
	CanRecord bool
	Form      *form
	Saved     bool
	// Error is a refusal shown on top when there is no form to show it in.
	Error     string
	ThisMonth string
}

// priceRow is a recorded month as the table shows it.
type priceRow struct {
	Month        civil.Month
	CPI, FoodCPI string
	Source, By   string
	At           time.Time
}

// pricesTitle is the page's title, shared by the list and a refused form.
func (s *Site) pricesTitle() string { return s.msg.T("payout.ui.prices_title") }

// payoutPricesPage lists the recorded months, newest first, with the form for the city
// administrator.
func (s *Site) payoutPricesPage(w http.ResponseWriter, r *http.Request) {
	s.showPrices(w, r, http.StatusOK, emptyForm(), r.URL.Query().Get("done") == "saved")
}

// showPrices renders the page with form f (a refused one keeps what was typed).
func (s *Site) showPrices(w http.ResponseWriter, r *http.Request, status int, f *form, saved bool) {
	p := auth.FromContext(r.Context())
	xs, err := s.deps.Payout.PriceIndices(r.Context())
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	c := pricesContent{CanRecord: p.Role == auth.CityAdmin && p.Can(auth.PayoutManage), Form: f, Saved: saved,
		ThisMonth: s.thisMonth().String()}
	if !c.CanRecord {
		c.Error = f.message()
	}
	for _, x := range xs {
		at, _ := db.ParseTime(x.RecordedAt)
		c.Rows = append(c.Rows, priceRow{Month: x.Month, CPI: PercentText(x.CPI), FoodCPI: PercentText(x.FoodCPI), Source: x.Source,
			By: x.RecordedBy, At: at})
	}
	s.render(w, r, status, "payout_prices", s.pricesTitle(), c)
}

// payoutPricesSave records (or corrects) a month's rises. What only the page can read — the month
// and the two percentages — is checked first, all together; the rest (ranges, the source, who may
// record) is the store's rule, so a district approver is refused there, with the page's 403.
func (s *Site) payoutPricesSave(w http.ResponseWriter, r *http.Request) {
	f := newForm(r)
	var x payout.PriceIndex
	m, err := civil.ParseMonth(strings.TrimSpace(f.Get("month")))
	if err != nil {
		f.Errors["month"] = s.msg.T("payout.bad_month")
	}
	x.Month = m
	for field, dst := range map[string]*int64{"cpi": &x.CPI, "food_cpi": &x.FoodCPI} {
		v, ok := ParsePercent(f.Get(field))
		if !ok {
			f.Errors[field] = s.msg.T("payout.ui.cpi_percent")
		}
		*dst = v
	}
	x.Source = f.Get("source")
	if len(f.Errors) > 0 {
		s.showPrices(w, r, http.StatusUnprocessableEntity, f, false)
		return
	}
	err = s.deps.Payout.SetPriceIndex(r.Context(), auth.FromContext(r.Context()), x, httpx.ClientIP(r))
	if e := apperr.As(err); err != nil && (e.Field == "cpi" || e.Field == "food_cpi") {
		// The store speaks per mille; this form takes percentages.
		err = apperr.FieldMsg(e.Field, "payout.ui.cpi_percent")
	}
	if err != nil {
		s.refused(w, r, f, err, func(status int) { s.showPrices(w, r, status, f, false) })
		return
	}
	http.Redirect(w, r, "/payouts/prices?done=saved", http.StatusSeeOther)
}

// maxPercentDigits bounds the whole part of a typed percentage, so that parsing never overflows;
// the store's range (±50 %) is far inside it.
const maxPercentDigits = 4

// ParsePercent reads a rise typed as a percentage with at most one decimal ("3.6", "-0.5", "4",
// "3.6%") as per mille (36, -5, 40, 36). It works on the digits, so the result is exact; anything
// else, two decimals included, is not a percentage. The command line reads --cpi the same way.
func ParsePercent(s string) (int64, bool) {
	s = strings.TrimSpace(s)
	s = strings.TrimSpace(strings.TrimSuffix(strings.TrimSuffix(s, "%"), "％"))
	neg := strings.HasPrefix(s, "-")
	s = strings.TrimPrefix(strings.TrimPrefix(s, "-"), "+")
	whole, frac, dotted := strings.Cut(s, ".")
	if whole == "" || len(whole) > maxPercentDigits || (dotted && len(frac) != 1) || !allDigits(whole) || !allDigits(frac) {
		return 0, false
	}
	n, _ := strconv.ParseInt(whole+frac, 10, 64)
	if !dotted {
		n *= 10
	}
	if neg {
		n = -n
	}
	return n, true
}

// allDigits reports whether s holds ASCII digits only (an empty s does).
func allDigits(s string) bool {
	for _, c := range s {
		if c < '0' || c > '9' {
			return false
		}
	}
	return true
}

// PercentText shows a per-mille rise as a percentage with one decimal: 40 → "4.0%", -5 →
// "-0.5%", the way 统计局 publishes it.
func PercentText(permille int64) string {
	sign := ""
	if permille < 0 {
		sign, permille = "-", -permille
	}
	return sign + strconv.FormatInt(permille/10, 10) + "." + strconv.FormatInt(permille%10, 10) + "%"
}
