package registry

import (
	"context"
	"sort"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/minzheng/minzheng/internal/db"
	"github.com/minzheng/minzheng/internal/db/dbtest"
)

// indexDefs lists the registry tables' non-unique indexes with their columns, as the engine
// reports them.
func indexDefs(t *testing.T, d *db.DB) []string {
	t.Helper()
	q := `SELECT name || ':' || sql FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL`
	if d.Dialect() == db.Postgres {
		q = `SELECT indexname || ':' || indexdef FROM pg_indexes WHERE schemaname = current_schema() AND indexdef NOT LIKE '%UNIQUE%'`
	}
	rows, err := d.Query(context.Background(), q)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var s string
		if err := rows.Scan(&s); err != nil {
			t.Fatal(err)
		}
		s = strings.ReplaceAll(strings.ReplaceAll(s, "IF NOT EXISTS ", ""), "USING btree ", "")
		out = append(out, strings.Join(strings.Fields(s), " "))
	}
	sort.Strings(out)
	return out
}

// TestDropAndEnsureIndexesRestoreTheMigrations checks that the bulk loader's index list matches
// what the migrations create, so dropping and rebuilding leaves the schema exactly as it was.
func TestDropAndEnsureIndexesRestoreTheMigrations(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		before := indexDefs(t, d)
		if err := DropIndexes(ctx, d); err != nil {
			t.Fatal(err)
		}
		if err := EnsureIndexes(ctx, d); err != nil {
			t.Fatal(err)
		}
		if diff := cmp.Diff(before, indexDefs(t, d)); diff != "" {
			t.Fatalf("indexes after drop and rebuild differ from the migrations (-before +after):\n%s", diff)
		}
	})
}
