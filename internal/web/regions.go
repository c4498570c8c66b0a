package web

import (
	"errors"
	"fmt"
	"net/http"

	"github.com/minzheng/minzheng/internal/apperr"
	"github.com/minzheng/minzheng/internal/auth"
	"github.com/minzheng/minzheng/internal/region"
)

type regionContent struct {
	Region      region.Division
	Path        []region.Division
	LevelKey    string
	ChildrenKey string
	regionTable
}

func (s *Site) registerRegions() {
	s.page("GET", "/regions/{code}", auth.RegionView, s.regionPage, nil)
}

// regionPage shows one division, the path above it and its children with live counts.
func (s *Site) regionPage(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	code := r.PathValue("code")
	p := auth.FromContext(ctx)
	path, err := region.PathTo(ctx, s.deps.DB, code)
	if errors.Is(err, region.ErrNotFound) || region.ValidCode(code) != nil || !p.Sees(code) {
		s.renderError(w, r, apperr.NotFoundf("%s", s.msg.T("region.notfound", code)))
		return
	}
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	table, err := s.childTable(ctx, code)
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	self := path[len(path)-1]
	var above []region.Division
	for _, d := range path[:len(path)-1] {
		if p.Sees(d.Code) {
			above = append(above, d)
		}
	}
	content := regionContent{
		Region:      self,
		Path:        above,
		LevelKey:    fmt.Sprintf("region.level.%d", self.Level),
		ChildrenKey: fmt.Sprintf("region.children.%d", self.Level),
		regionTable: table,
	}
	s.render(w, r, http.StatusOK, "region", self.Name, content)
}
