package region

import (
	"cmp"
	"context"
	"fmt"
	"slices"
	"strings"

	"github.com/minzheng/minzheng/internal/db"
)

// insertBatch is the number of rows per multi-row INSERT: 6 parameters a row keeps a statement
// far below SQLite's and PostgreSQL's parameter limits, while the ~3,500 official rows still need
// only a handful of round trips.
const insertBatch = 500

// Seed loads the embedded official divisions into the regions table, in one transaction. It is
// idempotent: rows already present are left as they are (a renamed division is a data update for
// an operator, not something start-up should decide), so the second run inserts 0. It returns
// the number of rows inserted.
func Seed(ctx context.Context, d *db.DB) (inserted int, err error) {
	divs, err := Official()
	if err != nil {
		return 0, err
	}
	err = d.InTx(ctx, func(tx *db.Tx) error {
		inserted, err = Insert(ctx, tx, divs)
		return err
	})
	if err != nil {
		return 0, fmt.Errorf("seed regions: %w", err)
	}
	return inserted, nil
}

// Insert adds divisions that are not yet in the table and returns how many it added. It checks
// every row first (valid code, level matching the code, parent a proper prefix), then writes
// parents before children whatever the order of divs, in batches. Rows whose code exists are
// skipped, which makes re-running an import or the demo generator harmless. Run it inside a
// transaction (q a *db.Tx) when the batch must land whole.
func Insert(ctx context.Context, q db.Querier, divs []Division) (int, error) {
	for _, d := range divs {
		if err := check(d); err != nil {
			return 0, err
		}
	}
	sorted := slices.Clone(divs)
	slices.SortFunc(sorted, func(a, b Division) int {
		return cmp.Or(cmp.Compare(a.Level, b.Level), strings.Compare(a.Code, b.Code))
	})
	total := 0
	for batch := range slices.Chunk(sorted, insertBatch) {
		n, err := insertRows(ctx, q, batch)
		if err != nil {
			return total, err
		}
		total += n
	}
	return total, nil
}

func check(d Division) error {
	if err := ValidCode(d.Code); err != nil {
		return err
	}
	if d.Level != LevelOf(d.Code) {
		return fmt.Errorf("%w: %s has level %d, its code says %d", ErrInvalidCode, d.Code, d.Level, LevelOf(d.Code))
	}
	if strings.TrimSpace(d.Name) == "" {
		return fmt.Errorf("%w: %s has no name", ErrInvalidCode, d.Code)
	}
	if d.Level == Province {
		if d.ParentCode != "" {
			return fmt.Errorf("%w: province %s has parent %s", ErrInvalidCode, d.Code, d.ParentCode)
		}
		return nil
	}
	if err := ValidCode(d.ParentCode); err != nil {
		return fmt.Errorf("parent of %s: %w", d.Code, err)
	}
	if len(d.ParentCode) >= len(d.Code) || !strings.HasPrefix(d.Code, d.ParentCode) {
		return fmt.Errorf("%w: %s does not lie under its parent %s", ErrInvalidCode, d.Code, d.ParentCode)
	}
	return nil
}

func insertRows(ctx context.Context, q db.Querier, rows []Division) (int, error) {
	var sb strings.Builder
	sb.WriteString(`INSERT INTO regions (code, name, parent_code, level, synthetic, source) VALUES `)
	args := make([]any, 0, len(rows)*6)
	for i, d := range rows {
		if i > 0 {
			sb.WriteString(", ")
		}
		sb.WriteString("(?, ?, ?, ?, ?, ?)")
		var parent any // NULL for a province, so the foreign key has nothing to check
		if d.ParentCode != "" {
			parent = d.ParentCode
		}
		args = append(args, d.Code, d.Name, parent, int(d.Level), d.Synthetic, d.Source)
	}
	sb.WriteString(` ON CONFLICT (code) DO NOTHING`)
	res, err := q.Exec(ctx, sb.String(), args...)
	if err != nil {
		return 0, fmt.Errorf("insert regions %s…%s: %w", rows[0].Code, rows[len(rows)-1].Code, err)
	}
	n, err := res.RowsAffected()
	if err != nil {
		return 0, fmt.Errorf("insert regions: %w", err)
	}
	return int(n), nil
}

// ChildCount is one line of the "regions" overview: a direct child of some division and how many
// towns/streets and communities/villages lie below it.
type ChildCount struct {
	Code, Name  string
	Streets     int // level-4 divisions below Code
	Communities int // level-5 divisions below Code
}

// Counts lists the direct children of parent ("" for the provinces), sorted by code, each with the
// number of level-4 and level-5 divisions below it. It reads the database, not a loaded Tree, so
// that communities added by an import show at once. One grouped query does it all, so the cost
// does not grow with the number of children in round trips.
func Counts(ctx context.Context, q db.Querier, parent string) ([]ChildCount, error) {
	where, narrow, args := `c.parent_code IS NULL`, ``, []any{}
	if parent != "" {
		if err := ValidCode(parent); err != nil {
			return nil, err
		}
		// narrow only limits the scan of descendants to parent's subtree; it changes no result.
		narrow = ` AND substr(d.code, 1, ?) = ?`
		where = `c.parent_code = ?`
		args = append(args, len(parent), parent, parent)
	}
	rows, err := q.Query(ctx, `
		SELECT c.code, c.name,
		       COALESCE(SUM(CASE WHEN d.level = 4 THEN 1 ELSE 0 END), 0),
		       COALESCE(SUM(CASE WHEN d.level = 5 THEN 1 ELSE 0 END), 0)
		FROM regions c
		LEFT JOIN regions d ON d.level >= 4 AND d.level > c.level
		     AND substr(d.code, 1, length(c.code)) = c.code`+narrow+`
		WHERE `+where+`
		GROUP BY c.code, c.name
		ORDER BY c.code`, args...)
	if err != nil {
		return nil, fmt.Errorf("count regions under %q: %w", parent, err)
	}
	defer rows.Close()
	var out []ChildCount
	for rows.Next() {
		var c ChildCount
		if err := rows.Scan(&c.Code, &c.Name, &c.Streets, &c.Communities); err != nil {
			return nil, fmt.Errorf("count regions under %q: %w", parent, err)
		}
		out = append(out, c)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("count regions under %q: %w", parent, err)
	}
	return out, nil
}
