package api

import (
	"errors"
	"io"
	"mime"
	"net/http"
	"strconv"
	"time"

	"github.com/minzheng/minzheng/internal/apperr"
	"github.com/minzheng/minzheng/internal/auth"
	"github.com/minzheng/minzheng/internal/httpx"
	"github.com/minzheng/minzheng/internal/monitor"
	"github.com/minzheng/minzheng/internal/monitor/feed"
)

// maxFeedBody bounds an agency file sent as a request body: 2 GB, some twenty million rows of a
// typical feed. The store streams the body to its spool on disk, so the bound protects the disk
// and says when a file should be split, not how much memory a request takes. The web upload
// form has the same bound.
const maxFeedBody = 2 << 30

// registerMonitorBatches adds the agency-file routes: an agency's system (a bearer token of the
// agency_feed role) or a city administrator hands in a file, reads what became of it, and asks
// for a run. Reading batches needs MonitorIngest too: the agency must see its rejected rows to
// fix them, and every holder works city-wide, which is what the store requires of a reader.
func (a *API) registerMonitorBatches() {
	a.handle("POST", "/monitor/batches", auth.MonitorIngest, a.receiveBatch)
	a.handle("GET", "/monitor/batches", auth.MonitorIngest, a.listBatches)
	a.handle("GET", "/monitor/batches/{id}", auth.MonitorIngest, a.getBatch)
	a.handle("POST", "/monitor/runs", auth.MonitorIngest, a.startRun)
}

// batchJSON is an agency file as received and, after a run, processed.
type batchJSON struct {
	ID          int64      `json:"id"`
	Source      string     `json:"source"`
	SourceLabel string     `json:"source_label"`
	SHA256      string     `json:"sha256"`
	Filename    string     `json:"filename"`
	Format      string     `json:"format"`
	Bytes       int64      `json:"bytes"`
	Status      string     `json:"status"`
	RowsRead    int64      `json:"rows_read"`
	RowsMatched int64      `json:"rows_matched"`
	RowErrors   int        `json:"row_errors"`
	Warnings    int        `json:"warnings"`
	Message     string     `json:"message,omitempty"`
	ReceivedBy  string     `json:"received_by"`
	ReceivedAt  *time.Time `json:"received_at,omitempty"`
	FinishedAt  *time.Time `json:"finished_at,omitempty"`
	Duplicate   bool       `json:"duplicate"`
}

// batchDetailJSON is a batch with the row errors kept for it.
type batchDetailJSON struct {
	batchJSON
	Errors []batchErrorJSON `json:"errors"`
}

// batchErrorJSON is one bad row: its line in the file, the field (its name, "" for the row as a
// whole) and the Chinese message naming both.
type batchErrorJSON struct {
	Line    int64  `json:"line"`
	Field   string `json:"field,omitempty"`
	Message string `json:"message"`
}

// toBatchJSON converts a batch. The message of a failed batch is an internal error's text, for
// the logs, not for the agency; a rejected batch's message is the Chinese summary it is meant
// to read.
func toBatchJSON(b *monitor.Batch) batchJSON {
	out := batchJSON{ID: b.ID, Source: b.Source, SourceLabel: b.Source, SHA256: b.SHA256, Filename: b.Filename, Format: b.Format,
		Bytes: b.Bytes, Status: b.Status, RowsRead: b.RowsRead, RowsMatched: b.RowsMatched, RowErrors: b.RowErrors,
		Warnings: b.Warnings, ReceivedBy: b.ReceivedBy, ReceivedAt: dbStamp(b.ReceivedAt), FinishedAt: dbStamp(b.FinishedAt),
		Duplicate: b.Duplicate}
	if src, ok := feed.Lookup(b.Source); ok {
		out.SourceLabel = src.Label
	}
	if b.Status == monitor.BatchRejected {
		out.Message = b.Message
	}
	return out
}

// feedFilename is the name of the file sent: ?filename=, else the filename of a
// Content-Disposition header. Its extension is what says the file's format.
func feedFilename(r *http.Request) string {
	if name := r.URL.Query().Get("filename"); name != "" {
		return name
	}
	if _, params, err := mime.ParseMediaType(r.Header.Get("Content-Disposition")); err == nil {
		return params["filename"]
	}
	return ""
}

// receiveBatch answers POST /monitor/batches?source=S&filename=F with the file as the body: 201
// with the new batch, or 200 with "duplicate": true and the earlier batch when the same file of
// the same source came before (nothing changes). The file is processed by the next run.
func (a *API) receiveBatch(w http.ResponseWriter, r *http.Request) {
	source, name := r.URL.Query().Get("source"), feedFilename(r)
	var err error
	switch {
	case source == "":
		err = apperr.FieldMsg("source", "monitor.batches.ui.source_required")
	case name == "":
		err = apperr.FieldMsg("filename", "monitor.batches.ui.filename_required")
	}
	if err != nil {
		a.writeError(w, r, err)
		return
	}
	r.Body = http.MaxBytesReader(w, r.Body, maxFeedBody)
	b, err := a.deps.Monitor.Receive(r.Context(), auth.FromContext(r.Context()), source, name, r.Body, httpx.ClientIP(r))
	var tooBig *http.MaxBytesError
	switch {
	case errors.As(err, &tooBig):
		writeJSON(w, http.StatusRequestEntityTooLarge, errorBody{Error: errorDetail{Code: "monitor.batches.ui.too_big",
			Message: a.msg.T("monitor.batches.ui.too_big", "2 GB"), Field: "body"}})
		return
	case errors.Is(err, io.ErrUnexpectedEOF):
		err = apperr.FieldMsg("body", "monitor.batches.ui.upload_broken")
	}
	if err != nil {
		a.writeError(w, r, err)
		return
	}
	status := http.StatusCreated
	if b.Duplicate {
		status = http.StatusOK
	}
	writeJSON(w, status, toBatchJSON(b))
}

// listBatches answers GET /monitor/batches?limit=N: the latest batches (100 unless asked, at
// most 1000), newest first.
func (a *API) listBatches(w http.ResponseWriter, r *http.Request) {
	limit, err := strconv.Atoi(r.URL.Query().Get("limit"))
	if err != nil || limit < 1 {
		limit = 100
	}
	bs, err := a.deps.Monitor.Batches(r.Context(), auth.FromContext(r.Context()), min(limit, 1000))
	if err != nil {
		a.writeError(w, r, err)
		return
	}
	out := make([]batchJSON, 0, len(bs))
	for i := range bs {
		out = append(out, toBatchJSON(&bs[i]))
	}
	writeJSON(w, http.StatusOK, map[string]any{"batches": out})
}

// getBatch answers GET /monitor/batches/{id}: the batch with the row errors kept for it (the
// first thousand of a rejected file), by line.
func (a *API) getBatch(w http.ResponseWriter, r *http.Request) {
	id, ok := a.pathID(w, r, "id", "monitor.batch_notfound")
	if !ok {
		return
	}
	b, errs, err := a.deps.Monitor.BatchDetail(r.Context(), auth.FromContext(r.Context()), id)
	if err != nil {
		a.writeError(w, r, err)
		return
	}
	out := batchDetailJSON{batchJSON: toBatchJSON(b), Errors: make([]batchErrorJSON, 0, len(errs))}
	for _, e := range errs {
		out.Errors = append(out.Errors, batchErrorJSON{Line: e.Line, Field: e.Field, Message: e.Message})
	}
	writeJSON(w, http.StatusOK, out)
}

// startRun answers POST /monitor/runs: a run over every waiting batch starts in the background
// (202); GET /monitor/batches/{id} shows when a batch is done.
func (a *API) startRun(w http.ResponseWriter, r *http.Request) {
	p := auth.FromContext(r.Context())
	var err error
	if a.deps.MonitorRunNow != nil {
		err = a.deps.MonitorRunNow(r.Context())
	} else {
		_, err = a.deps.Monitor.Run(r.Context(), p.Login, nil)
	}
	if err != nil {
		a.writeError(w, r, err)
		return
	}
	writeJSON(w, http.StatusAccepted, map[string]string{"status": "started"})
}
