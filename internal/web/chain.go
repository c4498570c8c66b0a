package web

import (
	"net/http"
	"net/url"
	"strconv"

	"github.com/minzheng/minzheng/internal/assistance"
	"github.com/minzheng/minzheng/internal/auth"
	"github.com/minzheng/minzheng/internal/civil"
	"github.com/minzheng/minzheng/internal/httpx"
	"github.com/minzheng/minzheng/internal/registry"
)

// chainContent is a household's assistance chain (一户一条救助链): one timeline of everything
// the platform did for the family, its entitlements, and the services delivered beside the cash.
type chainContent struct {
	H            *registry.Household
	RegionName   string
	Events       []chainRow
	Entitlements []reviewRow
	Services     []assistance.Service
	ServiceKinds []string
	CanRecord    bool
	CanApply     bool
	Form         *form
	Notice       string
}

// chainRow is one timeline entry with its badge colour.
type chainRow struct {
	assistance.ChainEvent
	Class string
}

func (s *Site) registerChain() {
	s.page("GET", "/households/{id}/chain", auth.CaseView, s.chainPage, nil)
	s.page("POST", "/households/{id}/services", auth.CaseHandle, s.serviceRecord, nil)
}

// chainKindClass colours a timeline entry by kind; a warning from monitoring stands out.
func chainKindClass(kind string) string {
	switch kind {
	case "decision", "entitlement", "payment":
		return "ok"
	case "warning":
		return "warn"
	}
	return ""
}

// loadChain builds the chain page of household {id} within the caller's scope.
func (s *Site) loadChain(r *http.Request) (*chainContent, error) {
	ctx := r.Context()
	p, h, err := lookupPath(r, "registry.notfound", s.deps.Registry.Get)
	if err != nil {
		return nil, err
	}
	id := h.ID
	events, err := s.deps.Cases.Chain(ctx, p, id)
	if err != nil {
		return nil, err
	}
	ents, err := s.deps.Cases.Entitlements(ctx, p, id)
	if err != nil {
		return nil, err
	}
	services, err := s.deps.Cases.Services(ctx, p, id)
	if err != nil {
		return nil, err
	}
	c := &chainContent{H: h, RegionName: s.regionBelow(r, p, h.RegionCode), Services: services,
		ServiceKinds: assistance.ServiceKinds(), CanRecord: p.Can(auth.CaseHandle), CanApply: p.Can(auth.CaseHandle),
		Form: &form{Values: url.Values{"served_on": {civil.Today(s.deps.Now()).String()}}, Errors: map[string]string{}}}
	for _, e := range events {
		c.Events = append(c.Events, chainRow{ChainEvent: e, Class: chainKindClass(e.Kind)})
	}
	today := civil.Today(s.deps.Now())
	for _, e := range ents {
		c.Entitlements = append(c.Entitlements, reviewRow{E: e, Amount: s.entAmount(e), StatusClass: entStatusClass(e.Status),
			Late: !e.NextReview.IsZero() && e.NextReview.Before(today) && e.Status != assistance.EntEnded})
	}
	return c, nil
}

func (s *Site) chainTitle(c *chainContent) string {
	return c.H.Head().Name + s.msg.T("hh.title_suffix") + " · " + s.msg.T("chain.title")
}

// chainPage shows the household's assistance chain, newest first.
func (s *Site) chainPage(w http.ResponseWriter, r *http.Request) {
	c, err := s.loadChain(r)
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	if r.URL.Query().Get("done") == "service" {
		c.Notice = "chain.done.service"
	}
	s.render(w, r, http.StatusOK, "chain", s.chainTitle(c), c)
}

// serviceRecord records a service delivered to the household (物质+服务): psychological aid,
// care, resource linkage, by whom and when, so the chain shows help beyond cash.
func (s *Site) serviceRecord(w http.ResponseWriter, r *http.Request) {
	c, err := s.loadChain(r)
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	f := newForm(r)
	served, err := requiredDate(f, "served_on", "case.bad_service_date")
	if err == nil {
		_, err = s.deps.Cases.RecordService(r.Context(), auth.FromContext(r.Context()), c.H.ID, assistance.ServiceInput{
			Kind: f.Get("kind"), Provider: f.Get("provider"), ServedOn: served, Note: f.Get("note")}, httpx.ClientIP(r))
	}
	if err != nil {
		s.refused(w, r, f, err, func(status int) {
			c.Form = f
			s.render(w, r, status, "chain", s.chainTitle(c), c)
		})
		return
	}
	http.Redirect(w, r, "/households/"+strconv.FormatInt(c.H.ID, 10)+"/chain?done=service", http.StatusSeeOther)
}
