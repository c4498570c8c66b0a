package api

import (
	"net/http"
	"strconv"
	"time"

	"github.com/minzheng/minzheng/internal/apperr"
	"github.com/minzheng/minzheng/internal/audit"
	"github.com/minzheng/minzheng/internal/auth"
	"github.com/minzheng/minzheng/internal/region"
)

type auditJSON struct {
	ID         int64          `json:"id"`
	At         time.Time      `json:"at"`
	ActorID    int64          `json:"actor_id,omitempty"`
	Actor      string         `json:"actor"`
	Role       string         `json:"role,omitempty"`
	Action     string         `json:"action"`
	TargetType string         `json:"target_type,omitempty"`
	TargetID   string         `json:"target_id,omitempty"`
	RegionCode string         `json:"region_code,omitempty"`
	IP         string         `json:"ip,omitempty"`
	Detail     map[string]any `json:"detail,omitempty"`
	Hash       string         `json:"hash"`
}

// searchAudit answers GET /audit: the audit log within the caller's scope, newest first.
func (a *API) searchAudit(w http.ResponseWriter, r *http.Request) {
	p := auth.FromContext(r.Context())
	q := r.URL.Query()
	f := audit.Filter{RegionPrefix: q.Get("region"), Actor: q.Get("actor"), Action: q.Get("action"),
		TargetType: q.Get("target_type"), TargetID: q.Get("target_id")}
	if p.Scope.Level() > region.City {
		f.Scope = p.Scope.Code()
	}
	f.Page, _ = strconv.Atoi(q.Get("page"))
	f.PerPage, _ = strconv.Atoi(q.Get("per_page"))
	for _, t := range []struct {
		field string
		dst   *time.Time
	}{{"from", &f.From}, {"to", &f.To}} {
		if v := q.Get(t.field); v != "" {
			parsed, err := time.Parse(time.RFC3339, v)
			if err != nil {
				a.writeError(w, r, apperr.FieldMsg(t.field, "api.time_invalid"))
				return
			}
			*t.dst = parsed
		}
	}
	records, total, err := audit.Search(r.Context(), a.deps.DB, f)
	if err != nil {
		a.writeError(w, r, err)
		return
	}
	out := make([]auditJSON, 0, len(records))
	for _, rec := range records {
		out = append(out, auditJSON{ID: rec.ID, At: rec.At, ActorID: rec.ActorID, Actor: rec.Actor, Role: rec.Role,
			Action: rec.Action, TargetType: rec.TargetType, TargetID: rec.TargetID, RegionCode: rec.RegionCode,
			IP: rec.IP, Detail: rec.Detail, Hash: rec.Hash})
	}
	writeJSON(w, http.StatusOK, map[string]any{"records": out, "total": total})
}
