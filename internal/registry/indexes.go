package registry

import (
	"context"
	"strings"

	"github.com/minzheng/minzheng/internal/db"
)

// secondaryIndexes are the registry's indexes that a bulk load may drop and build again after:
// building an index over a million sorted rows is many times cheaper than keeping it up to date
// row by row. They repeat the definitions of the migrations (a test compares them). Unique
// constraints and primary keys are never dropped: they guard the data while it loads.
var secondaryIndexes = []string{
	"CREATE INDEX IF NOT EXISTS households_region ON households (region_code)",
	"CREATE INDEX IF NOT EXISTS persons_household ON persons (household_id)",
	"CREATE INDEX IF NOT EXISTS persons_name ON persons (name, region_code)",
	"CREATE INDEX IF NOT EXISTS persons_region_name ON persons (region_code, name)",
	"CREATE INDEX IF NOT EXISTS persons_birth ON persons (birth_date)",
	"CREATE INDEX IF NOT EXISTS persons_phone ON persons (phone_hash)",
	"CREATE INDEX IF NOT EXISTS tiers_household ON tiers (household_id)",
	"CREATE INDEX IF NOT EXISTS tiers_region ON tiers (tier, region_code)",
	"CREATE INDEX IF NOT EXISTS registry_history_household ON registry_history (household_id, id)",
	"CREATE INDEX IF NOT EXISTS person_name_grams_lookup ON person_name_grams (gram, region_code, person_id)",
	"CREATE INDEX IF NOT EXISTS person_name_grams_person ON person_name_grams (person_id)",
}

func indexName(ddl string) string {
	rest := strings.TrimPrefix(ddl, "CREATE INDEX IF NOT EXISTS ")
	name, _, _ := strings.Cut(rest, " ")
	return name
}

// DropIndexes drops the secondary indexes before a bulk load. Searches are slow until
// EnsureIndexes has run; the application runs it at every start, so an interrupted load heals.
func DropIndexes(ctx context.Context, d *db.DB) error {
	for _, ddl := range secondaryIndexes {
		if _, err := d.Exec(ctx, "DROP INDEX IF EXISTS "+indexName(ddl)); err != nil {
			return err
		}
	}
	return nil
}

// EnsureIndexes builds any secondary index that is missing; it costs nothing when all exist.
func EnsureIndexes(ctx context.Context, d *db.DB) error {
	for _, ddl := range secondaryIndexes {
		if _, err := d.Exec(ctx, ddl); err != nil {
			return err
		}
	}
	return nil
}
