package monitor

import (
	"cmp"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"runtime"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/minzheng/minzheng/internal/db"
	"github.com/minzheng/minzheng/internal/monitor/feed"
	"github.com/minzheng/minzheng/internal/msg"
	"github.com/minzheng/minzheng/internal/pii"
)

// maxKeptErrors is how many row errors of a rejected batch are kept for the agency.
const maxKeptErrors = 1000

// staleClaim is how long a batch may stay "processing" before another run takes it over: the
// process that claimed it has died.
const staleClaim = time.Hour

// RunReport says what a run did.
type RunReport struct {
	Batches  []Batch
	Rows     int64
	Matched  int64
	Warnings int
	Elapsed  time.Duration
}

// Run processes every batch waiting (received, failed, or left processing by a dead process):
// the registry is loaded into memory once, each file is read and checked whole, a file with bad
// rows is rejected with its errors, and the warnings of a good file are written with its status
// in one transaction. Income files go first: who earns is a fact the discovery rules use. by
// names the run (a login or "system"); progress, if given, hears of long files.
func (s *Store) Run(ctx context.Context, by string, progress func(string)) (*RunReport, error) {
	start := time.Now()
	claimed, err := s.claim(ctx, by)
	if err != nil || len(claimed) == 0 {
		return &RunReport{Elapsed: time.Since(start)}, err
	}
	loadStart := time.Now()
	snap, err := loadSnapshot(ctx, s.Registry)
	if err != nil {
		return nil, s.release(ctx, claimed, err)
	}
	if progress != nil {
		progress(fmt.Sprintf("registry in memory: %d persons in %.1f s", len(snap.people), time.Since(loadStart).Seconds()))
	}
	params, err := s.Params.Load(ctx)
	if err != nil {
		return nil, s.release(ctx, claimed, err)
	}
	order := schedule(claimed)
	var (
		mu       sync.Mutex
		earning  []uint64
		pending  = earningSources(order)
		ready    = make(chan struct{})
		done     = make([]*Batch, len(order))
		firstErr error
	)
	if pending == 0 {
		close(ready)
	}
	jobs := make(chan int)
	var wg sync.WaitGroup
	for range runtime.GOMAXPROCS(0) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range jobs {
				b := &order[i]
				if needsEarning(b.Source) {
					<-ready
				}
				mu.Lock()
				j := &judge{today: s.today(), params: params, cache: map[string]int64{}, earning: earning}
				mu.Unlock()
				res := s.process(ctx, b, snap, j, progress)
				fb, err := s.finish(ctx, b, res)
				mu.Lock()
				if err != nil && firstErr == nil {
					firstErr = err
				}
				done[i] = fb
				if earnsSource(b.Source) {
					earning = append(earning, res.earning...)
					if pending--; pending == 0 {
						slices.Sort(earning)
						close(ready)
					}
				}
				mu.Unlock()
			}
		}()
	}
	for i := range order {
		jobs <- i
	}
	close(jobs)
	wg.Wait()
	rep := &RunReport{}
	var unfinished []Batch
	for i, b := range done {
		if b == nil {
			unfinished = append(unfinished, order[i])
			continue
		}
		rep.Batches = append(rep.Batches, *b)
		rep.Rows += b.RowsRead
		rep.Matched += b.RowsMatched
		rep.Warnings += b.Warnings
	}
	if firstErr != nil {
		return nil, s.release(ctx, unfinished, firstErr)
	}
	rep.Elapsed = time.Since(start)
	return rep, nil
}

// schedule orders a run's batches: the income files first (who earns is a fact the discovery
// rules read), then the largest first so the workers finish together, and last the files whose
// rules need the income facts.
func schedule(batches []Batch) []Batch {
	out := slices.Clone(batches)
	rank := func(b Batch) int {
		switch {
		case earnsSource(b.Source):
			return 0
		case needsEarning(b.Source):
			return 2
		}
		return 1
	}
	slices.SortStableFunc(out, func(a, b Batch) int { return cmp.Or(cmp.Compare(rank(a), rank(b)), cmp.Compare(b.Bytes, a.Bytes)) })
	return out
}

// earnsSource reports whether a source tells who earns (income, social insurance).
func earnsSource(source string) bool { return source == "income" || source == "social_insurance" }

func earningSources(batches []Batch) int {
	n := 0
	for _, b := range batches {
		if earnsSource(b.Source) {
			n++
		}
	}
	return n
}

// needsEarning reports whether a rule reading source asks who earns.
func needsEarning(source string) bool {
	for _, r := range ruleSet {
		if !slices.Contains(r.Sources, source) {
			continue
		}
		for _, c := range r.Conditions {
			if c.Test == "no_income" {
				return true
			}
		}
	}
	return false
}

// claim marks the waiting batches as this run's. The UPDATE names the status it saw, so of two
// processes claiming at once only one gets each batch.
func (s *Store) claim(ctx context.Context, by string) ([]Batch, error) {
	stale := db.FormatTime(s.now().Add(-staleClaim))
	rows, err := s.DB.Query(ctx, `SELECT `+batchColumns+` FROM monitor_batches WHERE status IN ('received', 'failed')
		OR (status = 'processing' AND claimed_at < ?) ORDER BY id`, stale)
	if err != nil {
		return nil, err
	}
	var waiting []Batch
	for rows.Next() {
		b, err := scanBatch(rows)
		if err != nil {
			rows.Close()
			return nil, err
		}
		waiting = append(waiting, *b)
	}
	rows.Close()
	var out []Batch
	for _, b := range waiting {
		res, err := s.DB.Exec(ctx, `UPDATE monitor_batches SET status = 'processing', claimed_by = ?, claimed_at = ?, message = ''
			WHERE id = ? AND (status IN ('received', 'failed') OR (status = 'processing' AND claimed_at < ?))`, by, s.stamp(), b.ID, stale)
		if err != nil {
			return nil, err
		}
		if n, _ := res.RowsAffected(); n == 1 {
			b.Status = BatchProcessing
			out = append(out, b)
		}
	}
	return out, nil
}

// release marks batches failed after an error that was not the file's fault, so the next run
// retries them, and returns the error.
func (s *Store) release(ctx context.Context, batches []Batch, cause error) error {
	for _, b := range batches {
		if _, err := s.DB.Exec(context.WithoutCancel(ctx), `UPDATE monitor_batches SET status = 'failed', message = ?
			WHERE id = ? AND status = 'processing'`, clipText(cause.Error(), 500), b.ID); err != nil {
			return errors.Join(cause, err)
		}
	}
	return cause
}

// processed is what reading one batch produced.
type processed struct {
	rows, matched int64
	errs          []RowError
	errCount      int
	hits          []hit
	earning       []uint64 // people not in the database whom this file shows earning
	fail          error
}

// process reads one batch whole, matching and judging every row.
func (s *Store) process(ctx context.Context, b *Batch, snap *snapshot, j *judge, progress func(string)) *processed {
	out := &processed{}
	src, _ := feed.Lookup(b.Source)
	f, err := os.Open(s.spoolPath(b.Source, b.SHA256, b.Format))
	if err != nil {
		out.fail = err
		return out
	}
	defer f.Close()
	r, err := feed.NewReader(src, b.Format, f, feed.Options{Today: s.today(),
		Hasher: func(id string) string { return s.Keys.Hash(pii.IDNumber, id) }})
	if err != nil {
		var fe *feed.FileError
		if errors.As(err, &fe) {
			out.errs, out.errCount = []RowError{{Line: 1, Message: fe.Msg}}, 1
			return out
		}
		out.fail = err
		return out
	}
	defer r.Close()
	rules := bindRules(src)
	earnIdx := -1
	switch src.Name {
	case "income":
		earnIdx = src.Index("income")
	case "social_insurance":
		earnIdx = src.Index("base")
	}
	var digests []uint64
	for {
		row, err := r.Next()
		if err == io.EOF {
			break
		}
		var re *feed.RowError
		switch {
		case errors.As(err, &re):
			out.addError(RowError{Line: int64(re.Line), Field: re.Field, Message: re.Msg})
			continue
		case err != nil:
			var fe *feed.FileError
			if errors.As(err, &fe) {
				out.addError(RowError{Line: int64(r.Rows() + 1), Message: fe.Msg})
				return out
			}
			out.fail = err
			return out
		}
		out.rows++
		if out.rows%500000 == 0 {
			if err := ctx.Err(); err != nil {
				out.fail = err
				return out
			}
			s.noteProgress(ctx, b, out.rows, progress)
		}
		digests = append(digests, row.Digest())
		p := snap.find(row.IDHashBytes())
		if p != nil {
			out.matched++
		} else if earnIdx >= 0 {
			if v, ok := row.Fen(earnIdx); ok && v > 0 {
				if k, ok := hashKey(row.IDHashBytes()); ok {
					out.earning = append(out.earning, k)
				}
			}
		}
		if out.errCount > 0 {
			continue // a rejected file raises nothing; keep reading only to list its errors
		}
		rules.eval(j, row, p, func(h hit) { out.hits = append(out.hits, h) })
	}
	r.Close()
	if err := s.duplicates(b, src, digests, out); err != nil {
		out.fail = err
	}
	return out
}

func (p *processed) addError(e RowError) {
	p.errCount++
	if len(p.errs) < maxKeptErrors {
		p.errs = append(p.errs, e)
	}
}

// noteProgress records how far a long file has been read, for the batch page and the CLI.
func (s *Store) noteProgress(ctx context.Context, b *Batch, rows int64, progress func(string)) {
	_, _ = s.DB.Exec(ctx, `UPDATE monitor_batches SET rows_read = ? WHERE id = ?`, rows, b.ID)
	if progress != nil {
		progress(fmt.Sprintf("%s #%d: %d rows", b.Source, b.ID, rows))
	}
}

// finish writes a batch's outcome in one transaction: its errors and rejection, or its warnings
// (each at most once, whoever raised it first) and completion.
func (s *Store) finish(ctx context.Context, b *Batch, res *processed) (*Batch, error) {
	if res.fail != nil {
		return nil, res.fail
	}
	deadline, err := s.deadline(ctx)
	if err != nil {
		return nil, err
	}
	err = s.DB.InTx(ctx, func(tx *db.Tx) error {
		if res.errCount > 0 {
			for _, e := range res.errs {
				if _, err := tx.Exec(ctx, `INSERT INTO monitor_batch_errors (batch_id, line, field, message) VALUES (?, ?, ?, ?)`,
					b.ID, e.Line, e.Field, e.Message); err != nil {
					return err
				}
			}
			_, err := tx.Exec(ctx, `UPDATE monitor_batches SET status = 'rejected', rows_read = ?, rows_matched = 0, row_errors = ?,
				warnings = 0, message = ?, finished_at = ? WHERE id = ?`, res.rows, res.errCount,
				msg.Default().T("monitor.rejected", res.errCount), s.stamp(), b.ID)
			return err
		}
		n, err := s.insertWarnings(ctx, tx, b.ID, res.hits, deadline)
		if err != nil {
			return err
		}
		_, err = tx.Exec(ctx, `UPDATE monitor_batches SET status = 'done', rows_read = ?, rows_matched = ?, row_errors = 0,
			warnings = ?, finished_at = ? WHERE id = ?`, res.rows, res.matched, n, s.stamp(), b.ID)
		return err
	})
	if err != nil {
		return nil, err
	}
	return s.batch(ctx, b.ID)
}

// insertWarnings writes the hits as open warnings; one already raised (same rule, person and
// period) is left alone. It returns how many are new.
func (s *Store) insertWarnings(ctx context.Context, tx *db.Tx, batchID int64, hits []hit, due string) (int, error) {
	t := msg.Default().T
	now := s.stamp()
	n := 0
	for start := 0; start < len(hits); start += 200 {
		chunk := hits[start:min(start+200, len(hits))]
		args := make([]any, 0, len(chunk)*14)
		for _, h := range chunk {
			ev, _ := json.Marshal(h.evidence)
			var pid, hid any
			tier := ""
			if h.person != nil {
				pid, hid, tier = h.person.PersonID, h.person.HouseholdID, string(h.person.Tier)
			}
			region := h.region
			if region == "" {
				region = s.City
			}
			args = append(args, h.rule.ID, h.rule.Kind, h.hash, h.period, pid, hid, region, tier, batchID,
				h.summary(t("monitor.rule."+h.rule.ID)), string(ev), due, now, now)
		}
		row := "(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 'open', ?, ?, ?)"
		rows, err := tx.Query(ctx, `INSERT INTO monitor_warnings (rule, kind, subject_hash, period, person_id, household_id,
			region_code, tier, batch_id, summary, evidence, state, due_date, created_at, updated_at) VALUES `+
			strings.TrimSuffix(strings.Repeat(row+", ", len(chunk)), ", ")+` ON CONFLICT (rule, subject_hash, period) DO NOTHING RETURNING id`, args...)
		if err != nil {
			return 0, err
		}
		for rows.Next() {
			n++
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return 0, err
		}
	}
	return n, nil
}

// deadline is the due date of a warning raised today: monitor.deadline_days working days [D].
func (s *Store) deadline(ctx context.Context) (string, error) {
	set, err := s.Params.Load(ctx)
	if err != nil {
		return "", err
	}
	days := int64(10)
	if p, err := set.Lookup("monitor.deadline_days", s.City, "", s.today()); err == nil {
		days = p.Value
	}
	return s.cal().AddWorkingDays(s.today(), int(days)).String(), nil
}

func clipText(s string, n int) string {
	if len(s) <= n {
		return s
	}
	r := []rune(s)
	return string(r[:min(len(r), n/3)])
}
