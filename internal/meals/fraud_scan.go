package meals

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"

	"github.com/minzheng/minzheng/internal/apperr"
	"github.com/minzheng/minzheng/internal/auth"
	"github.com/minzheng/minzheng/internal/civil"
	"github.com/minzheng/minzheng/internal/db"
	"github.com/minzheng/minzheng/internal/region"
)

// FraudReport is what a scan found over a period: how many meals it read and, by rule, the
// flags the rules raise (New of them recorded now, the rest already there from an earlier scan).
type FraudReport struct {
	From, To civil.Date
	// Scope is the region prefix whose meals were flagged ("" the whole city).
	Scope string
	Meals int
	Found map[string]int
	New   map[string]int
}

// NewFlags is the number of flags the scan recorded.
func (r FraudReport) NewFlags() int {
	n := 0
	for _, v := range r.New {
		n += v
	}
	return n
}

// maxFraudScanDays bounds a scan's period: the job scans a day or a month, a person a month.
const maxFraudScanDays = 366

// ScanFraud runs every anti-fraud rule, with the thresholds in force for each meal's day and
// region, over the meals served from from to to (both included) anywhere, and records a flag
// for each meal and rule that fires.
// Re-running it is harmless: a meal keeps the flag (and its review) it already has for a rule.
// This is what the daily job calls.
func (s *Store) ScanFraud(ctx context.Context, from, to civil.Date) (FraudReport, error) {
	return s.ScanFraudWith(ctx, FraudRules(), from, to)
}

// ScanFraudWith is ScanFraud with the given rules only (a test checks one rule at a time). The
// thresholds still come from the policy parameters the rules name: other values are entered as
// parameter rows, not passed here. It is recorded in the audit log as the system's act.
func (s *Store) ScanFraudWith(ctx context.Context, rules []FraudRule, from, to civil.Date) (FraudReport, error) {
	seen := map[string]bool{}
	for _, r := range rules {
		if err := checkFraudRule(r); err != nil {
			return FraudReport{}, err
		}
		if seen[r.ID] {
			return FraudReport{}, fmt.Errorf("fraud rules: rule %q given twice", r.ID)
		}
		seen[r.ID] = true
	}
	return s.scanFraud(ctx, auth.System(), rules, from, to, "")
}

// ScanFraudFor is the "scan now" of the flags page: every rule over month m, up to today,
// flagging only the meals of canteens in p's area (the rules still read every meal, so a card
// used in two districts is seen from both). It needs the right to review flags (MealsSettle).
func (s *Store) ScanFraudFor(ctx context.Context, p *auth.Principal, m civil.Month) (FraudReport, error) {
	if !p.Can(auth.MealsSettle) {
		return FraudReport{}, apperr.Msg(apperr.Forbidden, "meals.forbidden")
	}
	today := s.today()
	if m.IsZero() || m.FirstDay().After(today) {
		return FraudReport{}, apperr.FieldMsg("month", "meals.fraud.month_invalid")
	}
	to := m.LastDay()
	if to.After(today) {
		to = today
	}
	scope := p.Scope.Code()
	if p.Scope != region.Nationwide && p.Scope.Level() == 0 {
		return FraudReport{}, apperr.Msg(apperr.Forbidden, "meals.forbidden")
	}
	return s.scanFraud(ctx, p, FraudRules(), m.FirstDay(), to, scope)
}

// scanFraud reads the period, runs the rules and records the new flags of meals within scope,
// all in one transaction with its audit event.
func (s *Store) scanFraud(ctx context.Context, p *auth.Principal, rules []FraudRule, from, to civil.Date, scope string) (FraudReport, error) {
	rep := FraudReport{From: from, To: to, Scope: scope, Found: map[string]int{}, New: map[string]int{}}
	if from.IsZero() || to.Before(from) || to.AddDays(-maxFraudScanDays).After(from) {
		return rep, apperr.FieldMsg("from", "meals.fraud.period_invalid", maxFraudScanDays)
	}
	set, err := s.fraudParamSet(ctx)
	if err != nil {
		return rep, err
	}
	d, err := s.loadFraudScan(ctx, rules, newFraudThresholds(set, rules), from, to)
	if err != nil {
		return rep, err
	}
	inScope := func(m *fraudMeal) bool { return m.inPeriod && strings.HasPrefix(m.region, scope) }
	for i := range d.meals {
		if inScope(&d.meals[i]) {
			rep.Meals++
		}
	}
	var hits []fraudHit
	for i := range rules {
		d.evaluate(&rules[i], func(h fraudHit) {
			if inScope(h.meal) {
				hits = append(hits, h)
				rep.Found[h.rule]++
			}
		})
	}
	if d.limits.err != nil { // a threshold could not be resolved: nothing is recorded
		return rep, d.limits.err
	}
	err = s.DB.InTx(ctx, func(tx *db.Tx) error {
		if err := s.insertFraudFlags(ctx, tx, hits, rep.New); err != nil {
			return err
		}
		_, err := s.Audit.Append(ctx, tx, event(p, "meals.fraud.scan", "meal_flags", 0, scope,
			map[string]any{"from": from.String(), "to": to.String(), "meals": rep.Meals, "found": rep.Found, "new": rep.New}))
		return err
	})
	return rep, err
}

// fraudFlagBatch is how many flags one INSERT carries (8 parameters each, far below either
// engine's limit).
const fraudFlagBatch = 400

// insertFraudFlags records hits, skipping the (meal, rule) pairs already flagged, and counts the
// new ones by rule.
func (s *Store) insertFraudFlags(ctx context.Context, tx *db.Tx, hits []fraudHit, added map[string]int) error {
	now := s.stamp()
	for start := 0; start < len(hits); start += fraudFlagBatch {
		chunk := hits[start:min(start+fraudFlagBatch, len(hits))]
		args := make([]any, 0, len(chunk)*8)
		for _, h := range chunk {
			ev, err := json.Marshal(h.evidence)
			if err != nil {
				return err
			}
			args = append(args, h.meal.id, h.meal.canteen, h.meal.region, h.meal.day.String(), h.rule, string(ev), FlagOpen, now)
		}
		rows, err := tx.Query(ctx, `INSERT INTO meal_flags (transaction_id, canteen_id, region_code, served_on, rule, evidence,
			status, created_at) VALUES `+strings.TrimSuffix(strings.Repeat("(?, ?, ?, ?, ?, ?, ?, ?), ", len(chunk)), ", ")+`
			ON CONFLICT (transaction_id, rule) DO NOTHING RETURNING rule`, args...)
		if err != nil {
			return err
		}
		for rows.Next() {
			var rule string
			if err := rows.Scan(&rule); err != nil {
				rows.Close()
				return err
			}
			added[rule]++
		}
		if err := rows.Close(); err != nil {
			return err
		}
		if err := rows.Err(); err != nil {
			return err
		}
	}
	return nil
}
