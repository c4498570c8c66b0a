package api

import (
	"net/http"

	"github.com/minzheng/minzheng/internal/apperr"
	"github.com/minzheng/minzheng/internal/auth"
	"github.com/minzheng/minzheng/internal/httpx"
)

func (a *API) registerDuplicates() {
	a.handle("GET", "/duplicates", auth.HouseholdView, a.listDuplicates)
	a.handle("POST", "/duplicates/{id}/decision", auth.HouseholdEdit, a.decideDuplicate)
}

type candidateJSON struct {
	ID        int64      `json:"id"`
	Reason    string     `json:"reason"`
	Status    string     `json:"status"`
	A         personJSON `json:"a"`
	B         personJSON `json:"b"`
	DecidedBy string     `json:"decided_by,omitempty"`
	Note      string     `json:"note,omitempty"`
}

// listDuplicates answers GET /duplicates?status=open|merged|dismissed within the caller's scope.
func (a *API) listDuplicates(w http.ResponseWriter, r *http.Request) {
	status := r.URL.Query().Get("status")
	if status == "" {
		status = "open"
	}
	cands, err := a.deps.Registry.Candidates(r.Context(), auth.FromContext(r.Context()), status, 500)
	if err != nil {
		a.writeError(w, r, err)
		return
	}
	out := make([]candidateJSON, 0, len(cands))
	for _, c := range cands {
		pa, pb := toPersonJSON(c.A), toPersonJSON(c.B)
		pa.Address, pb.Address = c.AHousehold, c.BHousehold
		out = append(out, candidateJSON{ID: c.ID, Reason: c.Reason, Status: c.Status, A: pa, B: pb, DecidedBy: c.DecidedBy, Note: c.Note})
	}
	writeJSON(w, http.StatusOK, map[string]any{"candidates": out})
}

type decisionJSON struct {
	Decision string `json:"decision"` // merge or dismiss
	Drop     int64  `json:"drop"`     // the person record a merge removes
	Note     string `json:"note"`
}

func (a *API) decideDuplicate(w http.ResponseWriter, r *http.Request) {
	id, err := pathInt(r, "id", "registry.candidate_notfound")
	if err != nil {
		a.writeError(w, r, err)
		return
	}
	var in decisionJSON
	if err := decode(r, &in); err != nil {
		a.writeError(w, r, err)
		return
	}
	if in.Decision != "merge" && in.Decision != "dismiss" {
		a.writeError(w, r, apperr.FieldMsg("decision", "api.decision_invalid"))
		return
	}
	if err := a.deps.Registry.Decide(r.Context(), auth.FromContext(r.Context()), id, in.Decision == "merge", in.Drop, in.Note, httpx.ClientIP(r)); err != nil {
		a.writeError(w, r, err)
		return
	}
	w.WriteHeader(http.StatusNoContent)
}
