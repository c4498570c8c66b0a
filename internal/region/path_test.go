package region

import (
	"context"
	"errors"
	"testing"

	"github.com/minzheng/minzheng/internal/db"
	"github.com/minzheng/minzheng/internal/db/dbtest"
)

func TestPathTo(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		if _, err := Seed(ctx, d); err != nil {
			t.Fatal(err)
		}
		path, err := PathTo(ctx, d, "370212")
		if err != nil {
			t.Fatal(err)
		}
		var names []string
		for _, p := range path {
			names = append(names, p.Name)
		}
		if len(names) != 3 || names[0] != "山东省" || names[1] != "青岛市" || names[2] != "崂山区" {
			t.Fatalf("path = %v", names)
		}
		if _, err := PathTo(ctx, d, "370299"); !errors.Is(err, ErrNotFound) {
			t.Fatalf("unknown code: err = %v", err)
		}
		if _, err := PathTo(ctx, d, "3702x"); !errors.Is(err, ErrInvalidCode) {
			t.Fatalf("bad code: err = %v", err)
		}
	})
}
