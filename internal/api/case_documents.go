package api

import (
	"errors"
	"io"
	"mime"
	"net/http"
	"strconv"

	"github.com/minzheng/minzheng/internal/apperr"
	"github.com/minzheng/minzheng/internal/assistance"
	"github.com/minzheng/minzheng/internal/auth"
)

// uploadDocument answers POST /cases/{id}/documents, a multipart/form-data body with the fields
// kind and file: an ID card, a disability certificate, a medical bill. The case is looked up
// first, so that a case outside the caller's scope answers 404 whatever was sent; the store then
// checks the kind, the size and the type sniffed from the content (never the upload's word).
func (a *API) uploadDocument(w http.ResponseWriter, r *http.Request) {
	p, id, ok := a.writeInput(w, r, "case.notfound", found(a.deps.Cases.Get), nil)
	if !ok {
		return
	}
	r.Body = http.MaxBytesReader(w, r.Body, assistance.MaxDocumentBytes+1<<20)
	file, header, err := r.FormFile("file")
	if err != nil {
		var tooBig *http.MaxBytesError
		if errors.As(err, &tooBig) {
			a.writeError(w, r, apperr.FieldMsg("file", "case.document_too_big", assistance.MaxDocumentBytes>>20))
			return
		}
		a.writeError(w, r, apperr.FieldMsg("file", "case.document_empty"))
		return
	}
	defer file.Close()
	content, err := io.ReadAll(io.LimitReader(file, assistance.MaxDocumentBytes+1))
	if err != nil {
		a.writeError(w, r, apperr.FieldMsg("file", "case.document_empty"))
		return
	}
	d, err := a.deps.Cases.AddDocument(r.Context(), assistance.Uploader{Officer: p}, id, r.FormValue("kind"), header.Filename, content)
	if err != nil {
		a.writeError(w, r, err)
		return
	}
	writeJSON(w, http.StatusCreated, toDocumentJSON(d))
}

// downloadDocument answers GET /cases/{id}/documents/{doc} with the file itself, as an
// attachment of the type sniffed at upload, never rendered inline in the API's origin.
func (a *API) downloadDocument(w http.ResponseWriter, r *http.Request) {
	id, ok := a.pathID(w, r, "id", "case.notfound")
	if !ok {
		return
	}
	did, ok := a.pathID(w, r, "doc", "case.document_notfound")
	if !ok {
		return
	}
	d, content, err := a.deps.Cases.DocumentContent(r.Context(), assistance.Uploader{Officer: auth.FromContext(r.Context())}, id, did)
	if err != nil {
		a.writeError(w, r, err)
		return
	}
	h := w.Header()
	h.Set("Content-Type", d.ContentType)
	h.Set("Content-Length", strconv.Itoa(len(content)))
	disposition := mime.FormatMediaType("attachment", map[string]string{"filename": d.Filename})
	if disposition == "" {
		disposition = "attachment"
	}
	h.Set("Content-Disposition", disposition)
	h.Set("X-Content-Type-Options", "nosniff")
	_, _ = w.Write(content)
}
