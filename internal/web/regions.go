package web

import (
	"errors"
	"fmt"
	"net/http"

	"github.com/minzheng/minzheng/internal/apperr"
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
	s.page("GET", "/regions/{code}", s.regionPage, nil)
}

// regionPage shows one division, the path above it and its children with live counts.
func (s *Site) regionPage(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	code := r.PathValue("code")
	path, err := region.PathTo(ctx, s.deps.DB, code)
	if errors.Is(err, region.ErrNotFound) || region.ValidCode(code) != nil {
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
	content := regionContent{
		Region:      self,
		Path:        path[:len(path)-1],
		LevelKey:    fmt.Sprintf("region.level.%d", self.Level),
		ChildrenKey: fmt.Sprintf("region.children.%d", self.Level),
		regionTable: table,
	}
	s.render(w, r, http.StatusOK, "region", self.Name, content)
}
