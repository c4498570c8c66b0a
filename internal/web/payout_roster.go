package web

import (
	"net/http"
	"net/url"

	"github.com/minzheng/minzheng/internal/apperr"
	"github.com/minzheng/minzheng/internal/auth"
	"github.com/minzheng/minzheng/internal/civil"
	"github.com/minzheng/minzheng/internal/httpx"
	"github.com/minzheng/minzheng/internal/payout"
)

const (
	// rosterLinesPerPage is the page of lines on screen; rosterPrintMax bounds a printed roster,
	// which lists every line on one page (a district's 低保 roster runs to a few thousand).
	rosterLinesPerPage = 100
	rosterPrintMax     = 50000
)

// payoutContent is one roster: its header, a page of its lines (every line when printed), and
// the forms the caller may use on it.
type payoutContent struct {
	R            *payout.Roster
	DistrictName string
	StatusClass  string
	Lines        []rosterLine
	pager
	// All lists every line on one page, for printing.
	All    bool
	Notice string
	// Error is a refusal of a form the page does not show (the roster has moved on, or the form
	// is not the caller's).
	Error string
	// CanApprove shows the approval form to the district's approver while the roster is a draft.
	CanApprove bool
	Approve    *form
	// Bank is the bank file part of the page (payout_bank.go): export and returns.
	Bank bankContent
}

// rosterLine is a line as the roster shows it.
type rosterLine struct {
	payout.Line
	RegionName  string
	KindClass   string
	StatusClass string
	Months      string
}

func (s *Site) registerPayoutRoster() {
	s.page("GET", "/payouts/{id}", auth.PayoutView, s.payoutPage, nil)
	s.page("POST", "/payouts/{id}/approve", auth.PayoutManage, s.payoutApprove, nil)
}

// lineKindClass colours the kind badge: money owed back is a warning, money added is good news.
func lineKindClass(kind string) string {
	switch kind {
	case payout.Arrears, payout.Reissue:
		return "ok"
	case payout.Recovery:
		return "warn"
	}
	return ""
}

// lineStatusClass colours a line's bank verdict.
func lineStatusClass(status string) string {
	switch status {
	case "paid":
		return "ok"
	case "failed":
		return "danger"
	}
	return "warn"
}

// monthSpan writes the months a line covers: "2024年3月" or "2024年1月至2024年3月".
func monthSpan(from, to civil.Month) string {
	if from == to || to.IsZero() {
		return from.Chinese()
	}
	return from.Chinese() + "至" + to.Chinese()
}

// loadRoster reads roster {id} within the caller's scope with the page of lines the query asks
// for (or every line, with all=1).
func (s *Site) loadRoster(r *http.Request) (*payoutContent, error) {
	p, ro, err := lookupPath(r, "payout.notfound", s.deps.Payout.Roster)
	if err != nil {
		return nil, err
	}
	q := r.URL.Query()
	c := &payoutContent{R: ro, DistrictName: s.regionBelow(r, p, ro.District), StatusClass: rosterStatusClass(ro.Status),
		All: q.Get("all") == "1", CanApprove: p.Role == auth.DistrictApprover && ro.Status == payout.Draft, Approve: emptyForm()}
	page := max(1, atoi(q.Get("page")))
	var lines []payout.Line
	var total int
	if c.All {
		page = 1
		for {
			chunk, n, err := s.deps.Payout.Lines(r.Context(), p, ro.ID, page, 500)
			if err != nil {
				return nil, err
			}
			lines, total = append(lines, chunk...), n
			if len(chunk) == 0 || len(lines) >= n || len(lines) >= rosterPrintMax {
				break
			}
			page++
		}
		c.pager = pager{Total: total, Page: 1, Pages: 1}
	} else {
		if lines, total, err = s.deps.Payout.Lines(r.Context(), p, ro.ID, page, rosterLinesPerPage); err != nil {
			return nil, err
		}
		c.pager = paging(total, page, rosterLinesPerPage, pageLink(rosterURL(ro.ID), url.Values{}))
	}
	names := s.regionNamer(r, p)
	for _, l := range lines {
		c.Lines = append(c.Lines, rosterLine{Line: l, RegionName: names(l.RegionCode), KindClass: lineKindClass(l.Kind),
			StatusClass: lineStatusClass(l.Status), Months: monthSpan(l.From, l.To)})
	}
	c.Bank = s.bankContent(p, ro)
	return c, nil
}

// message is the text of a refused form's error, on top or next to a field.
func (f *form) message() string {
	if f.Error != "" {
		return f.Error
	}
	for _, m := range f.Errors {
		return m
	}
	return ""
}

// rosterTitle names a roster as its page and its print do: "崂山区 2024年3月 最低生活保障 发放名册".
func (s *Site) rosterTitle(c *payoutContent) string {
	return c.DistrictName + " " + c.R.Month.Chinese() + " " + s.msg.T("program."+c.R.Program) + " " + s.msg.T("payout.ui.roster")
}

// payoutPage shows a roster: who is paid how much and why, what the bank said, and what may be
// done with it next.
func (s *Site) payoutPage(w http.ResponseWriter, r *http.Request) {
	c, err := s.loadRoster(r)
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	switch done := r.URL.Query().Get("done"); done {
	case "generated", "approved", "returns":
		c.Notice = "payout.ui.done." + done
	}
	s.render(w, r, http.StatusOK, "payout", s.rosterTitle(c), c)
}

// payoutApprove is the district's approval of a draft roster. It posts the payment to the ledger
// and the roster can no longer be regenerated, so the form asks for a confirmation stating that.
func (s *Site) payoutApprove(w http.ResponseWriter, r *http.Request) {
	c, err := s.loadRoster(r)
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	f := newForm(r)
	if !confirmed(r) {
		err = apperr.FieldMsg("confirm", "action.confirm_required")
	} else {
		_, err = s.deps.Payout.Approve(r.Context(), auth.FromContext(r.Context()), c.R.ID, atoi(f.Get("version")), httpx.ClientIP(r))
	}
	if err != nil {
		s.refused(w, r, f, err, func(status int) {
			if apperr.KindOf(err) == apperr.Conflict {
				if fresh, lerr := s.loadRoster(r); lerr == nil {
					c = fresh
				}
			}
			c.Approve = f
			if !c.CanApprove {
				c.Error = f.message()
			}
			s.render(w, r, status, "payout", s.rosterTitle(c), c)
		})
		return
	}
	http.Redirect(w, r, rosterURL(c.R.ID)+"?done=approved", http.StatusSeeOther)
}
