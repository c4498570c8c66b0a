package web

import (
	"encoding/json"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/minzheng/minzheng/internal/audit"
	"github.com/minzheng/minzheng/internal/auth"
	"github.com/minzheng/minzheng/internal/region"
)

type auditContent struct {
	Records  []auditRow
	Total    int
	Page     int
	Pages    int
	Q        url.Values
	PrevURL  string
	NextURL  string
	BadDates bool
}

type auditRow struct {
	audit.Record
	DetailJSON string
}

const auditPerPage = 50

func (s *Site) registerAuditLog() {
	s.page("GET", "/audit", auth.AuditView, s.auditPage, &NavEntry{Section: "nav.section.system", Label: "nav.audit", Order: 910})
}

// AuditScope is the audit-log scope of a caller: everything for city-level staff, the caller's
// own area below that (events without a region are then hidden).
func AuditScope(p *auth.Principal) string {
	if p.Scope.Level() <= region.City {
		return ""
	}
	return p.Scope.Code()
}

// auditPage lets an auditor search the log within their scope.
func (s *Site) auditPage(w http.ResponseWriter, r *http.Request) {
	p := auth.FromContext(r.Context())
	q := r.URL.Query()
	page := max(1, atoi(q.Get("page")))
	f := audit.Filter{Scope: AuditScope(p), RegionPrefix: strings.TrimSpace(q.Get("region")), Actor: strings.TrimSpace(q.Get("actor")),
		Action: strings.TrimSpace(q.Get("action")), TargetType: q.Get("target_type"), TargetID: q.Get("target_id"),
		Page: page, PerPage: auditPerPage}
	c := auditContent{Page: page, Q: q}
	var err error
	if f.From, err = parseDay(q.Get("from")); err != nil {
		c.BadDates = true
	}
	if f.To, err = parseDay(q.Get("to")); err != nil {
		c.BadDates = true
	} else if !f.To.IsZero() {
		f.To = f.To.AddDate(0, 0, 1) // the "to" day is included
	}
	records, total, err := audit.Search(r.Context(), s.deps.DB, f)
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	c.Total, c.Pages = total, max(1, (total+auditPerPage-1)/auditPerPage)
	for _, rec := range records {
		b, _ := json.Marshal(rec.Detail)
		if rec.Detail == nil {
			b = nil
		}
		c.Records = append(c.Records, auditRow{Record: rec, DetailJSON: string(b)})
	}
	pageURL := func(n int) string {
		v := url.Values{}
		for k, vs := range q {
			v[k] = vs
		}
		v.Set("page", strconv.Itoa(n))
		return "/audit?" + v.Encode()
	}
	if page > 1 {
		c.PrevURL = pageURL(page - 1)
	}
	if page < c.Pages {
		c.NextURL = pageURL(page + 1)
	}
	s.render(w, r, http.StatusOK, "audit", s.msg.T("nav.audit"), c)
}

// parseDay reads a yyyy-mm-dd form field as the start of that day in China Standard Time.
func parseDay(v string) (time.Time, error) {
	if v == "" {
		return time.Time{}, nil
	}
	return time.ParseInLocation("2006-01-02", v, chinaTime)
}

func atoi(s string) int {
	n, _ := strconv.Atoi(s)
	return n
}
