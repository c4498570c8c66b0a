package meals

import (
	"context"
	"errors"
	"fmt"
	"hash/fnv"
	"slices"
	"sync"
	"time"

	"github.com/minzheng/minzheng/internal/apperr"
	"github.com/minzheng/minzheng/internal/db"
)

// Meals served at the same moment share a transaction. Every counter of a city charges through
// one database, and a meal's own work is small (three short statements); what costs is the
// transaction around it — BEGIN and COMMIT (a WAL write, on PostgreSQL an fsync and several
// round trips), preparing each statement again (the db layer prepares per transaction), and on
// SQLite the single writer that every meal waits for. So a meal joins the queue of its lane; a
// lane with no transaction running starts a goroutine that takes up to maxBatch queued meals,
// serves them one after another in one transaction and commits, then takes the next ones, and
// ends when the queue is empty. Nobody waits for a batch to fill: a lone meal runs at once, and
// under load each transaction takes what arrived while the last one ran (group commit).
//
// Each meal still gets its own answer. A refusal (an unknown card, a closed canteen) is that
// meal's and the others commit; a database error aborts the transaction, and then every meal of
// it is served again in a transaction of its own, so one meal's fault is never another's. A
// meal is acknowledged only after its transaction commits.
//
// SQLite has one lane (one writer anyway). PostgreSQL has a few, so that batches overlap; a
// diner's meals always queue in the same lane (lanes are chosen by the card, QR token or id), so
// two lanes never wait for each other's diner locks — except for one diner named by card in one
// request and by QR token in another at the same instant, which PostgreSQL resolves by aborting
// one transaction (a deadlock error), whose meals are then served alone.

// maxBatch bounds the meals of one transaction, and so how long a diner's lock is held.
const maxBatch = 64

// batchTimeout bounds a batch's transaction; it runs on its own context, since one terminal
// hanging up must not abort the other terminals' meals.
const batchTimeout = 30 * time.Second

// serveReq is one meal waiting in a lane.
type serveReq struct {
	cid  int64
	key  string
	in   ServeInput
	done chan serveResult // buffered: the lane never waits for the caller
}

// serveResult is what became of a meal.
type serveResult struct {
	r        *Receipt
	replayed bool
	err      error
}

// serveLanes are the queues of meals waiting for a transaction. The zero value is ready.
type serveLanes struct {
	mu    sync.Mutex
	lanes []serveLane
}

// serveLane is one lane: its queued meals, and whether a goroutine is draining it (so that a new
// meal starts one only when none runs).
type serveLane struct {
	queue   []*serveReq
	running bool
}

// laneCount is how many transactions of meals may run at once.
func laneCount(d db.Dialect) int {
	if d == db.Postgres {
		return 4
	}
	return 1
}

// submit queues q in its lane, starts the lane if idle, and waits for q's result or ctx's end.
func (l *serveLanes) submit(ctx context.Context, s *Store, q *serveReq) (serveResult, error) {
	h := fnv.New32a()
	_, _ = fmt.Fprint(h, q.in.CardNo, "|", q.in.QRToken, "|", q.in.DinerID)
	l.mu.Lock()
	if l.lanes == nil {
		l.lanes = make([]serveLane, laneCount(s.DB.Dialect()))
	}
	i := int(h.Sum32() % uint32(len(l.lanes)))
	ln := &l.lanes[i]
	ln.queue = append(ln.queue, q)
	if !ln.running {
		ln.running = true
		go s.drainLane(i)
	}
	l.mu.Unlock()
	select {
	case r := <-q.done:
		return r, nil
	case <-ctx.Done():
		return serveResult{}, ctx.Err()
	}
}

// drainLane serves lane i's queue in batches until it is empty.
func (s *Store) drainLane(i int) {
	for {
		s.lanes.mu.Lock()
		ln := &s.lanes.lanes[i]
		n := min(len(ln.queue), maxBatch)
		if n == 0 {
			ln.running, ln.queue = false, nil
			s.lanes.mu.Unlock()
			return
		}
		batch := slices.Clone(ln.queue[:n])
		ln.queue = ln.queue[n:]
		s.lanes.mu.Unlock()
		s.serveBatch(batch)
	}
}

// serveBatch serves batch in one transaction, or each meal in its own when that fails, and
// answers every meal.
func (s *Store) serveBatch(batch []*serveReq) {
	ctx, cancel := context.WithTimeout(context.Background(), batchTimeout)
	defer cancel()
	results := make([]serveResult, len(batch))
	err := s.DB.InTx(ctx, func(tx *db.Tx) error {
		for i, q := range batch {
			results[i] = s.serveIn(ctx, tx, q)
			if results[i].err != nil && apperr.KindOf(results[i].err) == apperr.Internal {
				return results[i].err
			}
		}
		return nil
	})
	if err != nil {
		for i, q := range batch {
			results[i] = s.serveAlone(ctx, q)
		}
	}
	for i, q := range batch {
		q.done <- results[i]
	}
}

// serveAlone serves q in a transaction of its own.
func (s *Store) serveAlone(ctx context.Context, q *serveReq) serveResult {
	var res serveResult
	err := s.DB.InTx(ctx, func(tx *db.Tx) error {
		res = s.serveIn(ctx, tx, q)
		if res.err != nil && apperr.KindOf(res.err) == apperr.Internal {
			return res.err
		}
		return nil
	})
	if err != nil {
		return serveResult{err: err}
	}
	return res
}

// serveFault, when set (by tests only), fails the meal under a key with an error of the kind a
// database gives, to show that one meal's fault is not its batch's.
var serveFault func(key string) error

// serveIn serves q in tx: a new meal, or the first one when its key was taken meanwhile.
func (s *Store) serveIn(ctx context.Context, tx *db.Tx, q *serveReq) serveResult {
	if serveFault != nil {
		if err := serveFault(q.key); err != nil {
			return serveResult{err: err}
		}
	}
	r, err := s.serve(ctx, tx, q.cid, q.key, q.in)
	if errors.Is(err, errKeyTaken) {
		r, err = s.replay(ctx, tx, q.cid, q.key, q.in)
		return serveResult{r: r, replayed: true, err: err}
	}
	return serveResult{r: r, err: err}
}
