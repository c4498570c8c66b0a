package meals

import (
	"context"
	"slices"
	"strings"
	"time"

	"github.com/minzheng/minzheng/internal/apperr"
	"github.com/minzheng/minzheng/internal/auth"
	"github.com/minzheng/minzheng/internal/civil"
	"github.com/minzheng/minzheng/internal/db"
	"github.com/minzheng/minzheng/internal/money"
	"github.com/minzheng/minzheng/internal/region"
)

// Statistics of meal assistance (the issue's "meals served, person-times, diners, canteens,
// subsidy by source, by district and month"). A meal counts where it was served — its canteen's
// region, as recorded on the meal — and in the month of its day; only meals with status 'served'
// count. Registered canteens and diners are those registered by the end of each period (diners by
// their home region), whatever their status since: the tables keep no date of closing or leaving.
//
// The figures of the meals come from one grouped pass over them, never a query per region or
// meal: grouped by diner, canteen, child region and month, in diner order, which is few enough
// rows for Go to add up into the cells and to count each diner and canteen once per cell, per
// region over the range, per month and in all. Distinct counts cannot be added up — one person
// eats in two districts or two months — so a total's diners and canteens are counted, not summed;
// every other figure of a total is the sum of its rows. Below the city the pass is driven from the
// region's canteens through the index meal_transactions (canteen_id, served_on), so a district's
// month reads that district's meals of that month only; for the whole city a plain scan of the
// months' meals is cheaper than an index probe per meal.

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
	sc, err := q.scan(ctx, s.DB)
	if err != nil {
		return nil, err
	}
	if err := q.delivered(ctx, s.DB, sc.cells); err != nil {
		return nil, err
	}
	if err := q.registered(ctx, s.DB, sc.cells); err != nil {
		return nil, err
	}
	st := &Stats{From: f.From, To: f.To, Region: q.region, Level: q.level, CanteenID: q.canteen}
	byRegion, byMonth := map[string]*StatsRow{}, map[civil.Month]*StatsRow{}
	for _, code := range q.children {
		byRegion[code] = &StatsRow{Region: code}
	}
	for _, m := range q.months {
		byMonth[m] = &StatsRow{Month: m}
	}
	for c, row := range sc.cells {
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
	st.Total.Diners, st.Total.Canteens = sc.diners.all, len(sc.canteens.all)
	for code, r := range byRegion {
		r.Diners, r.Canteens = sc.diners.region[code], len(sc.canteens.region[code])
		st.ByRegion = append(st.ByRegion, *r)
	}
	slices.SortFunc(st.ByRegion, func(a, b StatsRow) int { return strings.Compare(a.Region, b.Region) })
	for _, m := range q.months {
		r := byMonth[m]
		r.Diners, r.Canteens = sc.diners.month[m], len(sc.canteens.month[m])
		st.ByMonth = append(st.ByMonth, *r)
	}
	for _, r := range st.ByRegion {
		for _, m := range q.months {
			if c, ok := sc.cells[statsCellKey{r.Region, m}]; ok {
				st.Cells = append(st.Cells, *c)
			}
		}
	}
	return st, nil
}

// statsScan is what one pass over the meals gives: the cells' figures, and who ate (and which
// canteens served) in each cell, each region over the range, each month and in all.
type statsScan struct {
	cells map[statsCellKey]*StatsRow
	// diners counts distinct diners; canteens holds the distinct canteens, few enough to keep.
	diners struct {
		region map[string]int
		month  map[civil.Month]int
		all    int
	}
	canteens struct {
		cell   map[statsCellKey]map[int64]bool
		region map[string]map[int64]bool
		month  map[civil.Month]map[int64]bool
		all    map[int64]bool
	}
}

// scan makes the one pass over the query's meals. Its rows come in diner order, so each diner's
// cells, regions and months are gathered one diner at a time and counted once.
func (q *statsQuery) scan(ctx context.Context, d *db.DB) (*statsScan, error) {
	from, where, args := q.source()
	rows, err := d.Query(ctx, `SELECT t.diner_id, t.canteen_id, substr(t.region_code, 1, ?), substr(t.served_on, 1, 7),
		COUNT(*), SUM(t.price_fen), SUM(t.diner_pays_fen), SUM(t.city_fen), SUM(t.district_fen), SUM(t.street_fen),
		SUM(CASE WHEN t.channel = 'online' THEN 1 ELSE 0 END)
		FROM `+from+` WHERE `+where+` GROUP BY 1, 2, 3, 4 ORDER BY 1`, append([]any{q.width}, args...)...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	sc := &statsScan{cells: map[statsCellKey]*StatsRow{}}
	sc.diners.region, sc.diners.month = map[string]int{}, map[civil.Month]int{}
	sc.canteens.cell, sc.canteens.region = map[statsCellKey]map[int64]bool{}, map[string]map[int64]bool{}
	sc.canteens.month, sc.canteens.all = map[civil.Month]map[int64]bool{}, map[int64]bool{}
	// One diner's cells, regions and months so far.
	cur := int64(-1)
	cells, regions, months := map[statsCellKey]bool{}, map[string]bool{}, map[civil.Month]bool{}
	flush := func() {
		for k := range cells {
			sc.cells[k].Diners++
		}
		for r := range regions {
			sc.diners.region[r]++
		}
		for m := range months {
			sc.diners.month[m]++
		}
		if cur >= 0 {
			sc.diners.all++
		}
		clear(cells)
		clear(regions)
		clear(months)
	}
	for rows.Next() {
		var diner, canteen int64
		var k statsCellKey
		var month string
		var r StatsRow
		var price, paid, city, district, street int64
		if err := rows.Scan(&diner, &canteen, &k.region, &month, &r.Meals, &price, &paid, &city, &district, &street,
			&r.OnlineMeals); err != nil {
			return nil, err
		}
		k.month, _ = civil.ParseMonth(month)
		r.Price, r.DinerPaid, r.City, r.District, r.Street = money.Fen(price), money.Fen(paid), money.Fen(city),
			money.Fen(district), money.Fen(street)
		if diner != cur {
			flush()
			cur = diner
		}
		statsCell(sc.cells, k).add(&r)
		cells[k], regions[k.region], months[k.month] = true, true, true
		statsMark(sc.canteens.cell, k, canteen)
		statsMark(sc.canteens.region, k.region, canteen)
		statsMark(sc.canteens.month, k.month, canteen)
		sc.canteens.all[canteen] = true
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	flush()
	for k, set := range sc.canteens.cell {
		sc.cells[k].Canteens = len(set)
	}
	return sc, nil
}

// statsMark adds canteen to the set of key.
func statsMark[K comparable](sets map[K]map[int64]bool, key K, canteen int64) {
	if sets[key] == nil {
		sets[key] = map[int64]bool{}
	}
	sets[key][canteen] = true
}

// statsQuery is a checked filter: the region, the level and code width of the rows, the region's
// children, the days and months, and the canteen of an operator.
type statsQuery struct {
	region   string
	level    region.Level
	width    int
	children []string
	from, to civil.Date
	months   []civil.Month
	canteen  int64
}

// statsQuery checks f against p — who may read statistics, a sound range, a region in scope —
// and lists the region's children, which are rows even when nothing happened there.
func (s *Store) statsQuery(ctx context.Context, p *auth.Principal, f StatsFilter) (*statsQuery, error) {
	q := &statsQuery{}
	switch {
	case p != nil && p.Role == auth.CanteenOperator:
		if p.OrgID == 0 {
			return nil, apperr.Msg(apperr.Forbidden, "meals.forbidden")
		}
		q.canteen = p.OrgID
	case !readsByRegion(p):
		return nil, apperr.Msg(apperr.Forbidden, "meals.forbidden")
	}
	switch {
	case f.From.IsZero():
		return nil, apperr.FieldMsg("from", "meals.stats.bad_month")
	case f.To.IsZero():
		return nil, apperr.FieldMsg("to", "meals.stats.bad_month")
	case f.To.Before(f.From) || f.From.AddMonths(StatsMaxMonths-1).Before(f.To):
		return nil, apperr.FieldMsg("to", "meals.stats.bad_range", StatsMaxMonths)
	}
	q.region = strings.TrimSpace(f.Region)
	if q.region == "" {
		q.region = p.Scope.Code()
	}
	if q.region != "" && region.ValidCode(q.region) != nil {
		return nil, apperr.FieldMsg("region", "meals.stats.bad_region")
	}
	if !p.Sees(q.region) {
		return nil, apperr.Msg(apperr.NotFound, "meals.stats.region_notfound")
	}
	q.level = min(region.LevelOf(q.region)+1, region.Community)
	q.width = q.level.Len()
	q.from, q.to = f.From.FirstDay(), f.To.LastDay()
	for m := f.From; !m.After(f.To); m = m.Next() {
		q.months = append(q.months, m)
	}
	if q.canteen != 0 {
		return q, nil // an operator's rows are where their canteen is, not every community around it
	}
	if q.level == region.LevelOf(q.region) {
		q.children = []string{q.region}
		return q, nil
	}
	where, args := `parent_code = ?`, []any{q.region}
	if q.region == "" {
		where, args = `parent_code IS NULL`, nil
	}
	rows, err := s.DB.Query(ctx, `SELECT code FROM regions WHERE `+where+` ORDER BY code`, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	for rows.Next() {
		var code string
		if err := rows.Scan(&code); err != nil {
			return nil, err
		}
		q.children = append(q.children, code)
	}
	return q, rows.Err()
}

// source is the tables and condition of the meals (alias t) served in the query's region, days
// and canteen. Below the city, and for one canteen, they are reached from their canteens (alias c)
// through the index on (canteen_id, served_on); a canteen that moved keeps its meals where they
// were served (t.region_code), and both must lie in the region.
func (q *statsQuery) source() (string, string, []any) {
	tc, args := db.PrefixRange("t.region_code", q.region)
	where := tc + ` AND t.served_on >= ? AND t.served_on <= ? AND t.status = 'served'`
	args = append(args, q.from.String(), q.to.String())
	if q.canteen == 0 && region.LevelOf(q.region) < region.County {
		return `meal_transactions t`, where, args
	}
	cc, cargs := db.PrefixRange("c.region_code", q.region)
	where = cc + ` AND ` + where
	args = append(cargs, args...)
	if q.canteen != 0 {
		where += ` AND c.id = ?`
		args = append(args, q.canteen)
	}
	return `canteens c JOIN meal_transactions t ON t.canteen_id = c.id`, where, args
}

// delivered counts the query's meals that were online orders delivered home, into cells.
func (q *statsQuery) delivered(ctx context.Context, d *db.DB, cells map[statsCellKey]*StatsRow) error {
	// Driven from the orders (CROSS JOIN keeps SQLite's planner to that order): there are far
	// fewer of them than meals, and each finds its meal by primary key.
	tc, args := db.PrefixRange("t.region_code", q.region)
	where := tc
	if q.canteen != 0 {
		where += ` AND o.canteen_id = ?`
		args = append(args, q.canteen)
	}
	rows, err := d.Query(ctx, `SELECT substr(t.region_code, 1, ?), substr(t.served_on, 1, 7), COUNT(*)
		FROM meal_orders o CROSS JOIN meal_transactions t
		WHERE t.id = o.transaction_id AND o.meal_day >= ? AND o.meal_day <= ? AND o.status = 'served' AND o.delivery = ?
		AND t.served_on >= ? AND t.served_on <= ? AND t.status = 'served' AND `+where+` GROUP BY 1, 2`,
		append([]any{q.width, q.from.String(), q.to.String(), true, q.from.String(), q.to.String()}, args...)...)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		var k statsCellKey
		var month string
		var n int
		if err := rows.Scan(&k.region, &month, &n); err != nil {
			return err
		}
		k.month, _ = civil.ParseMonth(month)
		statsCell(cells, k).DeliveredMeals += n
	}
	return rows.Err()
}

// registered counts, for every cell, the canteens registered in the region by the end of its
// month and the diners living there registered by then (not for an operator, who reads no
// register of diners).
func (q *statsQuery) registered(ctx context.Context, d *db.DB, cells map[statsCellKey]*StatsRow) error {
	end := statsMonthEnd(q.months[len(q.months)-1])
	cond, args := db.PrefixRange("region_code", q.region)
	if q.canteen != 0 {
		cond += ` AND id = ?`
		args = append(args, q.canteen)
	}
	rows, err := d.Query(ctx, `SELECT substr(region_code, 1, ?), created_at FROM canteens WHERE `+cond+` AND created_at < ?`,
		append(append([]any{q.width}, args...), end)...)
	if err != nil {
		return err
	}
	if err := q.spread(rows, false, func(c *StatsRow, n int) { c.CanteensRegistered += n }, cells); err != nil {
		return err
	}
	if q.canteen != 0 {
		return nil
	}
	// By the hour of registration: a few rows per busy hour instead of one per diner.
	cond, args = db.PrefixRange("home_region", q.region)
	rows, err = d.Query(ctx, `SELECT substr(home_region, 1, ?), substr(created_at, 1, 13), COUNT(*) FROM diners
		WHERE `+cond+` AND created_at < ? GROUP BY 1, 2`, append(append([]any{q.width}, args...), end)...)
	if err != nil {
		return err
	}
	return q.spread(rows, true, func(c *StatsRow, n int) { c.DinersRegistered += n }, cells)
}

// spread adds each row's count (1 when counted is false) to the cells of every month its
// registration time precedes the end of; rows are (region, time or hour, [count]).
func (q *statsQuery) spread(rows interface {
	Next() bool
	Scan(...any) error
	Err() error
	Close() error
}, counted bool, add func(*StatsRow, int), cells map[statsCellKey]*StatsRow) error {
	defer rows.Close()
	ends := make([]time.Time, len(q.months))
	for i, m := range q.months {
		ends[i] = m.Next().FirstDay().Time(civil.China)
	}
	for rows.Next() {
		var code, at string
		n := 1
		dest := []any{&code, &at}
		if counted {
			dest = append(dest, &n)
		}
		if err := rows.Scan(dest...); err != nil {
			return err
		}
		t, err := time.Parse("2006-01-02T15", at[:min(len(at), 13)])
		if err != nil {
			continue
		}
		for i, m := range q.months {
			if t.Before(ends[i]) {
				add(statsCell(cells, statsCellKey{code, m}), n)
			}
		}
	}
	return rows.Err()
}

// statsCell returns the row of k, creating an empty one.
func statsCell(cells map[statsCellKey]*StatsRow, k statsCellKey) *StatsRow {
	c, ok := cells[k]
	if !ok {
		c = &StatsRow{Region: k.region, Month: k.month}
		cells[k] = c
	}
	return c
}

// statsMonthEnd is the stored form of the instant month m ends in China.
func statsMonthEnd(m civil.Month) string {
	return db.FormatTime(m.Next().FirstDay().Time(civil.China))
}

// MealsBelow counts the meals served this month (by the store's clock) below each direct child of
// parent: the home page's live column of meals (a web.Indicator's Count).
func (s *Store) MealsBelow(ctx context.Context, parent string) (map[string]int, error) {
	out := map[string]int{}
	next := region.LevelOf(parent) + 1
	if parent != "" && region.ValidCode(parent) != nil || next > region.Community {
		return out, nil
	}
	q := &statsQuery{region: parent, width: next.Len(), to: s.today()}
	q.from = civil.MonthOf(q.to).FirstDay()
	from, where, args := q.source()
	rows, err := s.DB.Query(ctx, `SELECT substr(t.region_code, 1, ?), COUNT(*) FROM `+from+` WHERE `+where+` GROUP BY 1`,
		append([]any{q.width}, args...)...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	for rows.Next() {
		var code string
		var n int
		if err := rows.Scan(&code, &n); err != nil {
			return nil, err
		}
		out[code] = n
	}
	return out, rows.Err()
}
