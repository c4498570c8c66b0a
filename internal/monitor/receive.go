package monitor

import (
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"errors"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"strings"

	"github.com/minzheng/minzheng/internal/apperr"
	"github.com/minzheng/minzheng/internal/audit"
	"github.com/minzheng/minzheng/internal/auth"
	"github.com/minzheng/minzheng/internal/db"
	"github.com/minzheng/minzheng/internal/monitor/feed"
)

// Batch is one agency file as received and, after a run, processed.
type Batch struct {
	ID          int64
	Source      string
	SHA256      string
	Filename    string
	Format      string
	Bytes       int64
	Status      string
	RowsRead    int64
	RowsMatched int64
	RowErrors   int
	Warnings    int
	Message     string
	ReceivedBy  string
	ReceivedAt  string
	FinishedAt  string
	// Duplicate says the same file of the same source had been received before: this is that
	// batch, and nothing changed.
	Duplicate bool
}

// Batch statuses.
const (
	BatchReceived   = "received"
	BatchProcessing = "processing"
	BatchDone       = "done"
	BatchRejected   = "rejected"
	BatchFailed     = "failed"
)

// Receive stores an agency file of source in the spool and records its batch, to be processed by
// the next run. The same content of the same source is the same batch: it is returned with
// Duplicate set, and nothing changes.
func (s *Store) Receive(ctx context.Context, p *auth.Principal, source, filename string, r io.Reader, ip string) (*Batch, error) {
	format, err := s.checkReceive(p, source, filename)
	if err != nil {
		return nil, err
	}
	if err := os.MkdirAll(s.Spool, 0o700); err != nil {
		return nil, err
	}
	tmp, err := os.CreateTemp(s.Spool, "incoming-*")
	if err != nil {
		return nil, err
	}
	defer os.Remove(tmp.Name())
	h := sha256.New()
	n, err := io.Copy(io.MultiWriter(tmp, h), r)
	if cerr := tmp.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return nil, err
	}
	if n == 0 {
		return nil, apperr.FieldMsg("file", "monitor.empty_file")
	}
	sum := hex.EncodeToString(h.Sum(nil))
	if err := os.Rename(tmp.Name(), s.spoolPath(source, sum, format)); err != nil {
		return nil, err
	}
	return s.record(ctx, p, source, filename, format, sum, n, ip)
}

// ReceiveFile is Receive for a file on this machine (the command line, a drop folder): the file
// is hashed where it lies and hard-linked into the spool instead of copied, which matters for
// files of a gigabyte; across file systems it is copied.
func (s *Store) ReceiveFile(ctx context.Context, p *auth.Principal, source, path, ip string) (*Batch, error) {
	format, err := s.checkReceive(p, source, path)
	if err != nil {
		return nil, err
	}
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	h := sha256.New()
	n, err := io.Copy(h, f)
	f.Close()
	if err != nil {
		return nil, err
	}
	if n == 0 {
		return nil, apperr.FieldMsg("file", "monitor.empty_file")
	}
	if err := os.MkdirAll(s.Spool, 0o700); err != nil {
		return nil, err
	}
	sum := hex.EncodeToString(h.Sum(nil))
	dst := s.spoolPath(source, sum, format)
	if _, err := os.Stat(dst); err != nil {
		if err := os.Link(path, dst); err != nil {
			f, err := os.Open(path)
			if err != nil {
				return nil, err
			}
			defer f.Close()
			return s.Receive(ctx, p, source, filepath.Base(path), f, ip)
		}
	}
	return s.record(ctx, p, source, path, format, sum, n, ip)
}

// checkReceive checks the caller, the source and the file's format.
func (s *Store) checkReceive(p *auth.Principal, source, filename string) (string, error) {
	if p == nil || !p.Can(auth.MonitorIngest) {
		return "", apperr.Msg(apperr.Forbidden, "monitor.ingest.forbidden")
	}
	if _, ok := feed.Lookup(source); !ok {
		return "", apperr.FieldMsg("source", "monitor.bad_source", source)
	}
	format := feed.FormatOf(filename)
	if format == "" {
		return "", apperr.FieldMsg("file", "monitor.bad_format", filename)
	}
	return format, nil
}

// record writes the batch of a file now in the spool, or finds the one received before.
func (s *Store) record(ctx context.Context, p *auth.Principal, source, filename, format, sum string, n int64, ip string) (*Batch, error) {
	var id int64
	created := false
	err := s.DB.InTx(ctx, func(tx *db.Tx) error {
		err := tx.QueryRow(ctx, `INSERT INTO monitor_batches (source, sha256, filename, format, bytes, status, received_by, received_at)
			VALUES (?, ?, ?, ?, ?, 'received', ?, ?) ON CONFLICT (source, sha256) DO NOTHING RETURNING id`,
			source, sum, filepath.Base(filename), format, n, p.Login, s.stamp()).Scan(&id)
		if errors.Is(err, sql.ErrNoRows) {
			return tx.QueryRow(ctx, `SELECT id FROM monitor_batches WHERE source = ? AND sha256 = ?`, source, sum).Scan(&id)
		}
		if err != nil {
			return err
		}
		created = true
		_, err = s.Audit.Append(ctx, tx, audit.Event{ActorID: p.UserID, Actor: p.Login, Role: string(p.Role), IP: ip,
			Action: "monitor.receive", TargetType: "monitor_batch", TargetID: itoa(id),
			Detail: map[string]any{"source": source, "file": filepath.Base(filename), "bytes": n, "sha256": sum}})
		return err
	})
	if err != nil {
		return nil, err
	}
	b, err := s.batch(ctx, id)
	if err != nil {
		return nil, err
	}
	b.Duplicate = !created
	return b, nil
}

// spoolPath is where a received file waits: named by source and content, so a file received
// twice is stored once.
func (s *Store) spoolPath(source, sum, format string) string {
	return filepath.Join(s.Spool, source+"-"+sum+"."+strings.ToLower(format))
}

const batchColumns = `id, source, sha256, filename, format, bytes, status, rows_read, rows_matched, row_errors, warnings,
	message, received_by, received_at, finished_at`

func scanBatch(sc interface{ Scan(...any) error }) (*Batch, error) {
	var b Batch
	err := sc.Scan(&b.ID, &b.Source, &b.SHA256, &b.Filename, &b.Format, &b.Bytes, &b.Status, &b.RowsRead, &b.RowsMatched,
		&b.RowErrors, &b.Warnings, &b.Message, &b.ReceivedBy, &b.ReceivedAt, &b.FinishedAt)
	return &b, err
}

func (s *Store) batch(ctx context.Context, id int64) (*Batch, error) {
	b, err := scanBatch(s.DB.QueryRow(ctx, `SELECT `+batchColumns+` FROM monitor_batches WHERE id = ?`, id))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, apperr.Msg(apperr.NotFound, "monitor.batch_notfound")
	}
	return b, err
}

// RowError is one kept error of a rejected batch.
type RowError struct {
	Line    int64
	Field   string
	Message string
}

// Batches lists the latest batches, newest first. Agency files are the city's: only those who
// may hand them in or see the monitoring figures of the whole city read them.
func (s *Store) Batches(ctx context.Context, p *auth.Principal, limit int) ([]Batch, error) {
	if p == nil || !(p.Can(auth.MonitorIngest) || p.Can(auth.MonitorView) && p.Sees(s.City)) {
		return nil, apperr.Msg(apperr.Forbidden, "monitor.batches.forbidden")
	}
	rows, err := s.DB.Query(ctx, `SELECT `+batchColumns+` FROM monitor_batches ORDER BY id DESC LIMIT ?`, max(limit, 1))
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []Batch
	for rows.Next() {
		b, err := scanBatch(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, *b)
	}
	return out, rows.Err()
}

// BatchDetail is one batch with the row errors kept for it.
func (s *Store) BatchDetail(ctx context.Context, p *auth.Principal, id int64) (*Batch, []RowError, error) {
	if _, err := s.Batches(ctx, p, 1); err != nil {
		return nil, nil, err
	}
	b, err := s.batch(ctx, id)
	if err != nil {
		return nil, nil, err
	}
	rows, err := s.DB.Query(ctx, `SELECT line, field, message FROM monitor_batch_errors WHERE batch_id = ? ORDER BY line`, id)
	if err != nil {
		return nil, nil, err
	}
	defer rows.Close()
	var errs []RowError
	for rows.Next() {
		var e RowError
		if err := rows.Scan(&e.Line, &e.Field, &e.Message); err != nil {
			return nil, nil, err
		}
		errs = append(errs, e)
	}
	return b, errs, rows.Err()
}

func itoa(n int64) string { return strconv.FormatInt(n, 10) }
