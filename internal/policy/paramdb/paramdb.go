// Package paramdb keeps the policy parameters in the database, so that a city administrator can
// enter next year's standard without a release, and every app process calculates with the same
// values. The policy package itself stays pure; this package is its storage.
package paramdb

import (
	"context"
	"fmt"
	"time"

	"github.com/minzheng/minzheng/internal/apperr"
	"github.com/minzheng/minzheng/internal/audit"
	"github.com/minzheng/minzheng/internal/auth"
	"github.com/minzheng/minzheng/internal/civil"
	"github.com/minzheng/minzheng/internal/db"
	"github.com/minzheng/minzheng/internal/policy"
)

// Store reads and changes the stored parameters.
type Store struct {
	DB    *db.DB
	Audit *audit.Log
	Now   func() time.Time
	// Checks vet every new value before Add stores it. A domain package that can only use a
	// parameter within a range (an anti-fraud cap of zero would flag every meal) supplies one, so
	// the administrator is told at entry rather than when the first calculation fails; a check
	// returns nil for the parameters it does not know.
	Checks []func(policy.Param) error
}

// Seed loads the shipped parameters into an empty table. On a table with rows it adds only the
// parameters whose name the table does not know at all — new in this release — so administrators'
// additions and changes survive upgrades.
func (s *Store) Seed(ctx context.Context) error {
	known := map[string]bool{}
	rows, err := s.DB.Query(ctx, `SELECT DISTINCT name FROM policy_params`)
	if err != nil {
		return err
	}
	for rows.Next() {
		var name string
		if err := rows.Scan(&name); err != nil {
			rows.Close()
			return err
		}
		known[name] = true
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return err
	}
	return s.DB.InTx(ctx, func(tx *db.Tx) error {
		for _, p := range policy.Default().All() {
			if known[p.Name] {
				continue
			}
			if err := insert(ctx, tx, p, "shipped", ""); err != nil {
				return err
			}
		}
		return nil
	})
}

func insert(ctx context.Context, q db.Querier, p policy.Param, by, at string) error {
	_, err := q.Exec(ctx, `INSERT INTO policy_params (name, region_code, hukou, valid_from, valid_to, value, unit, official,
		source, added_by, added_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`, p.Name, p.Region, p.Hukou, p.ValidFrom.String(),
		p.ValidTo.String(), p.Value, string(p.Unit), p.Official, p.Source, by, at)
	return err
}

// Load reads the stored parameters as a validated Set.
func (s *Store) Load(ctx context.Context) (*policy.Set, error) {
	rows, err := s.DB.Query(ctx, `SELECT name, region_code, hukou, valid_from, valid_to, value, unit, official, source FROM policy_params`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var ps []policy.Param
	for rows.Next() {
		var p policy.Param
		var from, to, unit string
		if err := rows.Scan(&p.Name, &p.Region, &p.Hukou, &from, &to, &p.Value, &unit, &p.Official, &p.Source); err != nil {
			return nil, err
		}
		p.Unit = policy.Unit(unit)
		if p.ValidFrom, err = civil.ParseDate(from); err != nil {
			return nil, fmt.Errorf("policy_params %s: %w", p.Name, err)
		}
		if to != "" {
			if p.ValidTo, err = civil.ParseDate(to); err != nil {
				return nil, fmt.Errorf("policy_params %s: %w", p.Name, err)
			}
		}
		ps = append(ps, p)
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	return policy.NewSet(ps)
}

// Add enters a new value of a parameter from its start date, closing the open-ended value it
// follows; a value that would overlap or leave a gap is refused. Only a holder of policy.edit
// may do this, and it is audited with the old and new values.
func (s *Store) Add(ctx context.Context, p *auth.Principal, v policy.Param, ip string) error {
	if !p.Can(auth.PolicyEdit) {
		return apperr.Msg(apperr.Forbidden, "auth.forbidden")
	}
	for _, check := range s.Checks {
		if err := check(v); err != nil {
			return err
		}
	}
	return s.DB.InTx(ctx, func(tx *db.Tx) error {
		current, err := s.Load(ctx)
		if err != nil {
			return err
		}
		if _, err := current.With(v); err != nil {
			return apperr.FieldMsg("valid_from", "policy.rejected", err.Error())
		}
		before, _ := current.Lookup(v.Name, v.Region, v.Hukou, v.ValidFrom)
		if _, err := tx.Exec(ctx, `UPDATE policy_params SET valid_to = ? WHERE name = ? AND region_code = ? AND hukou = ?
			AND valid_to = '' AND valid_from < ?`, v.ValidFrom.String(), v.Name, v.Region, v.Hukou, v.ValidFrom.String()); err != nil {
			return err
		}
		if err := insert(ctx, tx, v, p.Login, db.FormatTime(s.Now().UTC())); err != nil {
			return err
		}
		_, err = s.Audit.Append(ctx, tx, audit.Event{ActorID: p.UserID, Actor: p.Login, Role: string(p.Role), IP: ip,
			Action: "policy.change", TargetType: "policy_param", TargetID: v.Name, RegionCode: v.Region,
			Detail: map[string]any{"name": v.Name, "region": v.Region, "hukou": v.Hukou, "valid_from": v.ValidFrom.String(),
				"value": v.Value, "unit": string(v.Unit), "official": v.Official, "source": v.Source, "previous_value": before.Value}})
		return err
	})
}
