package web

import (
	"bytes"
	"encoding/csv"
	"fmt"
	"net/http"
	"strconv"
	"strings"

	"github.com/minzheng/minzheng/internal/auth"
	"github.com/minzheng/minzheng/internal/db"
	"github.com/minzheng/minzheng/internal/monitor"
	"github.com/minzheng/minzheng/internal/monitor/feed"
)

// batchRow is a batch as the pages show it: source named, times in China, size readable.
type batchRow struct {
	monitor.Batch
	SourceLabel string
	StatusClass string
	Received    string
	Finished    string
	Size        string
	// Read and Matched are the row counts with thousands separators.
	Read, Matched string
}

func toBatchRow(b monitor.Batch) batchRow {
	row := batchRow{Batch: b, SourceLabel: b.Source, StatusClass: batchStatusClass(b.Status), Size: formatBytes(b.Bytes),
		Read: formatInt(int(b.RowsRead)), Matched: formatInt(int(b.RowsMatched))}
	if src, ok := feed.Lookup(b.Source); ok {
		row.SourceLabel = src.Label
	}
	if t, err := db.ParseTime(b.ReceivedAt); err == nil {
		row.Received = formatTime(t)
	}
	if t, err := db.ParseTime(b.FinishedAt); err == nil {
		row.Finished = formatTime(t)
	}
	return row
}

// batchStatusClass is the badge colour of a batch status; the badge always carries the text.
func batchStatusClass(status string) string {
	switch status {
	case monitor.BatchDone:
		return "ok"
	case monitor.BatchRejected, monitor.BatchFailed:
		return "danger"
	case monitor.BatchProcessing:
		return "warn"
	}
	return ""
}

// formatBytes writes a file size as people read it: 812 B, 3.4 KB, 1.2 GB.
func formatBytes(n int64) string {
	units := []string{"B", "KB", "MB", "GB", "TB"}
	v, i := float64(n), 0
	for v >= 1024 && i < len(units)-1 {
		v /= 1024
		i++
	}
	if i == 0 {
		return fmt.Sprintf("%d B", n)
	}
	return strings.TrimSuffix(fmt.Sprintf("%.1f", v), ".0") + " " + units[i]
}

// waiting says whether a page should keep refreshing: a batch is being read, or a run was just
// asked for and a batch has not been taken up yet.
func waiting(rows []batchRow, done string) bool {
	for _, b := range rows {
		if b.Status == monitor.BatchProcessing || b.Status == monitor.BatchReceived && (done == "started" || done == "run") {
			return true
		}
	}
	return false
}

// monitorBatchContent is one batch and, when it was rejected, the row errors kept for it.
type monitorBatchContent struct {
	B       batchRow
	Errors  []batchErrorRow
	Refresh bool
	// Truncated says the file had more row errors than the store keeps.
	Truncated bool
}

// batchErrorRow is a row error with its field named as the agency's header names it.
type batchErrorRow struct {
	monitor.RowError
	FieldLabel string
}

// loadBatch reads the batch of the path with its row errors, the fields named.
func (s *Site) loadBatch(r *http.Request) (*monitorBatchContent, error) {
	id, err := pathNumber(r, "id", "monitor.batch_notfound")
	if err != nil {
		return nil, err
	}
	b, errs, err := s.deps.Monitor.BatchDetail(r.Context(), auth.FromContext(r.Context()), id)
	if err != nil {
		return nil, err
	}
	c := &monitorBatchContent{B: toBatchRow(*b), Truncated: b.RowErrors > len(errs)}
	labels := map[string]string{}
	if src, ok := feed.Lookup(b.Source); ok {
		for _, f := range src.Fields {
			labels[f.Name] = f.Label
		}
	}
	for _, e := range errs {
		c.Errors = append(c.Errors, batchErrorRow{RowError: e, FieldLabel: labels[e.Field]})
	}
	return c, nil
}

// monitorBatchPage shows one batch; while it is being read it shows the rows read so far and
// refreshes itself.
func (s *Site) monitorBatchPage(w http.ResponseWriter, r *http.Request) {
	c, err := s.loadBatch(r)
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	c.Refresh = waiting([]batchRow{c.B}, r.URL.Query().Get("done"))
	s.render(w, r, http.StatusOK, "monitor_batch", s.msg.T("monitor.batches.ui.batch_title", c.B.ID), c)
}

// monitorBatchErrorsCSV downloads a rejected batch's row errors for the agency to work through
// in Excel: UTF-8 with a byte-order mark, without which Excel on Chinese Windows reads the file
// as GBK and shows the Chinese as mojibake.
func (s *Site) monitorBatchErrorsCSV(w http.ResponseWriter, r *http.Request) {
	c, err := s.loadBatch(r)
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	var buf bytes.Buffer
	buf.WriteString("\uFEFF")
	cw := csv.NewWriter(&buf)
	cw.UseCRLF = true
	_ = cw.Write([]string{s.msg.T("monitor.batches.ui.line"), s.msg.T("monitor.batches.ui.field"), s.msg.T("monitor.batches.ui.problem")})
	for _, e := range c.Errors {
		_ = cw.Write([]string{strconv.FormatInt(e.Line, 10), csvCell(e.FieldLabel), csvCell(e.Message)})
	}
	cw.Flush()
	if err := cw.Error(); err != nil {
		s.renderError(w, r, err)
		return
	}
	w.Header().Set("Content-Type", "text/csv; charset=utf-8")
	w.Header().Set("Content-Disposition", fmt.Sprintf(`attachment; filename="batch-%d-errors.csv"`, c.B.ID))
	_, _ = w.Write(buf.Bytes())
}

// csvCell keeps a cell from being read as a formula by a spreadsheet: messages quote what the
// agency's file held (an unknown header, say), which could start with "=".
func csvCell(v string) string {
	if v != "" && strings.ContainsRune("=+-@\t\r", rune(v[0])) {
		return "'" + v
	}
	return v
}
