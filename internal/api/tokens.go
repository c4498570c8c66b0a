package api

import (
	"net/http"
	"strconv"
	"time"

	"github.com/minzheng/minzheng/internal/apperr"
	"github.com/minzheng/minzheng/internal/auth"
	"github.com/minzheng/minzheng/internal/httpx"
)

type tokenJSON struct {
	ID         int64      `json:"id"`
	Name       string     `json:"name"`
	Prefix     string     `json:"prefix"`
	CreatedAt  time.Time  `json:"created_at"`
	LastUsedAt *time.Time `json:"last_used_at"`
	ExpiresAt  *time.Time `json:"expires_at"`
	RevokedAt  *time.Time `json:"revoked_at"`
}

func optionalTime(t time.Time) *time.Time {
	if t.IsZero() {
		return nil
	}
	return &t
}

func toTokenJSON(t auth.Token) tokenJSON {
	return tokenJSON{ID: t.ID, Name: t.Name, Prefix: t.Prefix, CreatedAt: t.CreatedAt,
		LastUsedAt: optionalTime(t.LastUsedAt), ExpiresAt: optionalTime(t.ExpiresAt), RevokedAt: optionalTime(t.RevokedAt)}
}

func (a *API) listTokens(w http.ResponseWriter, r *http.Request) {
	id, err := a.userID(r)
	if err == nil {
		var tokens []auth.Token
		if tokens, err = a.deps.Auth.ListTokens(r.Context(), auth.FromContext(r.Context()), id); err == nil {
			out := make([]tokenJSON, 0, len(tokens))
			for _, t := range tokens {
				out = append(out, toTokenJSON(t))
			}
			writeJSON(w, http.StatusOK, map[string]any{"tokens": out})
			return
		}
	}
	a.writeError(w, r, err)
}

type tokenInputJSON struct {
	Name string `json:"name"`
	Days int    `json:"days"`
}

// createToken issues a token; its secret is in this answer only.
func (a *API) createToken(w http.ResponseWriter, r *http.Request) {
	id, err := a.userID(r)
	if err != nil {
		a.writeError(w, r, err)
		return
	}
	var in tokenInputJSON
	if err := decode(r, &in); err != nil {
		a.writeError(w, r, err)
		return
	}
	if in.Days < 0 || in.Days > 3650 {
		a.writeError(w, r, apperr.FieldMsg("days", "api.token_days"))
		return
	}
	secret, t, err := a.deps.Auth.CreateToken(r.Context(), auth.FromContext(r.Context()), id, in.Name,
		time.Duration(in.Days)*24*time.Hour, httpx.ClientIP(r))
	if err != nil {
		a.writeError(w, r, err)
		return
	}
	writeJSON(w, http.StatusCreated, map[string]any{"token": toTokenJSON(*t), "secret": secret})
}

func (a *API) revokeToken(w http.ResponseWriter, r *http.Request) {
	id, err := a.userID(r)
	if err != nil {
		a.writeError(w, r, err)
		return
	}
	tokenID, err := strconv.ParseInt(r.PathValue("token"), 10, 64)
	if err != nil {
		a.writeError(w, r, apperr.Msg(apperr.NotFound, "token.notfound"))
		return
	}
	if err := a.deps.Auth.RevokeToken(r.Context(), auth.FromContext(r.Context()), id, tokenID, httpx.ClientIP(r)); err != nil {
		a.writeError(w, r, err)
		return
	}
	w.WriteHeader(http.StatusNoContent)
}
