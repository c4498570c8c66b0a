package web

import (
	"net/http"
	"strconv"

	"github.com/minzheng/minzheng/internal/apperr"
	"github.com/minzheng/minzheng/internal/auth"
	"github.com/minzheng/minzheng/internal/civil"
	"github.com/minzheng/minzheng/internal/httpx"
	"github.com/minzheng/minzheng/internal/money"
	"github.com/minzheng/minzheng/internal/registry"
)

type householdContent struct {
	H          *registry.Household
	RegionName string
	History    []registry.Change
	Today      civil.Date
	CanReveal  bool
	CanEdit    bool
	// CanCases and CanIntake show the links to the household's assistance chain and to a window
	// application for it.
	CanCases   bool
	CanIntake  bool
	Revealed   map[int64]string // person id → full ID number, right after a reveal
	PerCapita  money.Fen
	Counted    money.Fen
	MemberName map[int64]string
}

func (s *Site) registerHousehold() {
	s.page("GET", "/households/{id}", auth.HouseholdView, s.householdPage, nil)
	s.page("POST", "/households/{id}/members/{person}/reveal-id", auth.PIIReveal, s.revealPersonID, nil)
}

func (s *Site) loadHousehold(r *http.Request) (*householdContent, error) {
	p := auth.FromContext(r.Context())
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err != nil {
		return nil, apperr.Msg(apperr.NotFound, "registry.notfound")
	}
	h, err := s.deps.Registry.Get(r.Context(), p, id)
	if err != nil {
		return nil, err
	}
	hist, err := s.deps.Registry.History(r.Context(), p, id)
	if err != nil {
		return nil, err
	}
	c := &householdContent{H: h, RegionName: s.regionBelow(r, p, h.RegionCode), History: hist,
		Today: civil.Today(s.deps.Now()), CanReveal: p.Can(auth.PIIReveal), CanEdit: p.Can(auth.HouseholdEdit),
		CanCases: p.Can(auth.CaseView), CanIntake: p.Role == auth.StreetOfficer,
		Revealed: map[int64]string{}, MemberName: map[int64]string{}}
	for _, m := range h.Members {
		c.Counted += m.CountedIncome()
		c.MemberName[m.ID] = m.Name
	}
	c.PerCapita = money.MulRatio(c.Counted, 1, int64(len(h.Members)), money.RoundHalfUp)
	return c, nil
}

// householdPage shows a household: members, incomes, assets, spending, tiers and its timeline.
func (s *Site) householdPage(w http.ResponseWriter, r *http.Request) {
	c, err := s.loadHousehold(r)
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	s.render(w, r, http.StatusOK, "household", c.H.Head().Name+s.msg.T("hh.title_suffix"), c)
}

// revealPersonID shows one member's full ID number; the reveal is in the audit log.
func (s *Site) revealPersonID(w http.ResponseWriter, r *http.Request) {
	c, err := s.loadHousehold(r)
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	pid, err := strconv.ParseInt(r.PathValue("person"), 10, 64)
	member := false
	for _, m := range c.H.Members {
		member = member || m.ID == pid
	}
	if err != nil || !member {
		s.renderError(w, r, apperr.Msg(apperr.NotFound, "registry.person_notfound"))
		return
	}
	number, err := s.deps.Registry.RevealID(r.Context(), auth.FromContext(r.Context()), pid, httpx.ClientIP(r))
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	c.Revealed[pid] = number
	s.render(w, r, http.StatusOK, "household", c.H.Head().Name+s.msg.T("hh.title_suffix"), c)
}
