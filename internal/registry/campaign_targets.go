package registry

import (
	"context"
	"fmt"
	"strings"

	"github.com/minzheng/minzheng/internal/apperr"
	"github.com/minzheng/minzheng/internal/auth"
	"github.com/minzheng/minzheng/internal/civil"
	"github.com/minzheng/minzheng/internal/db"
)

// CampaignQuery names the target group of a screening campaign (专项排查) of the monitoring
// module: the households of an area that hold one of some tiers, optionally only those with an
// elderly member.
type CampaignQuery struct {
	Region string // region code prefix; narrowed to the caller's scope
	Tiers  []Tier // a tier in force of the household or of one of its members
	// MinAge, when above 0, keeps households with a member at least this old on AgeOn (today
	// when zero).
	MinAge int
	AgeOn  civil.Date
}

// CampaignHousehold is one household of a campaign's target group: where it lives (its
// community, by which tasks are grouped) and how many people it has (the persons to visit).
type CampaignHousehold struct {
	HouseholdID int64
	RegionCode  string
	Persons     int
}

// CampaignHouseholds lists the households of c's target group within p's scope, by region and
// id. It runs on q so that the monitoring module can read the group and write the campaign's
// tasks in one transaction; that module never reads the registry's tables itself. A tier "in
// force" is one without an end date, as everywhere in the registry. A household counts as old
// enough by the same rule as Person.AgeOn, compared as text so that a birthday on 29 February
// is handled exactly.
func (s *Store) CampaignHouseholds(ctx context.Context, q db.Querier, p *auth.Principal, c CampaignQuery) ([]CampaignHousehold, error) {
	if len(c.Tiers) == 0 {
		return nil, apperr.FieldMsg("tiers", "registry.tier_invalid")
	}
	for _, t := range c.Tiers {
		if !validTier(t) {
			return nil, apperr.FieldMsg("tiers", "registry.tier_invalid")
		}
	}
	if c.AgeOn.IsZero() {
		c.AgeOn = s.today()
	}
	if strings.Trim(c.Region, "0123456789") != "" {
		return nil, apperr.FieldMsg("region", "registry.region_filter")
	}
	prefix, ok := narrowTo(p, c.Region)
	if !ok {
		return nil, nil
	}
	where, args := db.PrefixRange("h.region_code", prefix)
	where += ` AND EXISTS (SELECT 1 FROM tiers t WHERE t.household_id = h.id AND t.valid_to = '' AND t.tier IN (?` +
		strings.Repeat(", ?", len(c.Tiers)-1) + `))`
	for _, t := range c.Tiers {
		args = append(args, string(t))
	}
	if c.MinAge > 0 {
		where += ` AND EXISTS (SELECT 1 FROM persons o WHERE o.household_id = h.id AND o.birth_date <= ?)`
		args = append(args, fmt.Sprintf("%04d-%02d-%02d", c.AgeOn.Year-c.MinAge, int(c.AgeOn.Month), c.AgeOn.Day))
	}
	rows, err := q.Query(ctx, `SELECT h.id, h.region_code, (SELECT COUNT(*) FROM persons m WHERE m.household_id = h.id)
		FROM households h WHERE `+where+` ORDER BY h.region_code, h.id`, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []CampaignHousehold
	for rows.Next() {
		var h CampaignHousehold
		if err := rows.Scan(&h.HouseholdID, &h.RegionCode, &h.Persons); err != nil {
			return nil, err
		}
		out = append(out, h)
	}
	return out, rows.Err()
}

// narrowTo is the region prefix that is both within p's scope and within region ("" = the whole
// scope); false when they do not overlap or the scope is malformed, so nothing is seen.
func narrowTo(p *auth.Principal, region string) (string, bool) {
	scope := p.Scope.Code()
	if p.Scope.Level() == 0 && scope != "" {
		return "", false
	}
	switch {
	case strings.HasPrefix(region, scope):
		return region, true
	case strings.HasPrefix(scope, region):
		return scope, true
	}
	return "", false
}
