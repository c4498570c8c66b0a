package synth

import (
	"context"
	"fmt"

	"github.com/minzheng/minzheng/internal/db"
	"github.com/minzheng/minzheng/internal/region"
)

// Regions fills the demo city's division tree: it seeds the official divisions if they are
// missing, then adds synthetic community and village committees below every real town and street
// of Qingdao, in one transaction. It returns the number of synthetic committees inserted.
//
// A street that already has committees — from an earlier run, whatever its seed, or from a real
// import — is left alone, so running Regions again inserts nothing and never mixes the names of
// two seeds (which could repeat a name within a street) or invents villages beside real ones.
func Regions(ctx context.Context, d *db.DB, seed uint64) (inserted int, err error) {
	if _, err := region.Seed(ctx, d); err != nil {
		return 0, err
	}
	g := New(seed)
	err = d.InTx(ctx, func(tx *db.Tx) error {
		streets, err := emptyStreets(ctx, tx)
		if err != nil {
			return err
		}
		var divs []region.Division
		for _, s := range streets {
			divs = append(divs, g.Communities(s)...)
		}
		inserted, err = region.Insert(ctx, tx, divs)
		return err
	})
	if err != nil {
		return 0, fmt.Errorf("synthetic regions: %w", err)
	}
	return inserted, nil
}

// emptyStreets lists the real towns and streets of the demo city that have no committees yet,
// by code.
func emptyStreets(ctx context.Context, q db.Querier) ([]region.Division, error) {
	rows, err := q.Query(ctx, `
		SELECT s.code, s.name, s.parent_code, s.source
		FROM regions s
		WHERE s.level = ? AND substr(s.code, 1, ?) = ? AND s.synthetic = ?
		  AND NOT EXISTS (SELECT 1 FROM regions c WHERE c.parent_code = s.code)
		ORDER BY s.code`,
		int(region.Street), len(CityCode), CityCode, false)
	if err != nil {
		return nil, fmt.Errorf("list streets of %s: %w", CityCode, err)
	}
	defer rows.Close()
	var out []region.Division
	for rows.Next() {
		s := region.Division{Level: region.Street}
		if err := rows.Scan(&s.Code, &s.Name, &s.ParentCode, &s.Source); err != nil {
			return nil, fmt.Errorf("list streets of %s: %w", CityCode, err)
		}
		out = append(out, s)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("list streets of %s: %w", CityCode, err)
	}
	return out, nil
}
