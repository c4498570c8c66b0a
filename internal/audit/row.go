package audit

import (
	"bytes"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"time"

	"github.com/minzheng/minzheng/internal/db"
)

// columns is every stored column in table order; scan reads them in this order.
const columns = `id, at, actor_id, actor, role, action, target_type, target_id, region_code, ip,
	detail, prev_hash, hash`

// scan reads one row of columns. Text columns go into NullString, so a row someone set to NULL by
// hand is still read (and then fails its hash) instead of stopping verify with a scan error.
func scan(rows *sql.Rows) (row, error) {
	var r row
	var s [11]sql.NullString
	err := rows.Scan(&r.id, &s[0], &r.actorID, &s[1], &s[2], &s[3], &s[4], &s[5], &s[6], &s[7], &s[8], &s[9], &s[10])
	if err != nil {
		return row{}, fmt.Errorf("audit: read row: %w", err)
	}
	r.at, r.actor, r.role, r.action, r.targetType = s[0].String, s[1].String, s[2].String, s[3].String, s[4].String
	r.targetID, r.regionCode, r.ip, r.detail, r.prevHash = s[5].String, s[6].String, s[7].String, s[8].String, s[9].String
	r.hash = s[10].String
	return r, nil
}

// canonicalDetail encodes detail as the JSON text that is stored and hashed: an object (an empty
// one for nil) with keys sorted at every level, as encoding/json writes maps, and with <, > and &
// left as they are so the text stays readable. Anything JSON cannot hold (a channel, NaN, a cycle)
// is an error.
func canonicalDetail(detail map[string]any) (string, error) {
	if len(detail) == 0 {
		return "{}", nil
	}
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(detail); err != nil {
		return "", err
	}
	if b.Len() > maxDetail {
		return "", errors.New("larger than 64 KiB")
	}
	return string(bytes.TrimSuffix(b.Bytes(), []byte("\n"))), nil
}

// decodeDetail reads stored detail back. Numbers stay json.Number so that an id of 2^60 reads back
// exactly; the empty object reads as nil, as it was most likely written. A row whose detail no longer parses (only a hand edit can do that) reads as nil, so a
// search still shows the row and verify names it.
func decodeDetail(text string) map[string]any {
	dec := json.NewDecoder(bytes.NewReader([]byte(text)))
	dec.UseNumber()
	var m map[string]any
	if err := dec.Decode(&m); err != nil || len(m) == 0 {
		return nil
	}
	return m
}

// record turns stored text into a Record. Like decodeDetail it is lenient: a hand-edited time or
// actor id reads as zero rather than hiding the row from an auditor.
func (r *row) record() Record {
	at, _ := time.Parse(db.TimeLayout, r.at)
	var actorID int64
	if r.actorID.Valid {
		actorID, _ = strconv.ParseInt(r.actorID.String, 10, 64)
	}
	return Record{
		ID: r.id,
		At: at,
		Event: Event{
			ActorID:    actorID,
			Actor:      r.actor,
			Role:       r.role,
			Action:     r.action,
			TargetType: r.targetType,
			TargetID:   r.targetID,
			RegionCode: r.regionCode,
			IP:         r.ip,
			Detail:     decodeDetail(r.detail),
		},
		PrevHash: r.prevHash,
		Hash:     r.hash,
	}
}
