package meals

import (
	"context"
	"errors"
	"strings"

	"github.com/minzheng/minzheng/internal/apperr"
	"github.com/minzheng/minzheng/internal/db"
)

// The counter's way in: Serve checks a meal and its Idempotency-Key, hands it to a lane for a
// shared transaction (serve_lanes.go), and answers a retried or reused key from the meal already
// recorded, so that a terminal resending on a bad line never charges a diner twice.

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
