package audit

import (
	"context"
	"database/sql"
	"errors"
	"fmt"

	"github.com/minzheng/minzheng/internal/db"
)

// Result is what Verify found. A broken chain is a finding, not an error: Verify returns an error
// only when it could not read the database.
type Result struct {
	Checked  int    // rows whose hash and link were checked and found good
	OK       bool   // the whole chain up to the head is intact
	BrokenAt int64  // when not OK: the first row that was edited, is missing or does not link
	Reason   string // when not OK: what is wrong, for the operator
	LastID   int64  // the head Verify checked against: the newest row when it started
	LastHash string // its hash; operators record it to anchor the chain outside the database
}

// verifyPage is the number of rows read per query: enough to make round trips cheap, few enough
// that millions of rows never sit in memory. A variable so tests can cross page boundaries.
var verifyPage = 1000

// Verify walks the chain in id order up to the head as it stood when Verify started, recomputing
// each row's hash and checking that it points at the row before, and then checks the head against
// the last row and that no row lies beyond the head. It stops at the first problem. Rows appended
// while it runs are left for the next run, so it can run beside a live system; progress, when not
// nil, is called after every page with the number of rows checked so far.
func Verify(ctx context.Context, q db.Querier, progress func(checked int)) (Result, error) {
	var res Result
	err := q.QueryRow(ctx, `SELECT last_id, last_hash FROM audit_head WHERE id = 1`).Scan(&res.LastID, &res.LastHash)
	if errors.Is(err, sql.ErrNoRows) {
		res.Reason = "the chain head (audit_head) is missing: it was deleted"
		return res, nil
	}
	if err != nil {
		return res, fmt.Errorf("audit verify: read chain head: %w", err)
	}
	prevID, prevHash := int64(0), GenesisHash
	for {
		rows, err := q.Query(ctx, `SELECT `+columns+` FROM audit_log WHERE id > ? AND id <= ? ORDER BY id LIMIT ?`,
			prevID, res.LastID, verifyPage)
		if err != nil {
			return res, fmt.Errorf("audit verify: read rows after %d: %w", prevID, err)
		}
		n := 0
		for rows.Next() {
			r, err := scan(rows)
			if err != nil {
				rows.Close()
				return res, err
			}
			n++
			if at, reason := checkRow(&r, prevID, prevHash); reason != "" {
				rows.Close()
				res.BrokenAt, res.Reason = at, reason
				return res, nil
			}
			prevID, prevHash = r.id, r.hash
			res.Checked++
		}
		err = rows.Err()
		rows.Close()
		if err != nil {
			return res, fmt.Errorf("audit verify: read rows after %d: %w", prevID, err)
		}
		if progress != nil && n > 0 {
			progress(res.Checked)
		}
		if n < verifyPage {
			break
		}
	}
	if prevID < res.LastID {
		res.BrokenAt = prevID + 1
		res.Reason = fmt.Sprintf("the head says the newest row is %d but the log ends at %d: %s (newest rows deleted)",
			res.LastID, prevID, missing(prevID+1, res.LastID))
		return res, nil
	}
	if prevHash != res.LastHash {
		res.BrokenAt = prevID
		res.Reason = fmt.Sprintf("row %d: its hash is not the one the head recorded (row or head rewritten)", prevID)
		return res, nil
	}
	return beyondHead(ctx, q, res)
}

// checkRow checks one row against the row before it and returns the id to blame and why, or "".
// A gap comes first, so a deleted row is named rather than the row after it.
func checkRow(r *row, prevID int64, prevHash string) (int64, string) {
	switch {
	case r.id != prevID+1 && prevID == 0:
		return 1, fmt.Sprintf("%s: the log starts at row %d (oldest rows deleted)", missing(1, r.id-1), r.id)
	case r.id != prevID+1:
		return prevID + 1, fmt.Sprintf("%s between rows %d and %d (deleted)", missing(prevID+1, r.id-1), prevID, r.id)
	case r.computeHash() != r.hash:
		return r.id, fmt.Sprintf("row %d: hash does not match its contents (edited)", r.id)
	case r.prevHash != prevHash && prevID == 0:
		return r.id, fmt.Sprintf("row %d: prev_hash is not the start of the chain (row %d replaced)", r.id, r.id)
	case r.prevHash != prevHash:
		return r.id, fmt.Sprintf("row %d: prev_hash does not match the hash of row %d (row %d replaced, or rewritten with a recomputed hash)",
			r.id, prevID, prevID)
	}
	return 0, ""
}

// beyondHead catches rows written past the head, which only a hand insert can do: every Append
// moves the head in the same transaction. MAX(id) is read before the head, so a row appended
// between the two reads is covered by the head and not mistaken for a forgery.
func beyondHead(ctx context.Context, q db.Querier, res Result) (Result, error) {
	var maxID sql.NullInt64
	if err := q.QueryRow(ctx, `SELECT MAX(id) FROM audit_log`).Scan(&maxID); err != nil {
		return res, fmt.Errorf("audit verify: read newest row: %w", err)
	}
	var headID int64
	if err := q.QueryRow(ctx, `SELECT last_id FROM audit_head WHERE id = 1`).Scan(&headID); err != nil {
		return res, fmt.Errorf("audit verify: read chain head: %w", err)
	}
	if maxID.Valid && maxID.Int64 > headID {
		var first int64
		if err := q.QueryRow(ctx, `SELECT MIN(id) FROM audit_log WHERE id > ?`, headID).Scan(&first); err != nil {
			return res, fmt.Errorf("audit verify: read rows beyond head: %w", err)
		}
		res.BrokenAt = first
		res.Reason = fmt.Sprintf("row %d lies beyond the chain head %d (inserted outside the audit log)", first, headID)
		return res, nil
	}
	res.OK = true
	return res, nil
}

// missing names a range of missing rows.
func missing(from, to int64) string {
	if from == to {
		return fmt.Sprintf("row %d is missing", from)
	}
	return fmt.Sprintf("rows %d–%d are missing", from, to)
}
