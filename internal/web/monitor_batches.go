package web

import (
	"context"
	"errors"
	"io"
	"mime/multipart"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"github.com/minzheng/minzheng/internal/apperr"
	"github.com/minzheng/minzheng/internal/auth"
	"github.com/minzheng/minzheng/internal/httpx"
	"github.com/minzheng/minzheng/internal/monitor"
	"github.com/minzheng/minzheng/internal/monitor/feed"
)

// The agency-file pages (部门数据报送): the batches received, an upload form, a "run now" button,
// one batch with its row errors, and the sources with their columns. Receiving, deduplication
// and validation are internal/monitor's; the pages only carry files in and show what it recorded.
//
// The batch pages require MonitorIngest rather than MonitorView: the store shows batches only to
// city-wide users, and a route must never refuse a holder of its permission (the access matrix
// holds every route to that), so the permission is the one whose holders all work city-wide.

// maxFeedUpload bounds an agency file sent from a browser, as the API bounds its body (2 GB):
// the store spools it to disk as it arrives, so the bound protects the disk, not memory.
const maxFeedUpload = 2 << 30

// batchesShown is how many of the latest batches the page lists; monthly files of a dozen
// agencies make a few hundred a year.
const batchesShown = 100

// registerMonitorBatches registers the agency-file pages. The navigation entry shows to whoever
// may hand files in, the same people the pages serve.
func (s *Site) registerMonitorBatches() {
	s.page("GET", "/monitor/batches", auth.MonitorIngest, s.monitorBatchesPage,
		&NavEntry{Section: "monitor.ui.nav.section", Label: "monitor.batches.ui.nav", Order: 540})
	s.page("POST", "/monitor/batches", auth.MonitorIngest, s.monitorBatchUpload, nil)
	s.page("POST", "/monitor/batches/run", auth.MonitorIngest, s.monitorBatchesRun, nil)
	s.page("GET", "/monitor/batches/{id}", auth.MonitorIngest, s.monitorBatchPage, nil)
	s.page("GET", "/monitor/batches/{id}/errors.csv", auth.MonitorIngest, s.monitorBatchErrorsCSV, nil)
	s.page("GET", "/monitor/sources", auth.MonitorView, s.monitorSourcesPage, nil)
	s.page("GET", "/monitor/sources/{name}/template.csv", auth.MonitorView, s.monitorSourceTemplate, nil)
}

// monitorBatchesContent is the batch list, the upload form and what the last action did.
type monitorBatchesContent struct {
	Rows    []batchRow
	Sources []feed.Source
	Form    *form
	// Notice says what the last upload or run request did.
	Notice string
	// Refresh reloads the page every few seconds while a run is under way.
	Refresh bool
	MaxSize string
}

func (s *Site) monitorBatchesPage(w http.ResponseWriter, r *http.Request) {
	s.showBatches(w, r, http.StatusOK, emptyForm())
}

// showBatches renders the list with the upload form f (as submitted, when it was refused).
func (s *Site) showBatches(w http.ResponseWriter, r *http.Request, status int, f *form) {
	p := auth.FromContext(r.Context())
	batches, err := s.deps.Monitor.Batches(r.Context(), p, batchesShown)
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	c := monitorBatchesContent{Sources: feed.Sources(), Form: f, MaxSize: formatBytes(maxFeedUpload)}
	for _, b := range batches {
		c.Rows = append(c.Rows, toBatchRow(b))
	}
	q := r.URL.Query()
	done := q.Get("done")
	c.Notice = s.batchNotice(r.Context(), p, done, q.Get("batch"))
	c.Refresh = waiting(c.Rows, done)
	s.render(w, r, status, "monitor_batches", s.msg.T("monitor.batches.ui.title"), c)
}

// batchNotice is the message after an upload (done = received, started or duplicate, with the
// batch) or a run request (done = run). A duplicate names when the file first came.
func (s *Site) batchNotice(ctx context.Context, p *auth.Principal, done, batch string) string {
	if done == "run" {
		return s.msg.T("monitor.batches.ui.done.run")
	}
	id, err := strconv.ParseInt(batch, 10, 64)
	if err != nil || (done != "received" && done != "started" && done != "duplicate") {
		return ""
	}
	b, _, err := s.deps.Monitor.BatchDetail(ctx, p, id)
	if err != nil {
		return ""
	}
	switch {
	case done == "duplicate":
		return s.msg.T("monitor.batches.ui.duplicate", toBatchRow(*b).Received, b.ID)
	case done == "started" && b.Status != monitor.BatchReceived && b.Status != monitor.BatchProcessing:
		return s.msg.T("monitor.batches.ui.done.finished", b.ID, s.msg.T("monitor.batches.ui.status."+b.Status))
	}
	return s.msg.T("monitor.batches.ui.done."+done, b.ID)
}

// monitorBatchUpload receives a file from the form and, when 立即比对 is ticked, starts a run.
// The multipart body is read part by part and the file streamed into the store's spool, so a
// large file never sits in memory or in a second temporary copy; the form puts the source and
// the checkbox before the file for that reason (browsers send fields in the form's order).
func (s *Site) monitorBatchUpload(w http.ResponseWriter, r *http.Request) {
	p := auth.FromContext(r.Context())
	f := &form{Values: url.Values{}, Errors: map[string]string{}}
	r.Body = http.MaxBytesReader(w, r.Body, maxFeedUpload+1<<20)
	b, err := s.receiveUpload(r, p, f)
	var tooBig *http.MaxBytesError
	switch {
	case errors.As(err, &tooBig):
		err = apperr.FieldMsg("file", "monitor.batches.ui.too_big", formatBytes(maxFeedUpload))
	case errors.Is(err, io.ErrUnexpectedEOF):
		err = apperr.FieldMsg("file", "monitor.batches.ui.upload_broken")
	}
	if err != nil {
		s.refused(w, r, f, err, func(status int) { s.showBatches(w, r, status, f) })
		return
	}
	// A file received before is the same batch: nothing is imported again and nothing run.
	done := "received"
	switch {
	case b.Duplicate:
		done = "duplicate"
	case f.Get("run_now") != "":
		if err := s.monitorRunNow(r.Context(), p); err != nil {
			s.renderError(w, r, err)
			return
		}
		done = "started"
	}
	http.Redirect(w, r, "/monitor/batches?"+url.Values{"done": {done}, "batch": {strconv.FormatInt(b.ID, 10)}}.Encode(), http.StatusSeeOther)
}

// receiveUpload reads the form's parts into f and hands the file to the store.
func (s *Site) receiveUpload(r *http.Request, p *auth.Principal, f *form) (*monitor.Batch, error) {
	mr, err := r.MultipartReader()
	if err != nil {
		return nil, apperr.FieldMsg("file", "monitor.batches.ui.no_file")
	}
	var b *monitor.Batch
	for {
		part, err := mr.NextPart()
		if err == io.EOF {
			break
		}
		if err != nil {
			var tooBig *http.MaxBytesError
			if errors.As(err, &tooBig) {
				return nil, err
			}
			return nil, apperr.FieldMsg("file", "monitor.batches.ui.upload_broken")
		}
		switch part.FormName() {
		case "source", "run_now":
			v, _ := io.ReadAll(io.LimitReader(part, 200))
			f.Values.Set(part.FormName(), strings.TrimSpace(string(v)))
		case "file":
			if b, err = s.receivePart(r, p, f.Get("source"), part); err != nil {
				return nil, err
			}
		}
	}
	if b == nil {
		return nil, apperr.FieldMsg("file", "monitor.batches.ui.no_file")
	}
	return b, nil
}

func (s *Site) receivePart(r *http.Request, p *auth.Principal, source string, part *multipart.Part) (*monitor.Batch, error) {
	switch {
	case source == "":
		return nil, apperr.FieldMsg("source", "monitor.batches.ui.source_required")
	case part.FileName() == "":
		return nil, apperr.FieldMsg("file", "monitor.batches.ui.no_file")
	}
	return s.deps.Monitor.Receive(r.Context(), p, source, part.FileName(), part, httpx.ClientIP(r))
}

// monitorBatchesRun starts a monitoring run over every waiting batch.
func (s *Site) monitorBatchesRun(w http.ResponseWriter, r *http.Request) {
	if err := s.monitorRunNow(r.Context(), auth.FromContext(r.Context())); err != nil {
		s.renderError(w, r, err)
		return
	}
	http.Redirect(w, r, "/monitor/batches?done=run", http.StatusSeeOther)
}

// monitorRunNow starts a run in the background through the application (a durable job), or,
// when the site runs without one (package tests), runs it here and now.
func (s *Site) monitorRunNow(ctx context.Context, p *auth.Principal) error {
	s.log.Info("monitor run requested", "by", p.Login)
	if s.deps.MonitorRunNow != nil {
		return s.deps.MonitorRunNow(ctx)
	}
	_, err := s.deps.Monitor.Run(ctx, p.Login, nil)
	return err
}
