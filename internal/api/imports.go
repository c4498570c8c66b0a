package api

import (
	"bytes"
	"io"
	"net/http"

	"github.com/minzheng/minzheng/internal/apperr"
	"github.com/minzheng/minzheng/internal/auth"
	"github.com/minzheng/minzheng/internal/httpx"
	"github.com/minzheng/minzheng/internal/registry/roster"
)

func (a *API) registerImports() {
	a.handle("POST", "/imports", auth.HouseholdEdit, a.importRoster)
	a.handle("GET", "/persons/export.xlsx", auth.HouseholdView, a.exportPersons)
}

type rowErrorJSON struct {
	Row     int    `json:"row"`
	Column  string `json:"column,omitempty"`
	Message string `json:"message"`
}

// importRoster answers POST /imports?filename=…&dry_run=true with the roster file as the request
// body (.xlsx or .csv). The answer is 200 with the counts when the file was (or would be)
// imported, 422 with every problem located by row and column when nothing was written.
func (a *API) importRoster(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	dryRun := q.Get("dry_run") == "true" || q.Get("dry_run") == "1"
	data, err := io.ReadAll(io.LimitReader(r.Body, roster.DefaultMaxBytes+1))
	if err != nil {
		a.writeError(w, r, err)
		return
	}
	if len(data) == 0 {
		a.writeError(w, r, apperr.FieldMsg("body", "import.no_file"))
		return
	}
	name := q.Get("filename")
	if name == "" {
		name = "upload"
	}
	rep, err := roster.Import(r.Context(), a.deps.Registry, auth.FromContext(r.Context()), data, name, roster.Limits{}, dryRun, httpx.ClientIP(r))
	if err != nil {
		a.writeError(w, r, err)
		return
	}
	body := map[string]any{"file": rep.File, "sha256": rep.SHA256, "rows": rep.Rows, "households": rep.Households,
		"created": rep.Created, "updated": rep.Updated, "unchanged": rep.Unchanged, "dry_run": rep.DryRun,
		"already_imported": rep.AlreadyImported, "errors": []rowErrorJSON{}}
	status := http.StatusOK
	if !rep.OK() {
		status = http.StatusUnprocessableEntity
		errs := make([]rowErrorJSON, 0, len(rep.Errors))
		for _, e := range rep.Errors {
			errs = append(errs, rowErrorJSON{Row: e.Row, Column: e.Column, Message: e.Message})
		}
		body["errors"] = errs
	}
	writeJSON(w, status, body)
}

// exportPersons answers GET /persons/export.xlsx with the households of a search in the roster
// layout; identifiers are masked unless full=true is asked by a caller allowed to reveal them.
// Every export is audited.
func (a *API) exportPersons(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	full := q.Get("full") == "true" || q.Get("full") == "1"
	households, err := a.deps.Registry.Export(r.Context(), auth.FromContext(r.Context()), personQuery(q), full, httpx.ClientIP(r))
	if err != nil {
		a.writeError(w, r, err)
		return
	}
	var buf bytes.Buffer
	if err := roster.WriteHouseholdsXLSX(&buf, households, !full); err != nil {
		a.writeError(w, r, err)
		return
	}
	w.Header().Set("Content-Type", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
	w.Header().Set("Content-Disposition", `attachment; filename="households.xlsx"`)
	_, _ = w.Write(buf.Bytes())
}
