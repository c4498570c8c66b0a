package web

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

// uploadSlack is what a multipart request may carry beyond the file itself: the boundaries, the
// headers and the document kind.
const uploadSlack = 64 << 10

func (s *Site) registerCaseDocs() {
	s.page("POST", "/cases/{id}/documents", auth.CaseHandle, s.caseUpload, nil)
	s.page("GET", "/cases/{id}/documents/{doc}", auth.CaseView, s.caseDocument, nil)
}

// caseUpload stores a scanned or photographed document of a case (ID card, certificate, bills).
// The body is capped a little above the store's limit so an oversized upload is cut off early,
// and the store sniffs the type from the content, never trusting the file name.
func (s *Site) caseUpload(w http.ResponseWriter, r *http.Request) {
	c, err := s.loadCase(r)
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	r.Body = http.MaxBytesReader(w, r.Body, assistance.MaxDocumentBytes+uploadSlack)
	f := emptyForm()
	kind, name, content, err := readUpload(r)
	if err == nil {
		_, err = s.deps.Cases.AddDocument(r.Context(), assistance.Uploader{Officer: auth.FromContext(r.Context())}, c.Case.ID,
			kind, name, content)
	}
	if err != nil {
		if r.MultipartForm != nil {
			f.Values = r.MultipartForm.Value
		}
		c.Doc = f
		s.caseFailed(w, r, c, f, err)
		return
	}
	http.Redirect(w, r, caseURL(c.Case.ID)+"#documents", http.StatusSeeOther)
}

// readUpload reads the kind and the file of an upload form. A body over the cap, or a form with
// no file, is an error naming the file field.
func readUpload(r *http.Request) (kind, name string, content []byte, err error) {
	if err := r.ParseMultipartForm(1 << 20); err != nil {
		r.MultipartForm = nil
		var tooBig *http.MaxBytesError
		if errors.As(err, &tooBig) {
			return "", "", nil, apperr.FieldMsg("file", "case.document_too_big", assistance.MaxDocumentBytes>>20)
		}
		return "", "", nil, apperr.FieldMsg("file", "case.document_empty")
	}
	if v := r.MultipartForm.Value["kind"]; len(v) > 0 {
		kind = v[0]
	}
	file, header, err := r.FormFile("file")
	if err != nil {
		return "", "", nil, apperr.FieldMsg("file", "case.document_empty")
	}
	defer file.Close()
	content, err = io.ReadAll(io.LimitReader(file, assistance.MaxDocumentBytes+1))
	if err != nil {
		return "", "", nil, err
	}
	return kind, header.Filename, content, nil
}

// caseDocument sends a document of a case to an officer who may see the case. It is always a
// download (never shown inline) with its sniffed type and nosniff, so that a crafted file cannot
// run as a page of this site.
func (s *Site) caseDocument(w http.ResponseWriter, r *http.Request) {
	id, err := pathNumber(r, "id", "case.notfound")
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	did, err := pathNumber(r, "doc", "case.document_notfound")
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	d, content, err := s.deps.Cases.DocumentContent(r.Context(), assistance.Uploader{Officer: auth.FromContext(r.Context())}, id, did)
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	h := w.Header()
	h.Set("Content-Type", d.ContentType)
	disposition := mime.FormatMediaType("attachment", map[string]string{"filename": d.Filename})
	if disposition == "" {
		disposition = "attachment"
	}
	h.Set("Content-Disposition", disposition)
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("Cache-Control", "private, no-store")
	h.Set("Content-Length", strconv.Itoa(len(content)))
	_, _ = w.Write(content)
}
