package web

import (
	"context"
	"fmt"
	"net/http"

	"github.com/minzheng/minzheng/internal/auth"
	"github.com/minzheng/minzheng/internal/region"
)

// regionTable is a region's direct children with one column per live count: streets and
// communities from the region table, then the indicators other modules register.
type regionTable struct {
	Columns []string // message keys
	Rows    []regionRow
	Totals  []total
}

type regionRow struct {
	Code, Name string
	Values     []int
}

type total struct {
	Label string
	Value int
}

// childTable counts, for every direct child of parent, what lies below it — streets and
// communities, as far as there are such levels below the children — and each indicator. The
// totals also count the children themselves, so a street's page totals its communities.
func (s *Site) childTable(ctx context.Context, parent string) (regionTable, error) {
	counts, err := region.Counts(ctx, s.deps.DB, parent)
	if err != nil {
		return regionTable{}, err
	}
	level := region.LevelOf(parent)
	showStreets, showCommunities := level < region.County, level < region.Street
	t := regionTable{}
	if showStreets {
		t.Columns = append(t.Columns, "region.streets")
	}
	if showCommunities {
		t.Columns = append(t.Columns, "region.communities")
	}
	extra := make([]map[string]int, len(s.deps.Indicators))
	for i, ind := range s.deps.Indicators {
		t.Columns = append(t.Columns, ind.Label)
		if extra[i], err = ind.Count(ctx, parent); err != nil {
			return regionTable{}, err
		}
	}
	streets, communities := 0, 0
	sums := make([]int, len(s.deps.Indicators))
	for _, c := range counts {
		row := regionRow{Code: c.Code, Name: c.Name}
		if showStreets {
			row.Values = append(row.Values, c.Streets)
		}
		if showCommunities {
			row.Values = append(row.Values, c.Communities)
		}
		streets += c.Streets
		communities += c.Communities
		switch region.LevelOf(c.Code) {
		case region.Street:
			streets++
		case region.Community:
			communities++
		}
		for i := range extra {
			row.Values = append(row.Values, extra[i][c.Code])
			sums[i] += extra[i][c.Code]
		}
		t.Rows = append(t.Rows, row)
	}
	if level < region.Street {
		t.Totals = append(t.Totals, total{Label: "region.streets", Value: streets})
	}
	t.Totals = append(t.Totals, total{Label: "region.communities", Value: communities})
	for i, ind := range s.deps.Indicators {
		t.Totals = append(t.Totals, total{Label: ind.Label, Value: sums[i]})
	}
	return t, nil
}

type homeContent struct {
	RootName    string
	ChildrenKey string
	regionTable
}

func (s *Site) registerHome() {
	s.page("GET", "/{$}", auth.RegionView, s.home, &NavEntry{Section: "nav.section.overview", Label: "nav.home", Order: 0})
}

// homeRoot is the region a caller's home page starts from: their own scope, or the city for
// callers whose scope is wider.
func (s *Site) homeRoot(p *auth.Principal) string {
	if p.Scope.Level() >= region.City {
		return p.Scope.Code()
	}
	return s.deps.Root
}

// home shows the caller's area — the city's districts for city staff, a district's streets for
// district staff — with live counts from the database.
func (s *Site) home(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	root := s.homeRoot(auth.FromContext(ctx))
	path, err := region.PathTo(ctx, s.deps.DB, root)
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	table, err := s.childTable(ctx, root)
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	content := homeContent{RootName: path[len(path)-1].Name, regionTable: table,
		ChildrenKey: fmt.Sprintf("home.children.%d", region.LevelOf(root)+1)}
	s.render(w, r, http.StatusOK, "home", s.msg.T("home.title"), content)
}
