package monitor

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"slices"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/minzheng/minzheng/internal/apperr"
	"github.com/minzheng/minzheng/internal/audit"
	"github.com/minzheng/minzheng/internal/auth"
	"github.com/minzheng/minzheng/internal/civil"
	"github.com/minzheng/minzheng/internal/db"
	"github.com/minzheng/minzheng/internal/region"
	"github.com/minzheng/minzheng/internal/registry"
)

// CampaignTarget is the group a screening campaign visits, stored as JSON in
// monitor_campaigns.target so that new criteria need no migration.
type CampaignTarget struct {
	Tiers  []string `json:"tiers"`
	MinAge int      `json:"min_age,omitempty"`
}

// Campaign is a screening campaign (专项排查), such as visiting every 特困 household with a
// member over 80 before winter, with its counts of tasks, tasks done and persons covered.
type Campaign struct {
	ID                   int64
	Name, RegionCode     string
	Target               CampaignTarget
	StartsOn, EndsOn     civil.Date
	CreatedBy, CreatedAt string
	Tasks, Done, Persons int
}

// maxCampaignAge bounds a campaign's minimum age: nobody in the registry is older.
const maxCampaignAge = 120

// CreateCampaign defines a campaign in an area within p's scope (city and district staff) and
// generates its tasks in the same transaction: one per household of the area whose tier in
// force is one of the target's (and, with MinAge, that has a member at least that old on the
// first day), with the household's size as the persons to visit. The registry gives the
// households through its own function; this package never reads its tables.
func (s *Store) CreateCampaign(ctx context.Context, p *auth.Principal, c Campaign, ip string) (*Campaign, error) {
	if !p.Can(auth.MonitorCampaign) {
		return nil, apperr.Msg(apperr.Forbidden, "monitor.campaign_forbidden")
	}
	tiers, err := s.checkCampaign(ctx, p, &c)
	if err != nil {
		return nil, err
	}
	var id int64
	err = s.DB.InTx(ctx, func(tx *db.Tx) error {
		homes, err := s.Registry.CampaignHouseholds(ctx, tx, p, registry.CampaignQuery{Region: c.RegionCode, Tiers: tiers,
			MinAge: c.Target.MinAge, AgeOn: c.StartsOn})
		if err != nil {
			return err
		}
		target, err := json.Marshal(c.Target)
		if err != nil {
			return err
		}
		if err := tx.QueryRow(ctx, `INSERT INTO monitor_campaigns (name, region_code, target, starts_on, ends_on, created_by,
			created_at) VALUES (?, ?, ?, ?, ?, ?, ?) RETURNING id`, c.Name, c.RegionCode, string(target), c.StartsOn.String(),
			c.EndsOn.String(), p.Login, s.stamp()).Scan(&id); err != nil {
			return err
		}
		persons := 0
		for chunk := range slices.Chunk(homes, 200) {
			args := make([]any, 0, 4*len(chunk))
			for _, h := range chunk {
				args = append(args, id, h.HouseholdID, h.RegionCode, h.Persons)
				persons += h.Persons
			}
			if _, err := tx.Exec(ctx, `INSERT INTO monitor_tasks (campaign_id, household_id, region_code, persons) VALUES (?, ?, ?, ?)`+
				strings.Repeat(", (?, ?, ?, ?)", len(chunk)-1), args...); err != nil {
				return err
			}
		}
		_, err = s.Audit.Append(ctx, tx, audit.Event{ActorID: p.UserID, Actor: p.Login, Role: string(p.Role), IP: ip,
			Action: "monitor.campaign.create", TargetType: "monitor_campaign", TargetID: strconv.FormatInt(id, 10),
			RegionCode: c.RegionCode, Detail: map[string]any{"name": c.Name, "tiers": c.Target.Tiers, "min_age": c.Target.MinAge,
				"tasks": len(homes), "persons": persons}})
		return err
	})
	if err != nil {
		return nil, err
	}
	return s.campaignFor(ctx, s.DB, p, id)
}

// checkCampaign checks a new campaign field by field and normalises it (trimmed name, tiers
// without repeats); it returns the tiers as the registry names them.
func (s *Store) checkCampaign(ctx context.Context, p *auth.Principal, c *Campaign) ([]registry.Tier, error) {
	c.Name, c.RegionCode = strings.TrimSpace(c.Name), strings.TrimSpace(c.RegionCode)
	if c.Name == "" || utf8.RuneCountInString(c.Name) > 100 {
		return nil, apperr.FieldMsg("name", "monitor.campaign_name")
	}
	if region.ValidCode(c.RegionCode) != nil || !p.Sees(c.RegionCode) {
		return nil, apperr.FieldMsg("region_code", "monitor.campaign_region")
	}
	if _, err := region.PathTo(ctx, s.DB, c.RegionCode); err != nil {
		return nil, apperr.FieldMsg("region_code", "monitor.campaign_region")
	}
	var tiers []registry.Tier
	var keys []string
	for _, t := range c.Target.Tiers {
		t = strings.TrimSpace(t)
		if !slices.Contains(registry.Tiers(), registry.Tier(t)) {
			return nil, apperr.FieldMsg("tiers", "monitor.campaign_tiers")
		}
		if !slices.Contains(keys, t) {
			keys, tiers = append(keys, t), append(tiers, registry.Tier(t))
		}
	}
	if len(tiers) == 0 {
		return nil, apperr.FieldMsg("tiers", "monitor.campaign_tiers")
	}
	c.Target.Tiers = keys
	if c.Target.MinAge < 0 || c.Target.MinAge > maxCampaignAge {
		return nil, apperr.FieldMsg("min_age", "monitor.campaign_min_age", maxCampaignAge)
	}
	if c.StartsOn.IsZero() {
		return nil, apperr.FieldMsg("starts_on", "monitor.campaign_starts")
	}
	if c.EndsOn.IsZero() {
		return nil, apperr.FieldMsg("ends_on", "monitor.campaign_ends")
	}
	if c.EndsOn.Before(c.StartsOn) {
		return nil, apperr.FieldMsg("ends_on", "monitor.campaign_ends_before")
	}
	return tiers, nil
}

// campaignOverlap is the condition that a campaign's area overlaps p's scope: it lies inside
// the scope (a district's own campaigns), or contains it (a city campaign, seen by a street
// that has tasks in it).
func campaignOverlap(p *auth.Principal) (string, []any) {
	cond, args := p.ScopeCondition("region_code")
	code := p.Scope.Code()
	if p.Scope.Level() == 0 {
		return cond, args
	}
	var above []any
	for l := region.Province; l < p.Scope.Level(); l++ {
		above = append(above, code[:l.Len()])
	}
	if len(above) == 0 {
		return cond, args
	}
	return "(" + cond + " OR region_code IN (?" + strings.Repeat(", ?", len(above)-1) + "))", append(args, above...)
}

const campaignSelect = `id, name, region_code, target, starts_on, ends_on, created_by, created_at`

// readCampaign scans one row of campaignSelect.
func readCampaign(row interface{ Scan(...any) error }) (*Campaign, error) {
	var c Campaign
	var target, starts, ends string
	if err := row.Scan(&c.ID, &c.Name, &c.RegionCode, &target, &starts, &ends, &c.CreatedBy, &c.CreatedAt); err != nil {
		return nil, err
	}
	if err := json.Unmarshal([]byte(target), &c.Target); err != nil {
		return nil, err
	}
	c.StartsOn, _ = civil.ParseDate(starts)
	c.EndsOn, _ = civil.ParseDate(ends)
	return &c, nil
}

// campaignFor reads campaign id for p with its counts within p's scope: not found when it does
// not overlap p's scope.
func (s *Store) campaignFor(ctx context.Context, q db.Querier, p *auth.Principal, id int64) (*Campaign, error) {
	cond, args := campaignOverlap(p)
	c, err := readCampaign(q.QueryRow(ctx, `SELECT `+campaignSelect+` FROM monitor_campaigns WHERE id = ? AND `+cond,
		append([]any{id}, args...)...))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, apperr.Msg(apperr.NotFound, "monitor.campaign_notfound")
	}
	if err != nil {
		return nil, err
	}
	return c, s.countTasks(ctx, q, p, c)
}

// countTasks fills c's counts with its tasks within p's scope.
func (s *Store) countTasks(ctx context.Context, q db.Querier, p *auth.Principal, c *Campaign) error {
	scope, args := p.ScopeCondition("region_code")
	return q.QueryRow(ctx, `SELECT COUNT(*), COALESCE(SUM(CASE WHEN state = 'done' THEN 1 ELSE 0 END), 0),
		COALESCE(SUM(persons), 0) FROM monitor_tasks WHERE campaign_id = ? AND `+scope, append([]any{c.ID}, args...)...).
		Scan(&c.Tasks, &c.Done, &c.Persons)
}

// Campaigns lists the campaigns that overlap p's scope, newest first, each with its counts
// limited to the tasks within that scope.
func (s *Store) Campaigns(ctx context.Context, p *auth.Principal) ([]Campaign, error) {
	if !p.Can(auth.MonitorView) {
		return nil, apperr.Msg(apperr.Forbidden, "monitor.forbidden")
	}
	cond, args := campaignOverlap(p)
	rows, err := s.DB.Query(ctx, `SELECT `+campaignSelect+` FROM monitor_campaigns WHERE `+cond+` ORDER BY id DESC`, args...)
	if err != nil {
		return nil, err
	}
	out := []Campaign{}
	for rows.Next() {
		c, err := readCampaign(rows)
		if err != nil {
			rows.Close()
			return nil, err
		}
		out = append(out, *c)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, err
	}
	for i := range out {
		if err := s.countTasks(ctx, s.DB, p, &out[i]); err != nil {
			return nil, err
		}
	}
	return out, nil
}
