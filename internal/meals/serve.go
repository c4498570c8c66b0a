package meals

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"hash/fnv"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/minzheng/minzheng/internal/apperr"
	"github.com/minzheng/minzheng/internal/civil"
	"github.com/minzheng/minzheng/internal/db"
	"github.com/minzheng/minzheng/internal/msg"
	"github.com/minzheng/minzheng/internal/pii"
)

// Flags a served meal may carry besides the engine's second_meal_today, for settlement and the
// anti-fraud checks to look at. The meal is still recorded: the counter has served it, and the
// evidence belongs in the books, not in a refusal.
const (
	FlagDeceased  = "diner_deceased"
	FlagClosedDay = "canteen_closed_day"
)

// ServeInput is one meal at the counter: the diner, by card number (what the terminal reads),
// by the QR token printed on the card, or by id, and the menu item.
type ServeInput struct {
	CardNo     string
	QRToken    string
	DinerID    int64
	MenuItemID int64
}

// check refuses a meal that cannot be right before anything is read.
func (in ServeInput) check() error {
	if err := in.checkDiner(); err != nil {
		return err
	}
	if in.MenuItemID <= 0 {
		return apperr.FieldMsg("menu_item_id", "meals.terminal.item_required")
	}
	return nil
}

// checkDiner refuses a diner reference that cannot be right.
func (in ServeInput) checkDiner() error {
	switch {
	case in.CardNo != "":
		if !ValidCardNo(in.CardNo) {
			return apperr.FieldMsg("card_no", "meals.card_invalid")
		}
	case in.QRToken != "":
		if len(in.QRToken) > 100 {
			return apperr.FieldMsg("qr_token", "meals.terminal.qr_invalid")
		}
	case in.DinerID <= 0:
		return apperr.FieldMsg("card_no", "meals.diner_required")
	}
	return nil
}

// dinerWhere is the condition that finds the diner in; QR tokens are found by their hash.
func (in ServeInput) dinerWhere() (string, any) {
	switch {
	case in.CardNo != "":
		return "card_no = ?", in.CardNo
	case in.QRToken != "":
		return "qr_token_hash = ?", tokenHash(in.QRToken)
	}
	return "id = ?", in.DinerID
}

// errKeyTaken says that the meal's Idempotency-Key was used meanwhile by a request that
// committed first.
var errKeyTaken = errors.New("meals: idempotency key taken")

// Serve records one meal served at canteen cid's counter and returns its receipt. key is the
// terminal's Idempotency-Key: a request with a key already used at this canteen returns the
// first receipt with replayed set and charges nothing again, however many copies arrive and
// however close together; the same key for a different meal is a Conflict. A retry whose meal
// would now be refused (the canteen closed since, the item left the menu) still gets its first
// answer: the meal was served.
//
// A meal is three statements in a transaction: take the diner's row lock (which also reads the
// diner and checks the cached canteen and menu item), count their subsidised meals today (served
// anywhere, and live online orders), and insert the meal with its split. The receipt is made
// from what the transaction already holds. Meals arriving together share a transaction (see
// serveLanes); Serve returns only once its meal is committed. Meals are not written to the
// audit log: each is a record of its own, and a city's lunch hour through one chain head would
// serialise every canteen behind one row.
func (s *Store) Serve(ctx context.Context, cid int64, key string, in ServeInput) (*Receipt, bool, error) {
	switch {
	case !validKey(key):
		return nil, false, apperr.FieldMsg("idempotency_key", "meals.key_required")
	case strings.HasPrefix(key, orderKeyPrefix), strings.HasPrefix(key, historyKeyPrefix):
		return nil, false, apperr.FieldMsg("idempotency_key", "meals.terminal.key_reserved")
	}
	if err := in.check(); err != nil {
		return nil, false, err
	}
	res, err := s.lanes.submit(ctx, s, &serveReq{cid: cid, key: key, in: in, done: make(chan serveResult, 1)})
	if err == nil {
		err = res.err
	}
	if err != nil && apperr.KindOf(err) != apperr.Internal {
		// A refusal: if the key holds a meal already, that meal is the answer.
		first, rerr := s.replay(ctx, s.DB, cid, key, in)
		switch {
		case rerr == nil:
			return first, true, nil
		case apperr.KindOf(rerr) == apperr.Conflict:
			return nil, false, rerr
		}
	}
	if err != nil {
		return nil, false, err
	}
	return res.r, res.replayed, nil
}

// orderKeyPrefix and historyKeyPrefix start the keys under which served online orders
// (TransactionKey) and loaded history (HistoryKey) are recorded; a terminal may not use them, or
// a later load or fulfilment would take its meal for its own.
const (
	orderKeyPrefix   = "order-"
	historyKeyPrefix = "hist-"
)

// replay reads the meal recorded under key, refusing it if it is not the meal asked for;
// sql.ErrNoRows when there is none.
func (s *Store) replay(ctx context.Context, q db.Querier, cid int64, key string, in ServeInput) (*Receipt, error) {
	r, qrHash, err := storedMeal(ctx, q, cid, key)
	if err != nil {
		return nil, err
	}
	same := r.MenuItemID == in.MenuItemID
	switch {
	case in.CardNo != "":
		same = same && in.CardNo == r.CardNo
	case in.QRToken != "":
		same = same && tokenHash(in.QRToken) == qrHash
	default:
		same = same && in.DinerID == r.DinerID
	}
	if !same {
		return nil, apperr.Msg(apperr.Conflict, "meals.key_reused")
	}
	return r, nil
}

// serve prices and inserts the meal; errKeyTaken when the key was taken meanwhile.
//
// Two statements do it. The first takes the diner's row lock with an UPDATE (SQLite has no
// SELECT … FOR UPDATE; its single writer serialises anyway) and returns, with the diner, the
// versions that tell whether the cached canteen and item still hold and the diner's subsidised
// meals today. The second inserts the meal only if that count still stands. On PostgreSQL the
// first statement's count can be stale: if it waited for the lock of a transaction that served
// the same diner at another canteen, its snapshot predates that meal. The insert, a statement of
// its own with a fresh snapshot taken under the lock, counts again; when nothing was inserted
// and the key is free, the count moved, and the meal is priced again with the new one (the lock
// is held now, so the second try stands). A round trip is saved for every meal served alone
// and it costs nothing where nothing raced.
func (s *Store) serve(ctx context.Context, tx *db.Tx, cid int64, key string, in ServeInput) (*Receipt, error) {
	today := s.today()
	where, arg := in.dinerWhere()
	var d DinerRecord
	var cats string
	var version, itemLive sql.NullInt64
	var itemStamp sql.NullString
	var subsidised int
	err := tx.QueryRow(ctx, `UPDATE diners SET version = version WHERE `+where+` RETURNING id, name, birth_date,
		hukou_region, home_region, categories, card_no, status, (SELECT version FROM canteens WHERE id = ?),
		(SELECT updated_at FROM menu_items WHERE id = ? AND canteen_id = ?),
		(SELECT CASE WHEN active THEN price_fen ELSE 0 END FROM menu_items WHERE id = ?), `+subsidisedSQL("diners.id"),
		arg, cid, in.MenuItemID, cid, in.MenuItemID, today.String(), today.String()).Scan(&d.ID, &d.Name, &d.BirthDate,
		&d.HukouRegion, &d.HomeRegion, &cats, &d.CardNo, &d.Status, &version, &itemStamp, &itemLive, &subsidised)
	switch {
	case errors.Is(err, sql.ErrNoRows):
		return nil, apperr.Msg(apperr.NotFound, "meals.diner_notfound")
	case err != nil:
		return nil, err
	case !version.Valid:
		return nil, apperr.Msg(apperr.NotFound, "meals.canteen_notfound")
	case !itemStamp.Valid:
		return nil, apperr.Msg(apperr.NotFound, "meals.item_notfound")
	}
	d.Categories = splitList(cats)
	c, item, err := s.counter.lookup(ctx, tx, cid, int(version.Int64), in.MenuItemID, itemStamp.String, itemLive.Int64)
	switch {
	case err != nil:
		return nil, err
	case c.Status != CanteenOpen:
		return nil, apperr.Msg(apperr.Conflict, "meals.canteen_closed")
	case !item.Active:
		return nil, apperr.Msg(apperr.Conflict, "meals.item_inactive")
	case d.Status == DinerLeft:
		return nil, apperr.Msg(apperr.Conflict, "meals.diner_left")
	}
	for attempt := 0; ; attempt++ {
		r := s.receipt(&d, c, item, today, subsidised)
		stamp := s.stamp()
		r.CreatedAt, _ = db.ParseTime(stamp) // as a replay will read it back
		err = tx.QueryRow(ctx, `INSERT INTO meal_transactions (canteen_id, diner_id, menu_item_id, region_code, meal_type,
			served_on, price_fen, diner_pays_fen, city_fen, district_fen, street_fen, policy_id, rule, reason, flags, channel,
			status, idempotency_key, created_at) SELECT CAST(? AS BIGINT), CAST(? AS BIGINT), CAST(? AS BIGINT), ?, ?, ?,
			CAST(? AS BIGINT), CAST(? AS BIGINT), CAST(? AS BIGINT), CAST(? AS BIGINT), CAST(? AS BIGINT), ?, ?, ?, ?, ?,
			'served', ?, ? WHERE `+subsidisedSQL("CAST(? AS BIGINT)")+` = CAST(? AS BIGINT)
			ON CONFLICT (canteen_id, idempotency_key) DO NOTHING RETURNING id`,
			cid, d.ID, item.ID, c.RegionCode, item.MealType, today.String(), int64(r.Price), int64(r.DinerPays), int64(r.City),
			int64(r.District), int64(r.Street), r.PolicyID, r.Rule, r.Reason, joinList(r.Flags), ChannelCounter, key, stamp,
			d.ID, today.String(), d.ID, today.String(), subsidised).Scan(&r.TransactionID)
		if err == nil {
			return r, nil
		}
		if !errors.Is(err, sql.ErrNoRows) {
			return nil, err
		}
		// Nothing inserted: the key is taken, or the count moved.
		var taken int
		if err := tx.QueryRow(ctx, `SELECT COUNT(*) FROM meal_transactions WHERE canteen_id = ? AND idempotency_key = ?`,
			cid, key).Scan(&taken); err != nil {
			return nil, err
		}
		if taken > 0 {
			return nil, errKeyTaken
		}
		if attempt == 2 {
			return nil, errors.New("meals: the diner's daily count kept changing under the lock")
		}
		if subsidised, err = s.subsidisedCount(ctx, tx, d.ID, today); err != nil {
			return nil, err
		}
	}
}

// receipt prices item for diner d at canteen c on day, given their subsidised meals so far, and
// makes the meal's receipt (without its id and time).
func (s *Store) receipt(d *DinerRecord, c *Canteen, item *MenuItem, day civil.Date, subsidised int) *Receipt {
	q := s.quote(d, c, item, day, subsidised)
	if d.Status == DinerDeceased {
		q.Flags = append(q.Flags, FlagDeceased)
	}
	if !c.OpensOn(day) {
		q.Flags = append(q.Flags, FlagClosedDay)
	}
	r := &Receipt{CanteenID: c.ID, DinerID: d.ID, DinerName: pii.MaskName(d.Name), CardNo: d.CardNo, MenuItemID: item.ID,
		ItemName: item.Name, MealType: item.MealType, ServedOn: day, Price: q.Price, DinerPays: q.DinerPays,
		PolicyID: q.PolicyID, Rule: q.Rule, Reason: q.Reason, Flags: splitList(joinList(q.Flags)), Channel: ChannelCounter}
	for _, sh := range q.Shares {
		switch sh.Source {
		case SourceCity:
			r.City += sh.Amount
		case SourceDistrict:
			r.District += sh.Amount
		case SourceStreet:
			r.Street += sh.Amount
		}
	}
	return r
}

// subsidisedSQL is the expression counting the subsidised meals of the diner whose id is the
// expression dinerID on the day given by the next two placeholders, as the one-a-day rule counts
// them: meals served (at any canteen, on any channel) and live online orders (placed or paid)
// that carry a subsidy. A served order is counted once, as its meal.
func subsidisedSQL(dinerID string) string {
	return `((SELECT COUNT(*) FROM meal_transactions st WHERE st.diner_id = ` + dinerID + ` AND st.served_on = ?
		AND st.status = 'served' AND st.diner_pays_fen < st.price_fen) + (SELECT COUNT(*) FROM meal_orders so
		WHERE so.diner_id = ` + dinerID + ` AND so.meal_day = ? AND so.status IN ('placed', 'paid')
		AND so.diner_pays_fen < so.price_fen))`
}

// subsidisedCount counts diner id's subsidised meals on day (subsidisedSQL).
func (s *Store) subsidisedCount(ctx context.Context, q db.Querier, id int64, day civil.Date) (int, error) {
	var n int
	err := q.QueryRow(ctx, `SELECT `+subsidisedSQL("CAST(? AS BIGINT)"), id, day.String(), id, day.String()).Scan(&n)
	return n, err
}

// quote prices item for diner d at canteen c on day, with the policy in force there.
func (s *Store) quote(d *DinerRecord, c *Canteen, item *MenuItem, day civil.Date, subsidised int) Quote {
	p, ok := PolicyFor(s.Policies, c.RegionCode, day)
	if !ok {
		return Quote{Price: item.Price, DinerPays: item.Price, Reason: msg.Default().T("meals.no_policy")}
	}
	return p.Quote(d.pricing(day), Meal{Date: day, Type: item.MealType, Price: item.Price, CanteenRegion: c.RegionCode,
		SubsidisedToday: subsidised}, s.calendar())
}

// validKey reports whether an Idempotency-Key is 1 to 100 visible ASCII characters.
func validKey(k string) bool {
	if k == "" || len(k) > 100 {
		return false
	}
	for i := 0; i < len(k); i++ {
		if k[i] < 0x21 || k[i] > 0x7e {
			return false
		}
	}
	return true
}

// counterCache keeps the canteens and menu items the counter has priced meals with, so that a
// meal reads neither. Each meal's lock statement reads the canteen's version and the item's
// updated_at and live price (its price while active, else 0) with the diner, and lookup reads
// again whatever no longer matches, within the meal's transaction: a change made by any process
// is seen by the next meal, and nothing relies on every writer remembering to clear a cache. It
// relies on what the stores do: a change to a canteen bumps its version (UpdateCanteen), and an
// item's name and meal type are never edited (an item no longer offered is made inactive). The
// zero value is ready.
type counterCache struct {
	mu       sync.RWMutex
	canteens map[int64]*Canteen
	items    map[int64]cachedItem
}

type cachedItem struct {
	item  *MenuItem
	stamp string
}

// maxCounterCache bounds each map; a city has a few thousand canteens and their menus.
const maxCounterCache = 100000

// lookup returns canteen cid and item itemID as stored now, given the canteen's version and the
// item's stamp and live price just read in q's transaction. The values returned are shared:
// callers only read them.
func (c *counterCache) lookup(ctx context.Context, q db.Querier, cid int64, version int, itemID int64, stamp string,
	live int64) (*Canteen, *MenuItem, error) {
	c.mu.RLock()
	can, it := c.canteens[cid], c.items[itemID]
	c.mu.RUnlock()
	var err error
	if can == nil || can.Version != version {
		can, err = scanCanteen(q.QueryRow(ctx, `SELECT `+canteenColumns+` FROM canteens WHERE id = ?`, cid))
		if errors.Is(err, sql.ErrNoRows) {
			return nil, nil, apperr.Msg(apperr.NotFound, "meals.canteen_notfound")
		}
		if err != nil {
			return nil, nil, err
		}
		c.mu.Lock()
		if c.canteens == nil || len(c.canteens) >= maxCounterCache {
			c.canteens = map[int64]*Canteen{}
		}
		c.canteens[cid] = can
		c.mu.Unlock()
	}
	if it.item == nil || it.stamp != stamp || livePrice(it.item) != live {
		var m MenuItem
		err := q.QueryRow(ctx, `SELECT id, canteen_id, name, meal_type, price_fen, active, updated_at FROM menu_items
			WHERE id = ?`, itemID).Scan(&m.ID, &m.CanteenID, &m.Name, &m.MealType, &m.Price, &m.Active, &it.stamp)
		if errors.Is(err, sql.ErrNoRows) || err == nil && m.CanteenID != cid {
			return nil, nil, apperr.Msg(apperr.NotFound, "meals.item_notfound")
		}
		if err != nil {
			return nil, nil, err
		}
		it.item = &m
		c.mu.Lock()
		if c.items == nil || len(c.items) >= maxCounterCache {
			c.items = map[int64]cachedItem{}
		}
		c.items[itemID] = it
		c.mu.Unlock()
	}
	if it.item.CanteenID != cid {
		return nil, nil, apperr.Msg(apperr.NotFound, "meals.item_notfound")
	}
	return can, it.item, nil
}

// livePrice is what the lock statement reads of an item: its price while active, else 0.
func livePrice(m *MenuItem) int64 {
	if !m.Active {
		return 0
	}
	return int64(m.Price)
}

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
