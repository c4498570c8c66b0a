package meals

import (
	"context"
	"fmt"

	"github.com/minzheng/minzheng/internal/civil"
	"github.com/minzheng/minzheng/internal/db"
)

// Reading a scan's data: the canteens, the period's meals (and the day before, for a card used
// around midnight), the daily counts the volume rule compares with, and the known deaths. The
// thresholds decide how much history to read, so they are resolved here first: a value out of
// range stops the scan before the database is asked for a year of counts.

// loadFraudScan reads what the rules need: the canteens, the meals of the period (and of the day
// before, for pairs across midnight), the canteens' daily counts over the longest history
// window in force on any day of the period, and the known deaths.
func (s *Store) loadFraudScan(ctx context.Context, rules []FraudRule, limits *fraudThresholds, from, to civil.Date) (*fraudData, error) {
	d := &fraudData{from: from, to: to, canteens: map[int64]*fraudCanteen{}, counts: map[fraudCanteenDay]int{}, limits: limits}
	rows, err := s.DB.Query(ctx, `SELECT id, name, region_code, open_days FROM canteens`)
	if err != nil {
		return nil, err
	}
	for rows.Next() {
		var id int64
		c := &fraudCanteen{}
		if err := rows.Scan(&id, &c.name, &c.region, &c.openDays); err != nil {
			rows.Close()
			return nil, err
		}
		d.canteens[id] = c
	}
	if err := fraudCloseRows(rows); err != nil {
		return nil, err
	}
	if err := s.loadFraudMeals(ctx, d, from.AddDays(-1), to); err != nil {
		return nil, err
	}
	limits.assignRegions(d.meals)
	history, err := d.longestHistory(rules)
	if err != nil {
		return nil, err
	}
	if history > 0 {
		// The days already in memory are counted there; the database counts the rest.
		for i := range d.meals {
			d.counts[fraudCanteenDay{d.meals[i].canteen, d.meals[i].day}]++
		}
		if history > 1 {
			if err := s.loadFraudCounts(ctx, d, from.AddDays(-int(history)), from.AddDays(-2)); err != nil {
				return nil, err
			}
		}
	}
	if d.deaths, err = loadFraudDeaths(ctx, s.DB, rules); err != nil {
		return nil, err
	}
	return d, nil
}

// longestHistory is the longest volume_jump window in force for any meal of the period, which
// bounds the daily counts to read (0 when no such rule runs).
func (d *fraudData) longestHistory(rules []FraudRule) (int64, error) {
	history := int64(0)
	for i := range rules {
		if rules[i].Kind != KindVolumeJump {
			continue
		}
		for j := range d.meals {
			if m := &d.meals[j]; m.inPeriod {
				lim, ok := d.limits.of(&rules[i], m)
				if !ok {
					return 0, d.limits.err
				}
				history = max(history, lim.historyDays)
			}
		}
	}
	return history, nil
}

// fraudPeriod selects the meals served in a period (two parameters: first and last day). The
// schema has no index on the day alone; naming every canteen lets both engines walk the
// (canteen_id, served_on) index instead of reading a year of meals to find one month.
const fraudPeriod = `canteen_id IN (SELECT id FROM canteens) AND served_on >= ? AND served_on <= ? AND status = 'served'`

// loadFraudMeals reads the meals served from first to to; those before d.from are context only.
func (s *Store) loadFraudMeals(ctx context.Context, d *fraudData, first, to civil.Date) error {
	rows, err := s.DB.Query(ctx, `SELECT id, canteen_id, diner_id, region_code, served_on, meal_type, price_fen,
		diner_pays_fen, flags, created_at FROM meal_transactions WHERE `+fraudPeriod,
		first.String(), to.String())
	if err != nil {
		return err
	}
	days := map[string]civil.Date{}
	for rows.Next() {
		var m fraudMeal
		var day, flags, created string
		var price, pays int64
		if err := rows.Scan(&m.id, &m.canteen, &m.diner, &m.region, &day, &m.mealType, &price, &pays, &flags, &created); err != nil {
			rows.Close()
			return err
		}
		dd, ok := days[day]
		if !ok {
			if dd, err = civil.ParseDate(day); err != nil {
				rows.Close()
				return fmt.Errorf("meals: transaction %d: served_on %q: %w", m.id, day, err)
			}
			days[day] = dd
		}
		if m.at, err = db.ParseTime(created); err != nil {
			rows.Close()
			return fmt.Errorf("meals: transaction %d: created_at %q: %w", m.id, created, err)
		}
		m.day, m.subsidised, m.counter, m.inPeriod = dd, pays < price, splitList(flags), !dd.Before(d.from)
		d.meals = append(d.meals, m)
	}
	return fraudCloseRows(rows)
}

// loadFraudCounts reads the meals per canteen and day from first to to, counted by the database.
func (s *Store) loadFraudCounts(ctx context.Context, d *fraudData, first, to civil.Date) error {
	rows, err := s.DB.Query(ctx, `SELECT canteen_id, served_on, COUNT(*) FROM meal_transactions
		WHERE `+fraudPeriod+` GROUP BY canteen_id, served_on`, first.String(), to.String())
	if err != nil {
		return err
	}
	for rows.Next() {
		var k fraudCanteenDay
		var day string
		var n int
		if err := rows.Scan(&k.canteen, &day, &n); err != nil {
			rows.Close()
			return err
		}
		if k.day, err = civil.ParseDate(day); err != nil {
			rows.Close()
			return err
		}
		d.counts[k] = n
	}
	return fraudCloseRows(rows)
}

// fraudCloseRows closes rows and reports the iteration's error.
func fraudCloseRows(rows interface {
	Close() error
	Err() error
}) error {
	if err := rows.Err(); err != nil {
		rows.Close()
		return err
	}
	return rows.Close()
}
