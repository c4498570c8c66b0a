// Package audit is Minzheng's tamper-evident audit log: one append-only row for every sensitive
// action (a sign-in, a change to a user or token, a reveal of personal data, an export, a decision,
// a policy change), as 个人信息保护法 and 等保 expect of a system holding the personal data of
// low-income households.
//
// Why a hash chain: every row stores the SHA-256 of its own contents and the hash of the row
// before it, and the one-row table audit_head stores the newest id and hash. Verify recomputes the
// chain and names the first row that was edited, deleted, inserted or replaced, and notices when
// the newest rows were cut off. Ids are assigned here (head + 1), never by the database, so they
// are dense and a gap is itself evidence.
//
// What it does not do: someone with write access to the database and this source code can rebuild
// the whole chain. The chain makes tampering evident, not impossible; operators anchor it by
// recording the head hash that `minzheng audit verify` prints (or shipping it elsewhere), so a
// rebuilt chain no longer matches a hash they wrote down.
//
// Why Append takes a db.Querier: the audit row of an approval must commit or roll back with the
// approval itself, so domain code appends inside its own transaction. Every append first updates
// audit_head, which takes that row's lock on PostgreSQL and so serialises appends from several app
// processes until the transaction ends; SQLite has one writer connection anyway. Append late in a
// transaction, so the lock is held briefly, and under READ COMMITTED (the default): a REPEATABLE
// READ transaction that waited for the lock fails with a serialisation error instead.
package audit

import (
	"context"
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"time"

	"github.com/minzheng/minzheng/internal/apperr"
	"github.com/minzheng/minzheng/internal/db"
)

// Actions Minzheng records. Action names are lower-case dotted words, area first, so that a search
// for the prefix "auth." finds every sign-in event; new actions need no change here.
const (
	ActionLogin          = "auth.login"
	ActionLoginFailed    = "auth.login_failed"
	ActionLogout         = "auth.logout"
	ActionUserCreate     = "user.create"
	ActionUserUpdate     = "user.update"
	ActionUserDisable    = "user.disable"
	ActionUserRoleChange = "user.role_change"
	ActionTokenCreate    = "token.create"
	ActionTokenRevoke    = "token.revoke"
	ActionPIIReveal      = "pii.reveal"
	ActionExport         = "export"
	ActionApprove        = "decision.approve"
	ActionReject         = "decision.reject"
	ActionPolicyChange   = "policy.change"
)

// Actor names for events that no signed-in user caused.
const (
	Anonymous = "anonymous" // the public, or a failed sign-in before anyone is known
	System    = "system"    // jobs, start-up, the CLI acting on its own
)

// actionPattern is the shape of an action name. The single word is allowed because "export" is
// one of Minzheng's actions; everything else should carry its area.
var actionPattern = regexp.MustCompile(`^[a-z_]+(\.[a-z_]+)*$`)

// maxField caps the free-text columns: a failed sign-in records whatever name the caller typed,
// and an attacker must not be able to fill the log with megabytes per attempt.
const maxField = 256

// maxDetail caps the JSON detail; detail comes from our own code, so exceeding it is a bug.
const maxDetail = 64 << 10

// Event is one thing that happened, as the code that did it describes it.
type Event struct {
	ActorID    int64  // users.id of the actor; 0 when there is none (stored as NULL)
	Actor      string // login name, or Anonymous or System; empty means Anonymous
	Role       string // the actor's role at the time, since roles change later
	Action     string // for example ActionPIIReveal
	TargetType string // what was acted on: "user", "household", "person", "token", …
	TargetID   string // its id, as text so any kind of key fits
	RegionCode string // where the target belongs, so scoped auditors see their district's events
	IP         string // the client address, as the HTTP layer determined it
	Detail     map[string]any
}

// Record is an Event as stored: with its id, time and place in the chain. Detail numbers come
// back as json.Number, so large ids survive exactly.
type Record struct {
	ID int64
	At time.Time
	Event
	PrevHash string
	Hash     string
}

// Log appends events with an injectable clock; the zero value uses time.Now.
type Log struct {
	Now func() time.Time
}

func (l *Log) now() time.Time {
	if l == nil || l.Now == nil {
		return time.Now()
	}
	return l.Now()
}

// Append writes e as the next row of the chain, inside q's transaction when q is a *db.Tx, so the
// audit row and the action it records commit or roll back together. Given the *db.DB itself it
// opens a transaction of its own, because the head read and the insert must be atomic.
func (l *Log) Append(ctx context.Context, q db.Querier, e Event) (Record, error) {
	if d, ok := q.(*db.DB); ok {
		return l.Record(ctx, d, e)
	}
	r, err := prepare(e)
	if err != nil {
		return Record{}, err
	}
	var lastID int64
	var lastHash string
	// Updating the head first takes its row lock on PostgreSQL before we read it.
	err = q.QueryRow(ctx, `UPDATE audit_head SET last_id = last_id WHERE id = 1 RETURNING last_id, last_hash`).
		Scan(&lastID, &lastHash)
	if err != nil {
		return Record{}, fmt.Errorf("audit: lock chain head: %w", err)
	}
	r.id = lastID + 1
	r.prevHash = lastHash
	r.at = formatTime(l.now()) // read after the lock, so times follow ids
	r.hash = r.computeHash()
	_, err = q.Exec(ctx, `INSERT INTO audit_log (id, at, actor_id, actor, role, action, target_type,
		target_id, region_code, ip, detail, prev_hash, hash) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		r.id, r.at, actorArg(e.ActorID), r.actor, r.role, r.action, r.targetType, r.targetID, r.regionCode,
		r.ip, r.detail, r.prevHash, r.hash)
	if err != nil {
		return Record{}, fmt.Errorf("audit: append %s: %w", r.action, err)
	}
	if _, err := q.Exec(ctx, `UPDATE audit_head SET last_id = ?, last_hash = ? WHERE id = 1`, r.id, r.hash); err != nil {
		return Record{}, fmt.Errorf("audit: move chain head: %w", err)
	}
	return r.record(), nil
}

// Record appends e in a transaction of its own, for events that stand alone: a sign-in, a failed
// sign-in, a reveal.
func (l *Log) Record(ctx context.Context, d *db.DB, e Event) (Record, error) {
	var rec Record
	err := d.InTx(ctx, func(tx *db.Tx) error {
		var err error
		rec, err = l.Append(ctx, tx, e)
		return err
	})
	return rec, err
}

// prepare checks e and turns it into the text that will be stored and hashed.
func prepare(e Event) (row, error) {
	if e.Action == "" {
		return row{}, apperr.InvalidField("action", "audit event has no action")
	}
	if len(e.Action) > maxField || !actionPattern.MatchString(e.Action) {
		return row{}, apperr.InvalidField("action", "audit action %q is not a lower-case dotted name like auth.login", e.Action)
	}
	if e.ActorID < 0 {
		return row{}, apperr.InvalidField("actor_id", "audit actor id %d is negative", e.ActorID)
	}
	detail, err := canonicalDetail(e.Detail)
	if err != nil {
		return row{}, apperr.InvalidField("detail", "audit detail of %s: %v", e.Action, err)
	}
	actor := clean(e.Actor)
	if actor == "" {
		actor = Anonymous
	}
	r := row{
		actor:      actor,
		role:       clean(e.Role),
		action:     e.Action,
		targetType: clean(e.TargetType),
		targetID:   clean(e.TargetID),
		regionCode: clean(e.RegionCode),
		ip:         clean(e.IP),
		detail:     detail,
	}
	if e.ActorID != 0 {
		r.actorID.Valid = true
		r.actorID.String = strconv.FormatInt(e.ActorID, 10)
	}
	return r, nil
}

// clean makes s storable on both engines and bounded: invalid UTF-8 and NUL bytes (which
// PostgreSQL TEXT refuses) become U+FFFD, and s is cut to maxField bytes at a character
// boundary. Audit input is partly typed by strangers; rejecting it would lose the event.
func clean(s string) string {
	s = strings.ToValidUTF8(s, "\uFFFD")
	s = strings.ReplaceAll(s, "\x00", "\uFFFD")
	if len(s) <= maxField {
		return s
	}
	cut := maxField
	for cut > 0 && !isRuneStart(s[cut]) {
		cut--
	}
	return s[:cut]
}

func isRuneStart(b byte) bool { return b&0xC0 != 0x80 }

// actorArg is the actor_id parameter: NULL for no actor, as the hash recipe expects.
func actorArg(id int64) any {
	if id == 0 {
		return nil
	}
	return id
}
