package web

import (
	"net/http"
	"strconv"

	"github.com/minzheng/minzheng/internal/apperr"
	"github.com/minzheng/minzheng/internal/auth"
	"github.com/minzheng/minzheng/internal/httpx"
	"github.com/minzheng/minzheng/internal/registry"
)

type duplicatesContent struct {
	Candidates []registry.Candidate
	Status     string
	Statuses   []string
	CanDecide  bool
	Errors     map[int64]string
	Done       bool
}

func (s *Site) registerDuplicates() {
	s.page("GET", "/duplicates", auth.HouseholdView, s.duplicatesPage,
		&NavEntry{Section: "nav.section.registry", Label: "nav.duplicates", Order: 120})
	s.page("POST", "/duplicates/{id}", auth.HouseholdEdit, s.duplicateDecide, nil)
}

const duplicatesShown = 200

// duplicatesPage is the queue of person records that may be one person, within the caller's scope.
func (s *Site) duplicatesPage(w http.ResponseWriter, r *http.Request) {
	s.showDuplicates(w, r, http.StatusOK, map[int64]string{})
}

func (s *Site) showDuplicates(w http.ResponseWriter, r *http.Request, status int, errs map[int64]string) {
	p := auth.FromContext(r.Context())
	st := r.URL.Query().Get("status")
	if st != "merged" && st != "dismissed" {
		st = "open"
	}
	cands, err := s.deps.Registry.Candidates(r.Context(), p, st, duplicatesShown)
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	s.render(w, r, status, "duplicates", s.msg.T("nav.duplicates"), duplicatesContent{Candidates: cands, Status: st,
		Statuses: []string{"open", "merged", "dismissed"}, CanDecide: p.Can(auth.HouseholdEdit), Errors: errs,
		Done: r.URL.Query().Get("done") == "1"})
}

// duplicateDecide merges (drops one record) or dismisses a candidate, with a required note.
func (s *Site) duplicateDecide(w http.ResponseWriter, r *http.Request) {
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err != nil {
		s.renderError(w, r, apperr.Msg(apperr.NotFound, "registry.candidate_notfound"))
		return
	}
	f := newForm(r)
	merge := f.Get("decision") == "merge"
	drop, _ := strconv.ParseInt(f.Get("drop"), 10, 64)
	err = s.deps.Registry.Decide(r.Context(), auth.FromContext(r.Context()), id, merge, drop, f.Get("note"), httpx.ClientIP(r))
	if err != nil {
		if apperr.KindOf(err) == apperr.Internal || apperr.KindOf(err) == apperr.NotFound {
			s.renderError(w, r, err)
			return
		}
		s.showDuplicates(w, r, statusFor(err), map[int64]string{id: apperr.As(err).Message})
		return
	}
	http.Redirect(w, r, "/duplicates?done=1", http.StatusSeeOther)
}
