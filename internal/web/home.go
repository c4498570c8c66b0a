package web

import (
	"context"
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

// childTable counts, for every direct child of parent, streets, communities and each indicator.
func (s *Site) childTable(ctx context.Context, parent string) (regionTable, error) {
	counts, err := region.Counts(ctx, s.deps.DB, parent)
	if err != nil {
		return regionTable{}, err
	}
	t := regionTable{Columns: []string{"region.streets", "region.communities"}}
	extra := make([]map[string]int, len(s.deps.Indicators))
	for i, ind := range s.deps.Indicators {
		t.Columns = append(t.Columns, ind.Label)
		if extra[i], err = ind.Count(ctx, parent); err != nil {
			return regionTable{}, err
		}
	}
	sums := make([]int, len(t.Columns))
	for _, c := range counts {
		row := regionRow{Code: c.Code, Name: c.Name, Values: []int{c.Streets, c.Communities}}
		for i := range extra {
			row.Values = append(row.Values, extra[i][c.Code])
		}
		for i, v := range row.Values {
			sums[i] += v
		}
		// The children themselves count too: a street's home page totals its communities.
		switch region.LevelOf(c.Code) {
		case region.Street:
			sums[0]++
		case region.Community:
			sums[1]++
		}
		t.Rows = append(t.Rows, row)
	}
	for i, col := range t.Columns {
		t.Totals = append(t.Totals, total{Label: col, Value: sums[i]})
	}
	return t, nil
}

type homeContent struct {
	RootName string
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
	content := homeContent{RootName: path[len(path)-1].Name, regionTable: table}
	s.render(w, r, http.StatusOK, "home", s.msg.T("home.title"), content)
}
