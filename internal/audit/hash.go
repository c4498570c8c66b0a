package audit

import (
	"crypto/sha256"
	"database/sql"
	"encoding/binary"
	"encoding/hex"
	"strconv"
	"time"

	"github.com/minzheng/minzheng/internal/db"
)

// GenesisHash is the prev_hash of the first row: 64 zeros, so the first row is chained like every
// other and a deleted first row shows up as a second row that does not point at genesis.
const GenesisHash = "0000000000000000000000000000000000000000000000000000000000000000"

// hashVersion opens every hash input. A future recipe gets a new tag, so old rows stay
// verifiable and no input of one recipe can be mistaken for one of the other.
const hashVersion = "minzheng.audit.v1"

// nullField is the length written for a NULL column. No real field has this length, so NULL and
// the empty string hash differently.
const nullField = ^uint64(0)

// row is a stored audit row exactly as the database gives it back: text, not parsed values, so
// that verify hashes what is stored and notices an edit even when the edited text no longer
// parses (a garbled date, a non-number in actor_id).
type row struct {
	id         int64
	at         string
	actorID    sql.NullString
	actor      string
	role       string
	action     string
	targetType string
	targetID   string
	regionCode string
	ip         string
	detail     string
	prevHash   string
	hash       string
}

// computeHash is the recipe: hex SHA-256 over the version tag and then every column but hash, in
// table order (id, at, actor_id, actor, role, action, target_type, target_id, region_code, ip,
// detail, prev_hash). Each field is written as its byte length (8 bytes, big-endian) followed by
// its bytes, so no two different rows share an input: moving text from one field to the next
// changes the lengths. id is decimal; actor_id is decimal, or the length 2^64-1 and no bytes
// when NULL.
func (r *row) computeHash() string {
	h := sha256.New()
	var n [8]byte
	put := func(s string) {
		binary.BigEndian.PutUint64(n[:], uint64(len(s)))
		h.Write(n[:])
		h.Write([]byte(s))
	}
	put(hashVersion)
	put(strconv.FormatInt(r.id, 10))
	put(r.at)
	if r.actorID.Valid {
		put(r.actorID.String)
	} else {
		binary.BigEndian.PutUint64(n[:], nullField)
		h.Write(n[:])
	}
	for _, s := range []string{r.actor, r.role, r.action, r.targetType, r.targetID,
		r.regionCode, r.ip, r.detail, r.prevHash} {
		put(s)
	}
	return hex.EncodeToString(h.Sum(nil))
}

// formatTime is the stored text of an instant, in the layout every TEXT time column of Minzheng
// uses: RFC 3339 UTC with a fixed six-digit fraction, which sorts by time as text and reads back
// byte for byte the same on both engines. It drops what the layout cannot hold, so the instant
// Append returns is the one Search reads back.
func formatTime(t time.Time) string {
	return t.UTC().Truncate(time.Microsecond).Format(db.TimeLayout)
}
