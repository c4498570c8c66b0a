package assistance

import (
	"encoding/json"
	"time"

	"github.com/minzheng/minzheng/internal/apperr"
	"github.com/minzheng/minzheng/internal/civil"
	"github.com/minzheng/minzheng/internal/db"
)

func nullID(id int64) any {
	if id == 0 {
		return nil
	}
	return id
}

func dateText(d civil.Date) string {
	if d.IsZero() {
		return ""
	}
	return d.String()
}

func timeText(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return db.FormatTime(t)
}

func monthText(m civil.Month) string {
	if m.IsZero() {
		return ""
	}
	return m.String()
}

// errStale is the conflict of two officers acting on the same case: the later one must reload.
func errStale() error { return apperr.Msg(apperr.Conflict, "case.stale") }

func parseTime(s string) (time.Time, error) {
	if s == "" {
		return time.Time{}, nil
	}
	return db.ParseTime(s)
}

func unmarshal(s string, v any) error { return json.Unmarshal([]byte(s), v) }
