package web

import (
	"net/http"

	"github.com/minzheng/minzheng/internal/apperr"
	"github.com/minzheng/minzheng/internal/assistance"
	"github.com/minzheng/minzheng/internal/auth"
	"github.com/minzheng/minzheng/internal/civil"
)

// reviewWindowDays is how far ahead the list looks: a review due within 30 days needs its
// visit planned now (DOMAIN.md §3: yearly, half-yearly, within 3 months of a death).
const reviewWindowDays = 30

const reviewsPerPage = 50

type reviewsContent struct {
	Rows []reviewRow
	Days int
	pager
	CanHandle bool
}

// reviewRow is one entitlement due for review, with the household named as staff know it.
type reviewRow struct {
	E           *assistance.Entitlement
	Amount      string
	StatusClass string
	HeadName    string
	RegionName  string
	Late        bool
}

func (s *Site) registerReviews() {
	s.page("GET", "/reviews", auth.CaseView, s.reviewsPage,
		&NavEntry{Section: "nav.section.cases", Label: "nav.reviews", Order: 320})
}

// reviewsPage lists the entitlements of the caller's scope whose review falls due within 30
// days (or is late), soonest first, each with a button that opens the scheduled review.
func (s *Site) reviewsPage(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	p := auth.FromContext(ctx)
	due, err := s.deps.Cases.DueReviews(ctx, p, reviewWindowDays)
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	page := min(max(1, atoi(r.URL.Query().Get("page"))), pageCount(len(due), reviewsPerPage))
	c := reviewsContent{Days: reviewWindowDays, pager: paging(len(due), page, reviewsPerPage, pageLink("/reviews", nil)),
		CanHandle: p.Can(auth.CaseHandle)}
	from := (c.Page - 1) * reviewsPerPage
	today := civil.Today(s.deps.Now())
	names := map[string]string{}
	for _, e := range due[from:min(from+reviewsPerPage, len(due))] {
		row := reviewRow{E: e, Amount: s.entAmount(e), StatusClass: entStatusClass(e.Status), Late: e.NextReview.Before(today)}
		if h, err := s.deps.Registry.Get(ctx, p, e.HouseholdID); err == nil {
			row.HeadName = h.Head().Name
		} else if apperr.KindOf(err) != apperr.NotFound {
			s.renderError(w, r, err)
			return
		}
		if _, ok := names[e.RegionCode]; !ok {
			names[e.RegionCode] = s.regionBelow(r, p, e.RegionCode)
		}
		row.RegionName = names[e.RegionCode]
		c.Rows = append(c.Rows, row)
	}
	s.render(w, r, http.StatusOK, "reviews", s.msg.T("nav.reviews"), c)
}
