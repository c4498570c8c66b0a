package web

import (
	"bytes"
	"fmt"
	"net/http"

	"github.com/minzheng/minzheng/internal/auth"
	"github.com/minzheng/minzheng/internal/httpx"
	"github.com/minzheng/minzheng/internal/registry/roster"
)

func (s *Site) registerExport() {
	s.page("GET", "/households/export.xlsx", auth.HouseholdView, s.exportXLSX, nil)
}

// exportXLSX writes the households of a search to .xlsx in the roster layout. Identifiers are
// masked unless full=1 is asked by someone allowed to reveal personal data; every export is
// audited either way.
func (s *Site) exportXLSX(w http.ResponseWriter, r *http.Request) {
	p := auth.FromContext(r.Context())
	q := r.URL.Query()
	full := q.Get("full") == "1"
	households, err := s.deps.Registry.Export(r.Context(), p, queryFrom(q), full, httpx.ClientIP(r))
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	var buf bytes.Buffer
	if err := roster.WriteHouseholdsXLSX(&buf, households, !full); err != nil {
		s.renderError(w, r, err)
		return
	}
	name := fmt.Sprintf("households-%s.xlsx", s.deps.Now().In(chinaTime).Format("20060102-1504"))
	w.Header().Set("Content-Type", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
	w.Header().Set("Content-Disposition", `attachment; filename="`+name+`"`)
	_, _ = w.Write(buf.Bytes())
}
