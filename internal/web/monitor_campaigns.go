package web

import (
	"net/http"
	"strconv"
	"strings"

	"github.com/minzheng/minzheng/internal/apperr"
	"github.com/minzheng/minzheng/internal/auth"
	"github.com/minzheng/minzheng/internal/civil"
	"github.com/minzheng/minzheng/internal/httpx"
	"github.com/minzheng/minzheng/internal/monitor"
	"github.com/minzheng/minzheng/internal/region"
	"github.com/minzheng/minzheng/internal/registry"
)

// monitorCampaignsContent is the list of screening campaigns (专项排查) of the caller's scope and,
// for whoever may define one, the form that does.
type monitorCampaignsContent struct {
	Rows      []campaignRow
	CanCreate bool
	Regions   []region.ChildCount
	Tiers     []registry.Tier
	Form      *form
	Today     civil.Date
}

// campaignRow is a campaign as the list shows it: its area named and how far it has come.
type campaignRow struct {
	monitor.Campaign
	RegionName string
	Percent    int
}

// campaignFields are the fields of the campaign form.
var campaignFields = []string{"name", "region_code", "tiers", "min_age", "starts_on", "ends_on"}

// campaignURL is the page of campaign id.
func campaignURL(id int64) string { return "/monitor/campaigns/" + strconv.FormatInt(id, 10) }

// percent is done as a whole-number share of all, 0 for an empty whole.
func percent(done, all int) int {
	if all <= 0 {
		return 0
	}
	return done * 100 / all
}

// monitorCampaignsPage lists the campaigns of the caller's scope.
func (s *Site) monitorCampaignsPage(w http.ResponseWriter, r *http.Request) {
	s.showCampaigns(w, r, http.StatusOK, emptyForm())
}

func (s *Site) showCampaigns(w http.ResponseWriter, r *http.Request, status int, f *form) {
	p := auth.FromContext(r.Context())
	cs, err := s.deps.Monitor.Campaigns(r.Context(), p)
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	names := s.regionNamer(r, p)
	c := monitorCampaignsContent{CanCreate: p.Can(auth.MonitorCampaign), Tiers: registry.Tiers(), Form: f, Today: civil.Today(s.deps.Now())}
	for _, cp := range cs {
		c.Rows = append(c.Rows, campaignRow{Campaign: cp, RegionName: names(cp.RegionCode), Percent: percent(cp.Done, cp.Tasks)})
	}
	if c.CanCreate {
		if c.Regions, err = s.campaignRegions(r, p); err != nil {
			s.renderError(w, r, err)
			return
		}
	}
	s.render(w, r, status, "monitor_campaigns", s.msg.T("monitor.ui.nav.campaigns"), c)
}

// campaignRegions are the areas a campaign of p may cover: its whole scope first, then each
// area directly below it.
func (s *Site) campaignRegions(r *http.Request, p *auth.Principal) ([]region.ChildCount, error) {
	code := p.Scope.Code()
	if p.Scope.Level() < region.City {
		code = s.deps.Root
	}
	children, err := s.monitorRegions(r, p)
	if err != nil {
		return nil, err
	}
	whole := region.ChildCount{Code: code, Name: s.msg.T("monitor.ui.whole_area", s.scopeName(r, code))}
	return append([]region.ChildCount{whole}, children...), nil
}

// campaignFrom reads the campaign form; dates and the age must be readable, the rest is the
// store's to judge.
func campaignFrom(f *form) (monitor.Campaign, error) {
	c := monitor.Campaign{Name: strings.TrimSpace(f.Get("name")), RegionCode: strings.TrimSpace(f.Get("region_code"))}
	c.Target.Tiers = f.Values["tiers"]
	var err error
	if c.Target.MinAge, err = intField(f.Values, "min_age"); err != nil {
		return c, err
	}
	if c.Name == "" {
		return c, apperr.FieldMsg("name", "monitor.ui.campaign_name_required")
	}
	if len(c.Target.Tiers) == 0 {
		return c, apperr.FieldMsg("tiers", "monitor.ui.tiers_required")
	}
	if c.StartsOn, err = requiredDate(f, "starts_on", "monitor.ui.date_required"); err != nil {
		return c, err
	}
	c.EndsOn, err = requiredDate(f, "ends_on", "monitor.ui.date_required")
	return c, err
}

// monitorCampaignCreate defines a campaign, which generates one visit task per household of
// the target group, and shows its progress page.
func (s *Site) monitorCampaignCreate(w http.ResponseWriter, r *http.Request) {
	f := newForm(r)
	in, err := campaignFrom(f)
	var c *monitor.Campaign
	if err == nil {
		c, err = s.deps.Monitor.CreateCampaign(r.Context(), auth.FromContext(r.Context()), in, httpx.ClientIP(r))
	}
	if err != nil {
		s.refused(w, r, f, onlyFields(err, campaignFields), func(status int) { s.showCampaigns(w, r, status, f) })
		return
	}
	http.Redirect(w, r, doneURL(campaignURL(c.ID), "created"), http.StatusSeeOther)
}
