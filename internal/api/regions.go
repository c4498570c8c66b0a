package api

import (
	"errors"
	"net/http"

	"github.com/minzheng/minzheng/internal/apperr"
	"github.com/minzheng/minzheng/internal/auth"
	"github.com/minzheng/minzheng/internal/region"
)

// regionJSON is a division as the API shows it.
type regionJSON struct {
	Code      string `json:"code"`
	Name      string `json:"name"`
	Level     int    `json:"level"`
	Synthetic bool   `json:"synthetic"`
}

type regionChildJSON struct {
	regionJSON
	Streets     int `json:"streets"`
	Communities int `json:"communities"`
}

type regionResponse struct {
	regionJSON
	Path     []regionJSON      `json:"path"`
	Children []regionChildJSON `json:"children"`
}

func toRegionJSON(d region.Division) regionJSON {
	return regionJSON{Code: d.Code, Name: d.Name, Level: int(d.Level), Synthetic: d.Synthetic}
}

// getRegion answers GET /regions/{code}: the division, the path above it and its children with
// live counts of streets and communities below each.
func (a *API) getRegion(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	code := r.PathValue("code")
	p := auth.FromContext(ctx)
	if region.ValidCode(code) != nil {
		a.writeError(w, r, &apperr.Error{Kind: apperr.Invalid, Code: "invalid", Field: "code", Message: a.msg.T("api.region.invalid")})
		return
	}
	path, err := region.PathTo(ctx, a.deps.DB, code)
	if errors.Is(err, region.ErrNotFound) || !p.Sees(code) {
		a.writeError(w, r, apperr.New(apperr.NotFound, "not_found", a.msg.T("api.region.notfound")))
		return
	}
	if err != nil {
		a.writeError(w, r, err)
		return
	}
	counts, err := region.Counts(ctx, a.deps.DB, code)
	if err != nil {
		a.writeError(w, r, err)
		return
	}
	resp := regionResponse{regionJSON: toRegionJSON(path[len(path)-1]), Path: []regionJSON{}, Children: []regionChildJSON{}}
	for _, d := range path[:len(path)-1] {
		if p.Sees(d.Code) {
			resp.Path = append(resp.Path, toRegionJSON(d))
		}
	}
	for _, c := range counts {
		resp.Children = append(resp.Children, regionChildJSON{
			regionJSON:  regionJSON{Code: c.Code, Name: c.Name, Level: int(region.LevelOf(c.Code))},
			Streets:     c.Streets,
			Communities: c.Communities,
		})
	}
	writeJSON(w, http.StatusOK, resp)
}
