package web

import (
	"context"
	"net/http"

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
	s.page("GET", "/{$}", s.home, &NavEntry{Section: "nav.section.overview", Label: "nav.home", Order: 0})
}

// home shows the city's districts with live counts from the database.
func (s *Site) home(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	path, err := region.PathTo(ctx, s.deps.DB, s.deps.Root)
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	table, err := s.childTable(ctx, s.deps.Root)
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	content := homeContent{RootName: path[len(path)-1].Name, regionTable: table}
	s.render(w, r, http.StatusOK, "home", s.msg.T("home.title"), content)
}
