package registry_test

import (
	"context"
	"testing"
	"time"

	"github.com/minzheng/minzheng/internal/audit"
	"github.com/minzheng/minzheng/internal/civil"
	"github.com/minzheng/minzheng/internal/db/dbtest"
	"github.com/minzheng/minzheng/internal/pii"
	"github.com/minzheng/minzheng/internal/region"
	"github.com/minzheng/minzheng/internal/registry"
	"github.com/minzheng/minzheng/internal/synth"
)

// BenchmarkBulkLoad measures loading synthetic households into SQLite, 20,000 per transaction as
// gen does; b.N counts households.
func BenchmarkBulkLoad(b *testing.B) {
	ctx := context.Background()
	d := dbtest.SQLite(b)
	if _, err := synth.Regions(ctx, d, 1); err != nil {
		b.Fatal(err)
	}
	tree, err := region.LoadTree(ctx, d, "3702")
	if err != nil {
		b.Fatal(err)
	}
	var communities []region.Division
	for _, c := range tree.Children("3702") {
		for _, s := range tree.Children(c.Code) {
			communities = append(communities, tree.Children(s.Code)...)
		}
	}
	keys, _ := pii.GenerateKeyring()
	bulk := &registry.Bulk{Store: &registry.Store{DB: d, Keys: keys, Audit: &audit.Log{}, Now: time.Now}}
	g := synth.New(1)
	asOf := civil.Date{Year: 2025, Month: 6, Day: 1}
	var inputs []registry.HouseholdInput
	perCommunity := b.N/len(communities) + 1
	for _, c := range communities {
		inputs = append(inputs, g.Households(c, c.Code[:6], perCommunity, asOf)...)
	}
	b.ResetTimer()
	for i := 0; i < b.N; i += 20000 {
		if _, err := bulk.Load(ctx, inputs[i:min(i+20000, b.N)]); err != nil {
			b.Fatal(err)
		}
	}
}
