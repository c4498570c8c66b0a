package pii

import (
	"context"
	"errors"
	"fmt"
	"regexp"
	"strconv"

	"github.com/minzheng/minzheng/internal/db"
)

// Column names one sealed column for Rotate: the table, its integer primary-key column, the
// column holding sealed text, and the field name the values were sealed with (the AEAD
// additional data, such as "persons.id_number").
type Column struct {
	Table, Key, Sealed, Field string
}

// identRE is the whole language of table and column names Rotate will put into SQL. Names come
// from code, never from input, but checking them makes SQL injection impossible rather than
// merely unlikely.
var identRE = regexp.MustCompile(`^[a-z_][a-z0-9_]{0,62}$`)

func (c Column) validate() error {
	for _, name := range []string{c.Table, c.Key, c.Sealed} {
		if !identRE.MatchString(name) {
			return fmt.Errorf("pii: rotate: %q is not a plain lower-case SQL name", name)
		}
	}
	if c.Field == "" {
		return fmt.Errorf("pii: rotate: column %s.%s has no field name", c.Table, c.Sealed)
	}
	return nil
}

// Rotate re-seals, under the Keyring's current key, every value in cols that is sealed under an
// older key, and returns how many values it re-sealed. Run it after AddKey once every process
// has the new key file; afterwards the old key can be dropped from the file.
//
// Work goes in batches of batch rows, each in its own transaction, so a city-sized table never
// holds one long lock and an interruption loses at most one batch. Rows are found by their
// version prefix rather than by a saved position, which makes the run resumable: after a crash,
// a cancelled context or a failed batch, running Rotate again continues with what is left, and a
// run with nothing left changes nothing. Each update is conditional on the old sealed text, so a
// value the application changed meanwhile is left alone (it was sealed under the current key).
//
// progress, if not nil, is called after each committed batch with the rows done so far in that
// column and an estimate of those remaining. A row whose value cannot be opened stops the run
// with an error naming its table and key, because silently skipping it would leave data that the
// old key's removal would make unreadable.
func Rotate(ctx context.Context, d *db.DB, kr *Keyring, cols []Column, batch int,
	progress func(col Column, done, remaining int)) (int, error) {
	if batch < 1 {
		return 0, errors.New("pii: rotate: batch size must be at least 1")
	}
	for _, c := range cols {
		if err := c.validate(); err != nil {
			return 0, err
		}
	}
	// The target version is fixed for the whole run: a key added meanwhile must not make the rows
	// just re-sealed look old again.
	version, a := kr.currentAEAD()
	if a == nil {
		return 0, errors.New("pii: rotate: keyring has no aead key")
	}
	total := 0
	for _, c := range cols {
		n, err := rotateColumn(ctx, d, kr, c, version, batch, progress)
		total += n
		if err != nil {
			return total, err
		}
	}
	return total, nil
}

func rotateColumn(ctx context.Context, d *db.DB, kr *Keyring, c Column, version, batch int,
	progress func(col Column, done, remaining int)) (int, error) {
	notCurrent := "v" + strconv.Itoa(version) + ":%"
	where := ` WHERE "` + c.Sealed + `" LIKE 'v%' AND "` + c.Sealed + `" NOT LIKE ?`
	var remaining int
	if err := d.QueryRow(ctx, `SELECT COUNT(*) FROM "`+c.Table+`"`+where, notCurrent).Scan(&remaining); err != nil {
		return 0, fmt.Errorf("pii: rotate %s.%s: count: %w", c.Table, c.Sealed, err)
	}
	selectSQL := `SELECT "` + c.Key + `", "` + c.Sealed + `" FROM "` + c.Table + `"` + where +
		` ORDER BY "` + c.Key + `" LIMIT ?`
	updateSQL := `UPDATE "` + c.Table + `" SET "` + c.Sealed + `" = ? WHERE "` + c.Key + `" = ? AND "` +
		c.Sealed + `" = ?`
	done := 0
	for {
		if err := ctx.Err(); err != nil {
			return done, err
		}
		var found, changed int
		err := d.InTx(ctx, func(tx *db.Tx) error {
			rows, err := readBatch(ctx, tx, selectSQL, notCurrent, batch)
			if err != nil {
				return err
			}
			found = len(rows)
			for _, r := range rows {
				plain, err := kr.Open(r.sealed, c.Field)
				if err != nil {
					return fmt.Errorf("row %s = %d: %w", c.Key, r.key, err)
				}
				resealed, err := kr.sealWith(version, plain, c.Field)
				if err != nil {
					return err
				}
				res, err := tx.Exec(ctx, updateSQL, resealed, r.key, r.sealed)
				if err != nil {
					return fmt.Errorf("row %s = %d: update: %w", c.Key, r.key, err)
				}
				if n, err := res.RowsAffected(); err == nil {
					changed += int(n)
				}
			}
			return nil
		})
		if err != nil {
			return done, fmt.Errorf("pii: rotate %s.%s: %w", c.Table, c.Sealed, err)
		}
		done += changed
		if progress != nil && found > 0 {
			progress(c, done, max(0, remaining-done))
		}
		if found < batch {
			return done, nil
		}
	}
}

type sealedRow struct {
	key    int64
	sealed string
}

// readBatch reads the whole batch before any update, since SQLite runs the transaction on one
// connection that cannot execute while a result set is open.
func readBatch(ctx context.Context, tx *db.Tx, query, notCurrent string, batch int) ([]sealedRow, error) {
	rows, err := tx.Query(ctx, query, notCurrent, batch)
	if err != nil {
		return nil, fmt.Errorf("select: %w", err)
	}
	defer rows.Close()
	var out []sealedRow
	for rows.Next() {
		var r sealedRow
		if err := rows.Scan(&r.key, &r.sealed); err != nil {
			return nil, fmt.Errorf("select: %w", err)
		}
		out = append(out, r)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("select: %w", err)
	}
	return out, nil
}
