package web

import (
	"context"
	"net/http"
	"strconv"

	"github.com/minzheng/minzheng/internal/apperr"
	"github.com/minzheng/minzheng/internal/assistance"
	"github.com/minzheng/minzheng/internal/auth"
	"github.com/minzheng/minzheng/internal/httpx"
)

// entDecider is one of the store's decisions on an entitlement (Suspend, Resume, Terminate).
type entDecider func(ctx context.Context, p *auth.Principal, id int64, version int, reason, ip string) (assistance.Decision, error)

// entitlementDecide suspends, resumes or terminates an entitlement. Each is a decision with a
// printed notice, so the form asks for a reason and a confirmation and the officer lands on the
// new notice, ready to print it.
func (s *Site) entitlementDecide(action string) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		c, err := s.loadEntitlement(r)
		if err != nil {
			s.renderError(w, r, err)
			return
		}
		f := newForm(r)
		decide := map[string]entDecider{"suspend": s.deps.Cases.Suspend, "resume": s.deps.Cases.Resume,
			"terminate": s.deps.Cases.Terminate}[action]
		var d assistance.Decision
		if !confirmed(r) {
			err = apperr.Msg(apperr.Invalid, "action.confirm_required")
		} else {
			version, _ := strconv.Atoi(f.Get("version"))
			d, err = decide(r.Context(), auth.FromContext(r.Context()), c.E.ID, version, f.Get("reason"), httpx.ClientIP(r))
		}
		if err != nil {
			s.entitlementFailed(w, r, c, action, f, err)
			return
		}
		http.Redirect(w, r, "/decisions/"+strconv.FormatInt(d.ID, 10)+"?done=issued", http.StatusSeeOther)
	}
}

// entitlementReview opens a review of the entitlement — the scheduled one, a change of
// circumstances or a death — and takes the officer to the new case, whose check has already run.
func (s *Site) entitlementReview(w http.ResponseWriter, r *http.Request) {
	c, err := s.loadEntitlement(r)
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	f := newForm(r)
	a, err := s.deps.Cases.StartReview(r.Context(), auth.FromContext(r.Context()), c.E.ID, f.Get("reason"), f.Get("note"),
		httpx.ClientIP(r))
	if err != nil {
		s.entitlementFailed(w, r, c, "review", f, err)
		return
	}
	http.Redirect(w, r, caseURL(a.ID), http.StatusSeeOther)
}

// entitlementDeath records a member's death, which brings the review forward to within three
// months (DOMAIN.md §3).
func (s *Site) entitlementDeath(w http.ResponseWriter, r *http.Request) {
	c, err := s.loadEntitlement(r)
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	f := newForm(r)
	died, err := requiredDate(f, "died_on", "case.bad_death_date")
	if err == nil {
		version, _ := strconv.Atoi(f.Get("version"))
		err = s.deps.Cases.ReportDeath(r.Context(), auth.FromContext(r.Context()), c.E.ID, version, died, f.Get("note"),
			httpx.ClientIP(r))
	}
	if err != nil {
		s.entitlementFailed(w, r, c, "death", f, err)
		return
	}
	http.Redirect(w, r, "/entitlements/"+strconv.FormatInt(c.E.ID, 10)+"?done=death", http.StatusSeeOther)
}

// entitlementFailed shows the entitlement page again with what was typed and the error next to
// the form that caused it.
func (s *Site) entitlementFailed(w http.ResponseWriter, r *http.Request, c *entitlementContent, action string, f *form, err error) {
	s.refused(w, r, f, err, func(status int) {
		c.Forms[action] = f
		s.render(w, r, status, "entitlement", s.entTitle(c), c)
	})
}
