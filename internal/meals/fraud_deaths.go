package meals

import (
	"context"
	"encoding/json"
	"time"

	"github.com/minzheng/minzheng/internal/civil"
	"github.com/minzheng/minzheng/internal/db"
)

// Where a death is known from.
//
// Dynamic monitoring reads the public security bureau's death file and the funeral homes'
// cremation file every month, but keeps no table of the rows it read: a row only leaves a trace
// when a rule turns it into a warning, and the death rules (covered_death, earner_death) only
// fire for people in the low-income population database. Such a warning carries the person's
// keyed ID hash (the same HMAC as diners.id_hash: both use pii.Keyring.Hash of kind
// pii.IDNumber) and, in its evidence, the row's date of death (death_date) or of cremation
// (cremated_on, a bound: death was no later). So a diner who is in that database and died is
// found here with a date; a diner who is not — most of the elderly — is not, and only the
// staff's marking (diners.status 'deceased' with the date of death in diners.died_on, set by
// Store.SetDinerStatus) and the counter's own flag remain. A marking's date of death stands as
// the start of the next day (China time), so that every meal recorded after the day of death is
// flagged, including those served before the office learnt of it, and none of the day itself (the
// person may have eaten lunch and died that evening), as with monitoring's dates. A marking
// without a date (made before died_on existed) falls back on the time the record was last
// changed. A warning dismissed after the visit (a wrong match) does not count.
//
// Reading monitor_warnings from this package is a shortcut across the module boundary,
// confined to this one query: the clean form is a small exported function of package monitor
// (deaths by ID hash), which the monitoring module does not have yet.

// loadFraudDeaths returns what is known of the deaths of diners: monitoring's dates (the earliest
// when several warnings report one) and the staff's markings (from the day after the date of
// death, else from the record's last change).
func loadFraudDeaths(ctx context.Context, q db.Querier, rules []FraudRule) (map[int64]fraudDeath, error) {
	out := map[int64]fraudDeath{}
	var monitorRules, fields []string
	for _, r := range rules {
		if r.Kind == KindDeceased {
			monitorRules = append(monitorRules, r.MonitorRules...)
			fields = append(fields, r.DeathFields...)
		}
	}
	if len(monitorRules) > 0 {
		if err := monitorFraudDeaths(ctx, q, monitorRules, fields, out); err != nil {
			return nil, err
		}
	}
	rows, err := q.Query(ctx, `SELECT id, died_on, updated_at FROM diners WHERE status = ?`, DinerDeceased)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	for rows.Next() {
		var id int64
		var died civil.Date
		var updated string
		if err := rows.Scan(&id, &died, &updated); err != nil {
			return nil, err
		}
		dt := out[id]
		if died.IsZero() {
			dt.marked, _ = db.ParseTime(updated)
		} else {
			dt.marked, dt.staffDate = staffDeathFrom(died), died
		}
		out[id] = dt
	}
	return out, rows.Err()
}

// staffDeathFrom is when the meals of a diner whom the staff recorded as having died on day died
// start to be flagged: the start of the next day, China time.
func staffDeathFrom(died civil.Date) time.Time { return died.AddDays(1).Time(civil.China) }

// monitorFraudDeaths adds the dates of death that monitoring warnings of the given rules report
// about diners, read from the first of fields the evidence holds.
func monitorFraudDeaths(ctx context.Context, q db.Querier, rules, fields []string, out map[int64]fraudDeath) error {
	in, args := db.In("w.rule", rules)
	rows, err := q.Query(ctx, `SELECT d.id, w.id, w.rule, w.evidence FROM monitor_warnings w
		JOIN diners d ON d.id_hash = w.subject_hash
		WHERE `+in+`
		AND NOT (w.state = 'closed' AND w.outcome = 'dismiss')`, args...)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		var diner, warning int64
		var rule, evidence string
		if err := rows.Scan(&diner, &warning, &rule, &evidence); err != nil {
			return err
		}
		date, field, ok := fraudDeathDate(evidence, fields)
		if !ok {
			continue
		}
		if dt := out[diner]; dt.date.IsZero() || date.Before(dt.date) {
			out[diner] = fraudDeath{date: date, field: field, warning: warning, monitorRule: rule, marked: dt.marked}
		}
	}
	return rows.Err()
}

// fraudDeathDate reads the first of fields that a warning's evidence (a JSON object of text values)
// holds as a date.
func fraudDeathDate(evidence string, fields []string) (civil.Date, string, bool) {
	var ev map[string]any
	if err := json.Unmarshal([]byte(evidence), &ev); err != nil {
		return civil.Date{}, "", false
	}
	for _, f := range fields {
		s, _ := ev[f].(string)
		if d, err := civil.ParseDate(s); err == nil && s != "" {
			return d, f, true
		}
	}
	return civil.Date{}, "", false
}
