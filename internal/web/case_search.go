package web

import (
	"net/http"
	"net/url"
	"strings"

	"github.com/minzheng/minzheng/internal/assistance"
	"github.com/minzheng/minzheng/internal/auth"
	"github.com/minzheng/minzheng/internal/region"
)

// caseSearchContent is the case list (案件查询): filters above, the cases of the caller's scope
// below with the total, newest first.
type caseSearchContent struct {
	Q    url.Values
	Rows []caseRow
	pager
	Statuses []string
	Programs []string
	Kinds    []string
	Error    string
}

// caseRow is one case of the list, with its region named below the caller's scope.
type caseRow struct {
	*assistance.Application
	RegionName  string
	StatusClass string
}

// caseStatuses lists the statuses of a case in the order a case passes through them.
func caseStatuses() []string {
	return []string{assistance.StatusSubmitted, assistance.StatusOpen, assistance.StatusDecided,
		assistance.StatusNotAccepted, assistance.StatusWithdrawn}
}

func (s *Site) registerCaseSearch() {
	s.page("GET", "/cases/search", auth.CaseView, s.caseSearchPage,
		&NavEntry{Section: "nav.section.cases", Label: "nav.case_search", Order: 310})
}

// caseSearchPage finds any case of the caller's scope by status, program, kind and area, for the
// questions the work queues do not answer ("every 临时救助 case of 中韩街道 this year").
func (s *Site) caseSearchPage(w http.ResponseWriter, r *http.Request) {
	p := auth.FromContext(r.Context())
	q := r.URL.Query()
	query := assistance.CaseQuery{Status: q.Get("status"), Program: q.Get("program"), Kind: q.Get("kind"),
		Region: strings.TrimSpace(q.Get("region")), Page: max(1, atoi(q.Get("page"))), PerPage: casesPerPage}
	c := caseSearchContent{Q: q, pager: pager{Page: query.Page, Pages: 1}, Statuses: caseStatuses(), Programs: assistance.Programs(),
		Kinds: []string{assistance.KindApply, assistance.KindReview, assistance.KindAppeal}}
	if query.Region != "" && region.ValidCode(query.Region) != nil {
		c.Error = s.msg.T("cw.bad_region")
		s.render(w, r, http.StatusUnprocessableEntity, "case_search", s.msg.T("nav.case_search"), c)
		return
	}
	apps, total, err := s.deps.Cases.Search(r.Context(), p, query)
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	names := s.regionNamer(r, p)
	for _, a := range apps {
		c.Rows = append(c.Rows, caseRow{Application: a, RegionName: names(a.RegionCode), StatusClass: statusClass(a.Status)})
	}
	c.pager = paging(total, c.Page, casesPerPage, pageLink("/cases/search", q))
	s.render(w, r, http.StatusOK, "case_search", s.msg.T("nav.case_search"), c)
}
