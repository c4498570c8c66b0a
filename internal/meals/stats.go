package meals

import (
	"context"
	"fmt"
	"slices"
	"strings"

	"github.com/minzheng/minzheng/internal/auth"
	"github.com/minzheng/minzheng/internal/civil"
	"github.com/minzheng/minzheng/internal/money"
	"github.com/minzheng/minzheng/internal/region"
)

// Statistics of meal assistance (the issue's "meals served, person-times, diners, canteens,
// subsidy by source, by district and month"). A meal counts where it was served — its canteen's
// region, as recorded on the meal — and in the month of its day; only meals with status 'served'
// count. Registered canteens and diners are those registered by the end of each period (diners by
// their home region), whatever their status since: canteens keep no date of closing, and the
// diners' dates of death or leaving (died_on, left_on) are not used here yet.
//
// A city's year is three million meals, too many to read for every page: the figures come from
// parts, one per canteen, region and month, each with the set of its diners' ids (stats_part.go).
// A closed month's parts are summed once and kept (stats_summary.go, migration 0018), so a year
// reads some fifteen thousand rows; the month still running, and a closed one whose summary a
// writer moved while it was being summed, are counted from the meals in one grouped pass
// (stats_live.go). Distinct counts cannot be added up — one person eats in two districts or two
// months — so every cell's, region's, month's and the total's diners and canteens are counted
// once over the union of its parts' sets (stats_tally.go); every other figure is a sum. The
// filter is checked in stats_query.go; registered canteens and diners are in stats_rows.go.

// StatsMaxMonths bounds a statistics range: ten years of monthly rows is already a large table.
const StatsMaxMonths = 120

// StatsFilter says what statistics cover: the months From to To (inclusive) and the region whose
// direct children are the rows ("" for the caller's scope).
type StatsFilter struct {
	From, To civil.Month
	Region   string
}

// StatsRow holds the figures of one region (or all of them) over one month (or the whole range).
type StatsRow struct {
	// Region is the row's region code; "" in a row that sums every region.
	Region string
	// Month is the row's month; zero in a row over the whole range.
	Month civil.Month
	// Meals counts meals served (人次); Diners the distinct persons who ate (人数).
	Meals, Diners int
	// Canteens counts canteens that served at least one meal; CanteensRegistered those registered
	// by the end of the period, and DinersRegistered the diners living there registered by then.
	Canteens, CanteensRegistered, DinersRegistered int
	// OnlineMeals were ordered online (by the elderly or a relative); DeliveredMeals are online
	// orders brought to the diner's home.
	OnlineMeals, DeliveredMeals int
	// Price is what the meals cost; DinerPaid what the diners paid; City, District and Street what
	// each funding source paid.
	Price, DinerPaid, City, District, Street money.Fen
}

// Subsidy is what the funding sources paid together.
func (r StatsRow) Subsidy() money.Fen { return r.City + r.District + r.Street }

// OnlinePercent is the share of meals ordered online, in whole percent rounded down.
func (r StatsRow) OnlinePercent() int {
	if r.Meals == 0 {
		return 0
	}
	return r.OnlineMeals * 100 / r.Meals
}

// add sums the additive figures of o into r.
func (r *StatsRow) add(o *StatsRow) {
	r.Meals += o.Meals
	r.OnlineMeals += o.OnlineMeals
	r.DeliveredMeals += o.DeliveredMeals
	r.Price += o.Price
	r.DinerPaid += o.DinerPaid
	r.City += o.City
	r.District += o.District
	r.Street += o.Street
}

// Stats are the figures of a region's children over a range of months.
type Stats struct {
	From, To civil.Month
	// Region is the region the rows lie below; Level the level of the rows (a community's
	// statistics have the community itself as their one row).
	Region string
	Level  region.Level
	// CanteenID is set when the figures are one canteen's: a canteen operator's own.
	CanteenID int64
	// ByRegion has one row per child region over the whole range, in code order; ByMonth one row
	// per month over all of them; Cells one row per child region and month, by region then month.
	ByRegion, ByMonth, Cells []StatsRow
	// Total is every meal of the region over the range.
	Total StatsRow
}

// statsCellKey names a row of one region in one month.
type statsCellKey struct {
	region string
	month  civil.Month
}

// Stats counts the meals of filter.Region (by default p's scope) from filter.From to filter.To,
// by child region and by month. Staff see their area; a canteen operator sees their own canteen's
// meals only. A region outside p's scope is not found.
func (s *Store) Stats(ctx context.Context, p *auth.Principal, f StatsFilter) (*Stats, error) {
	q, err := s.statsQuery(ctx, p, f)
	if err != nil {
		return nil, err
	}
	parts, err := s.statsParts(ctx, q)
	if err != nil {
		return nil, err
	}
	t := q.tally(parts)
	if err := q.registered(ctx, s.DB, t.cells); err != nil {
		return nil, fmt.Errorf("count the registered canteens and diners: %w", err)
	}
	st := &Stats{From: f.From, To: f.To, Region: q.region, Level: q.level, CanteenID: q.canteen}
	byRegion, byMonth := map[string]*StatsRow{}, map[civil.Month]*StatsRow{}
	for _, code := range q.children {
		byRegion[code] = &StatsRow{Region: code}
	}
	for _, m := range q.months {
		byMonth[m] = &StatsRow{Month: m}
	}
	for c, row := range t.cells {
		r, ok := byRegion[c.region]
		if !ok {
			r = &StatsRow{Region: c.region}
			byRegion[c.region] = r
		}
		r.add(row)
		byMonth[c.month].add(row)
		byMonth[c.month].CanteensRegistered += row.CanteensRegistered
		byMonth[c.month].DinersRegistered += row.DinersRegistered
		st.Total.add(row)
		if c.month == f.To {
			r.CanteensRegistered, r.DinersRegistered = row.CanteensRegistered, row.DinersRegistered
		}
	}
	st.Total.CanteensRegistered, st.Total.DinersRegistered = byMonth[f.To].CanteensRegistered, byMonth[f.To].DinersRegistered
	st.Total.Diners, st.Total.Canteens = t.all.diners, t.all.canteens
	for code, r := range byRegion {
		r.Diners, r.Canteens = t.regions[code].diners, t.regions[code].canteens
		st.ByRegion = append(st.ByRegion, *r)
	}
	slices.SortFunc(st.ByRegion, func(a, b StatsRow) int { return strings.Compare(a.Region, b.Region) })
	for _, m := range q.months {
		r := byMonth[m]
		r.Diners, r.Canteens = t.months[m].diners, t.months[m].canteens
		st.ByMonth = append(st.ByMonth, *r)
	}
	for _, r := range st.ByRegion {
		for _, m := range q.months {
			if c, ok := t.cells[statsCellKey{r.Region, m}]; ok {
				st.Cells = append(st.Cells, *c)
			}
		}
	}
	return st, nil
}

// MealsBelow counts the meals served this month (by the store's clock) below each direct child of
// parent: the home page's live column of meals (a web.Indicator's Count). Like Stats, it reads
// the month's closed days from their summaries.
func (s *Store) MealsBelow(ctx context.Context, parent string) (map[string]int, error) {
	out := map[string]int{}
	next := region.LevelOf(parent) + 1
	if parent != "" && region.ValidCode(parent) != nil || next > region.Community {
		return out, nil
	}
	q := &statsQuery{region: parent, width: next.Len(), to: s.today()}
	q.from = civil.MonthOf(q.to).FirstDay()
	parts, err := s.statsParts(ctx, q)
	if err != nil {
		return nil, err
	}
	for _, p := range parts {
		if p.row.Meals > 0 {
			out[p.region[:min(len(p.region), q.width)]] += p.row.Meals
		}
	}
	return out, nil
}
