package registry

import (
	"context"
	"testing"

	"github.com/minzheng/minzheng/internal/db"
	"github.com/minzheng/minzheng/internal/db/dbtest"
)

func TestCountsBelow(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		s, ctx := newStore(t, d), context.Background()
		p := principal("3702")
		for i, c := range []string{zhonghanCommunity, zhonghanCommunity, badaguanCommunity} {
			if _, err := s.Create(ctx, p, household(c, 400+i*10)); err != nil {
				t.Fatal(err)
			}
		}
		h, err := s.HouseholdsBelow(ctx, "3702")
		if err != nil || h["370212"] != 2 || h["370202"] != 1 {
			t.Fatalf("households by district: %v %v", h, err)
		}
		persons, err := s.PersonsBelow(ctx, "370212")
		if err != nil || persons["370212001"] != 4 {
			t.Fatalf("persons by street: %v %v", persons, err)
		}
	})
}
