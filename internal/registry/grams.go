package registry

import (
	"context"
	"strings"

	"github.com/minzheng/minzheng/internal/db"
)

// nameGrams are the distinct two-character pieces of a name, the keys of person_name_grams.
func nameGrams(name string) []string {
	r := []rune(strings.Join(strings.Fields(name), ""))
	seen := map[string]bool{}
	var out []string
	for i := 0; i+1 < len(r); i++ {
		g := string(r[i : i+2])
		if !seen[g] {
			seen[g] = true
			out = append(out, g)
		}
	}
	return out
}

// writeGrams replaces a person's name pieces.
func writeGrams(ctx context.Context, tx *db.Tx, personID int64, region, name string) error {
	if _, err := tx.Exec(ctx, `DELETE FROM person_name_grams WHERE person_id = ?`, personID); err != nil {
		return err
	}
	for _, g := range nameGrams(name) {
		if _, err := tx.Exec(ctx, `INSERT INTO person_name_grams (gram, region_code, person_id) VALUES (?, ?, ?)`, g, region, personID); err != nil {
			return err
		}
	}
	return nil
}

// gramFilter narrows a partial-name search through the name pieces: a person whose name contains
// the query contains its first two characters, so only those persons need the LIKE test.
func gramFilter(name, prefix string) (string, []any, bool) {
	g := nameGrams(name)
	if len(g) == 0 {
		return "", nil, false
	}
	cond, args := db.PrefixRange("g.region_code", prefix)
	return "p.id IN (SELECT g.person_id FROM person_name_grams g WHERE g.gram = ? AND " + cond + ")",
		append([]any{g[0]}, args...), true
}
