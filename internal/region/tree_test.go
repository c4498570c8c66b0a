package region_test

import (
	"context"
	"errors"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/minzheng/minzheng/internal/db"
	"github.com/minzheng/minzheng/internal/db/dbtest"
	"github.com/minzheng/minzheng/internal/region"
)

// codes lists the codes of divs, for short diffs.
func codes(divs []region.Division) []string {
	out := make([]string, len(divs))
	for i, d := range divs {
		out[i] = d.Code
	}
	return out
}

func TestLoadTree(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		seed(t, d)
		addCommunities(t, d)
		tree, err := region.LoadTree(ctx, d, "3702")
		if err != nil {
			t.Fatal(err)
		}
		if got, want := tree.Len(), 1+10+141+3; got != want {
			t.Errorf("Len() = %d, want %d", got, want)
		}
		if tree.Root() != "3702" {
			t.Errorf("Root() = %q", tree.Root())
		}
		want := []string{"370202", "370203", "370211", "370212", "370213", "370214", "370215", "370281", "370283", "370285"}
		if diff := cmp.Diff(want, codes(tree.Children("3702"))); diff != "" {
			t.Errorf("Children(3702) (-want +got):\n%s", diff)
		}
		if diff := cmp.Diff([]string{"370212001001", "370212001002"}, codes(tree.Children("370212001"))); diff != "" {
			t.Errorf("Children(370212001) (-want +got):\n%s", diff)
		}
		if got := tree.Children("370212001001"); len(got) != 0 {
			t.Errorf("a community has children %v", got)
		}
		c, ok := tree.Get("370212001001")
		wantC := region.Division{Code: "370212001001", Name: "福安社区居民委员会", ParentCode: "370212001", Level: region.Community, Synthetic: true, Source: "test"}
		if diff := cmp.Diff(wantC, c); !ok || diff != "" {
			t.Errorf("Get (-want +got):\n%s", diff)
		}
		if _, ok := tree.Get("37"); ok {
			t.Error("tree under 3702 holds the province")
		}
		if p, ok := tree.Parent("370212001001"); !ok || p.Name != "中韩街道" {
			t.Errorf("Parent = %v, %v; want 中韩街道", p, ok)
		}
		if _, ok := tree.Parent("3702"); ok {
			t.Error("the root has a parent")
		}
		if got := tree.Name("370212"); got != "崂山区" {
			t.Errorf("Name(370212) = %q", got)
		}
		if got := tree.Name("370302"); got != "370302" {
			t.Errorf("Name of a code outside the tree = %q, want the code", got)
		}
		wantPath := []string{"3702", "370212", "370212001", "370212001001"}
		if diff := cmp.Diff(wantPath, codes(tree.Path("370212001001"))); diff != "" {
			t.Errorf("Path (-want +got):\n%s", diff)
		}
		if got := tree.Path("370302"); got != nil {
			t.Errorf("Path outside the tree = %v", got)
		}
	})
}

func TestLoadTreeErrors(t *testing.T) {
	d := dbtest.SQLite(t)
	seed(t, d)
	ctx := context.Background()
	if _, err := region.LoadTree(ctx, d, "3799"); !errors.Is(err, region.ErrNotFound) {
		t.Errorf("missing root: %v, want ErrNotFound", err)
	}
	if _, err := region.LoadTree(ctx, d, "37021"); !errors.Is(err, region.ErrInvalidCode) {
		t.Errorf("cut-off root: %v, want ErrInvalidCode", err)
	}
	all, err := region.LoadTree(ctx, d, "")
	if err != nil {
		t.Fatal(err)
	}
	if all.Len() != officialRows || len(all.Children("")) != 31 {
		t.Errorf("nationwide tree: %d rows, %d provinces", all.Len(), len(all.Children("")))
	}
	if diff := cmp.Diff([]string{"41", "4190", "419001"}, codes(all.Path("419001"))); diff != "" {
		t.Errorf("Path of a province-administered county (-want +got):\n%s", diff)
	}
}

func TestPathBelow(t *testing.T) {
	d := dbtest.SQLite(t)
	seed(t, d)
	addCommunities(t, d)
	tree, err := region.LoadTree(context.Background(), d, "37")
	if err != nil {
		t.Fatal(err)
	}
	const community = "370212001001"
	tests := []struct {
		name  string
		scope region.Scope
		code  string
		want  string
	}{
		{"nationwide sees everything", region.Nationwide, community, "山东省 / 青岛市 / 崂山区 / 中韩街道 / 福安社区居民委员会"},
		{"city", "3702", community, "崂山区 / 中韩街道 / 福安社区居民委员会"},
		{"county", "370212", community, "中韩街道 / 福安社区居民委员会"},
		{"street", "370212001", community, "福安社区居民委员会"},
		{"own community is named", community, community, "福安社区居民委员会"},
		{"own county is named", "370212", "370212", "崂山区"},
		{"street below county", "370212", "370212003", "王哥庄街道"},
		{"outside the scope gets the whole path", "370212", "370202001", "山东省 / 青岛市 / 市南区 / 香港中路街道"},
		{"unknown code is shown as is", "3702", "370212001999", "370212001999"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := tree.PathBelow(tt.scope, tt.code); got != tt.want {
				t.Errorf("PathBelow(%q, %q) = %q, want %q", tt.scope, tt.code, got, tt.want)
			}
		})
	}
}
