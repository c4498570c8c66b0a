package registry

import (
	"context"
	"strings"

	"github.com/minzheng/minzheng/internal/db"
)

// nameGrams are the distinct characters and two-character pieces of a name, the keys of
// person_name_grams.
func nameGrams(name string) []string {
	r := []rune(strings.Join(strings.Fields(name), ""))
	seen := map[string]bool{}
	var out []string
	add := func(g string) {
		if !seen[g] {
			seen[g] = true
			out = append(out, g)
		}
	}
	for i := range r {
		add(string(r[i]))
		if i+1 < len(r) {
			add(string(r[i : i+2]))
		}
	}
	return out
}

// queryGram is the piece a partial-name query is looked up by: its first two characters, or the
// one character of a one-character query.
func queryGram(q string) string {
	r := []rune(strings.Join(strings.Fields(q), ""))
	switch {
	case len(r) == 0:
		return ""
	case len(r) == 1:
		return string(r)
	}
	return string(r[:2])
}

// writeGrams replaces a person's name pieces (isNew: there are none yet).
func writeGrams(ctx context.Context, tx *db.Tx, personID int64, region, name string, isNew bool) error {
	if !isNew {
		if _, err := tx.Exec(ctx, `DELETE FROM person_name_grams WHERE person_id = ?`, personID); err != nil {
			return err
		}
	}
	for _, g := range nameGrams(name) {
		if _, err := tx.Exec(ctx, `INSERT INTO person_name_grams (gram, region_code, person_id) VALUES (?, ?, ?)`, g, region, personID); err != nil {
			return err
		}
	}
	return nil
}

// gramFilter narrows a partial-name search through the name pieces: a person whose name contains
// the query contains its first two characters (or its one character), so only those persons need
// the LIKE test.
func gramFilter(name, prefix string) (string, []any, bool) {
	g := queryGram(name)
	if g == "" {
		return "", nil, false
	}
	cond, args := db.PrefixRange("g.region_code", prefix)
	return "p.id IN (SELECT g.person_id FROM person_name_grams g WHERE g.gram = ? AND " + cond + ")",
		append([]any{g}, args...), true
}
