package api

import (
	"net/http"

	"github.com/minzheng/minzheng/internal/apperr"
	"github.com/minzheng/minzheng/internal/auth"
	"github.com/minzheng/minzheng/internal/civil"
	"github.com/minzheng/minzheng/internal/httpx"
	"github.com/minzheng/minzheng/internal/region"
)

// registerNotice adds the public notice (公示): what the law says must be posted, readable and
// objectionable by anyone without an account.
func (a *API) registerNotice() {
	a.handle("GET", "/notice", auth.Public, a.publicNotice)
	a.handle("POST", "/notice/{id}/objections", auth.Public, a.fileObjection)
}

// noticeRowJSON is one case on the notice. Only masked identifiers ever appear here.
type noticeRowJSON struct {
	ApplicationID int64      `json:"application_id"`
	Program       string     `json:"program"`
	RegionCode    string     `json:"region_code"`
	NameMasked    string     `json:"name_masked"`
	IDMasked      string     `json:"id_masked"`
	AmountFen     int64      `json:"amount_fen"`
	OneOff        bool       `json:"one_off"`
	From          civil.Date `json:"from"`
	To            civil.Date `json:"to"`
}

// publicNotice answers GET /notice?region=370212: the cases whose notice is running in a
// district or street, names and ID numbers masked.
func (a *API) publicNotice(w http.ResponseWriter, r *http.Request) {
	code := r.URL.Query().Get("region")
	if region.ValidCode(code) != nil {
		a.writeError(w, r, apperr.FieldMsg("region", "api.region.invalid"))
		return
	}
	rows, err := a.deps.Cases.PublicNotice(r.Context(), code)
	if err != nil {
		a.writeError(w, r, err)
		return
	}
	out := make([]noticeRowJSON, 0, len(rows))
	for _, n := range rows {
		out = append(out, noticeRowJSON{ApplicationID: n.ApplicationID, Program: n.Program, RegionCode: n.RegionCode,
			NameMasked: n.NameMasked, IDMasked: n.IDMasked, AmountFen: int64(n.Amount), OneOff: n.OneOff, From: n.From, To: n.To})
	}
	writeJSON(w, http.StatusOK, map[string]any{"region": code, "cases": out})
}

// objectionInputJSON is the body of POST /notice/{id}/objections; filer and contact may be left out.
type objectionInputJSON struct {
	Filer   string `json:"filer"`
	Contact string `json:"contact"`
	Content string `json:"content"`
}

// fileObjection answers POST /notice/{id}/objections (201): anyone may object to a case while
// its notice runs; the street must settle the objection before the notice can end. A case not in
// notice answers 404, whether it exists or not.
func (a *API) fileObjection(w http.ResponseWriter, r *http.Request) {
	var in objectionInputJSON
	_, id, ok := a.writeInput(w, r, "case.notice_notfound", nil, &in)
	if !ok {
		return
	}
	oid, err := a.deps.Cases.FileObjection(r.Context(), id, in.Filer, in.Contact, in.Content, httpx.ClientIP(r))
	if apperr.KindOf(err) == apperr.NotFound {
		err = apperr.Msg(apperr.NotFound, "case.notice_notfound")
	}
	if err != nil {
		a.writeError(w, r, err)
		return
	}
	writeJSON(w, http.StatusCreated, map[string]any{"id": oid, "application_id": id, "status": "open"})
}
