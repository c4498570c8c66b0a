package web

import (
	"errors"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"strings"

	"github.com/minzheng/minzheng/internal/apperr"
	"github.com/minzheng/minzheng/internal/assistance"
	"github.com/minzheng/minzheng/internal/citizen"
	"github.com/minzheng/minzheng/internal/civil"
	"github.com/minzheng/minzheng/internal/region"
)

// maxUploadBody caps an upload request: one document at the store's limit plus room for the
// form's other fields and the multipart framing. Anything bigger is refused while it is read,
// before it fills memory or disk.
const maxUploadBody = assistance.MaxDocumentBytes + 64<<10

// applyMineContent lists the citizen's own applications.
type applyMineContent struct {
	Applications []*assistance.Application
	Citizen      *citizen.Citizen
}

// applyMine lists the applications the signed-in citizen filed online, newest first.
func (s *Site) applyMine(w http.ResponseWriter, r *http.Request) {
	c := citizen.FromContext(r.Context())
	apps, err := s.deps.Cases.CitizenApplications(r.Context(), c.ID)
	if err != nil {
		s.publicError(w, r, err)
		return
	}
	s.render(w, r, http.StatusOK, "apply_mine", s.msg.T("apply.mine.title"), applyMineContent{Applications: apps, Citizen: c})
}

// applyCaseContent is the status page of one application, as its applicant may see it: the
// steps done with their dates (never the officers' names), the current step with its due date,
// the decisions and the documents.
type applyCaseContent struct {
	Case      *assistance.Case
	Where     string
	Done      []assistance.Step
	Submitted bool // just filed: say what happens next
	Uploaded  bool
	Open      bool // still being handled: documents may be added
	DocKinds  []string
	MaxMB     int
	Form      *form
	Citizen   *citizen.Citizen
}

// applyCase shows one of the citizen's applications; anyone else's answers 404, as if it did not
// exist.
func (s *Site) applyCase(w http.ResponseWriter, r *http.Request) {
	s.showApplyCase(w, r, http.StatusOK, &form{Values: map[string][]string{}, Errors: map[string]string{}})
}

// showApplyCase renders the status page, with the upload form's values and errors in f.
func (s *Site) showApplyCase(w http.ResponseWriter, r *http.Request, status int, f *form) {
	c, ok := s.citizenCase(w, r)
	if !ok {
		return
	}
	content := applyCaseContent{Case: c, Where: s.publicPlace(r, c.RegionCode), DocKinds: assistance.DocumentKinds(),
		MaxMB: assistance.MaxDocumentBytes >> 20, Form: f, Citizen: citizen.FromContext(r.Context()),
		Submitted: r.URL.Query().Get("submitted") == "1", Uploaded: r.URL.Query().Get("uploaded") == "1",
		Open: c.Status == assistance.StatusSubmitted || c.Status == assistance.StatusOpen}
	for _, st := range c.Steps {
		if st.Status == "done" {
			content.Done = append(content.Done, st)
		}
	}
	s.render(w, r, status, "apply_case", s.msg.T("apply.case.title", c.ID), content)
}

// citizenCase loads the case named in the path for the signed-in citizen, or writes the error.
func (s *Site) citizenCase(w http.ResponseWriter, r *http.Request) (*assistance.Case, bool) {
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err != nil || id <= 0 {
		s.publicError(w, r, apperr.Msg(apperr.NotFound, "case.notfound"))
		return nil, false
	}
	c, err := s.deps.Cases.CitizenCase(r.Context(), citizen.FromContext(r.Context()).ID, id)
	if err != nil {
		s.publicError(w, r, err)
		return nil, false
	}
	return c, true
}

// publicPlace names a region from the district down (崂山区 / 中韩街道), the way a resident
// knows it.
func (s *Site) publicPlace(r *http.Request, code string) string {
	path, err := region.PathTo(r.Context(), s.deps.DB, code)
	if err != nil {
		return code
	}
	var names []string
	for _, d := range path {
		if d.Level >= region.County {
			names = append(names, d.Name)
		}
	}
	return strings.Join(names, " / ")
}

// applyUpload adds a document (ID card, certificate, bills) to the citizen's own application.
// The body is capped while it is read; the store checks the size, kind and content type, and
// every refusal is shown beside the upload form on the case page.
func (s *Site) applyUpload(w http.ResponseWriter, r *http.Request) {
	c, ok := s.citizenCase(w, r)
	if !ok {
		return
	}
	r.Body = http.MaxBytesReader(w, r.Body, maxUploadBody)
	f := &form{Values: map[string][]string{}, Errors: map[string]string{}}
	err := s.readUpload(r, c.ID, f)
	if err == nil {
		http.Redirect(w, r, fmt.Sprintf("%s/%d?uploaded=1#documents", applyMinePath, c.ID), http.StatusSeeOther)
		return
	}
	if err := f.fail(err); err != nil {
		s.publicError(w, r, err)
		return
	}
	s.showApplyCase(w, r, statusFor(err), f)
}

// readUpload parses the multipart form and stores its file; f keeps the kind chosen.
func (s *Site) readUpload(r *http.Request, id int64, f *form) error {
	if err := r.ParseMultipartForm(maxUploadBody); err != nil {
		if tooBig := new(http.MaxBytesError); errors.As(err, &tooBig) {
			return apperr.FieldMsg("file", "case.document_too_big", assistance.MaxDocumentBytes>>20)
		}
		return apperr.FieldMsg("file", "case.document_empty")
	}
	defer r.MultipartForm.RemoveAll()
	kind := r.FormValue("kind")
	f.Values.Set("kind", kind)
	file, header, err := r.FormFile("file")
	if err != nil {
		return apperr.FieldMsg("file", "case.document_empty")
	}
	defer file.Close()
	content, err := io.ReadAll(io.LimitReader(file, assistance.MaxDocumentBytes+1))
	if err != nil {
		return err
	}
	by := assistance.Uploader{CitizenID: citizen.FromContext(r.Context()).ID}
	_, err = s.deps.Cases.AddDocument(r.Context(), by, id, kind, header.Filename, content)
	return err
}

// applyDecisionContent is a decision notice as its applicant receives it.
type applyDecisionContent struct {
	Decision assistance.Decision
	Case     *assistance.Case
	TitleKey string
	Office   string
	// AppliedOn and IssuedOn are dates as printed notices write them: 2024年3月1日.
	AppliedOn, IssuedOn string
	Citizen             *citizen.Citizen
}

// applyDecision shows a decision on the citizen's application as a printable notice: 决定通知书
// when it grants, 不予批准通知书 (or the notice of its kind) when it does not, with the document
// number, the amount, the reasons and the calculation, and how to appeal.
func (s *Site) applyDecision(w http.ResponseWriter, r *http.Request) {
	c, ok := s.citizenCase(w, r)
	if !ok {
		return
	}
	did, err := strconv.ParseInt(r.PathValue("decision"), 10, 64)
	if err != nil || did <= 0 {
		s.publicError(w, r, apperr.Msg(apperr.NotFound, "case.decision_notfound"))
		return
	}
	d, err := s.deps.Cases.CitizenDecision(r.Context(), citizen.FromContext(r.Context()).ID, did)
	if err == nil && d.ApplicationID != c.ID {
		err = apperr.Msg(apperr.NotFound, "case.decision_notfound")
	}
	if err != nil {
		s.publicError(w, r, err)
		return
	}
	office := d.RegionCode
	if len(office) > 6 {
		office = office[:6]
	}
	key := noticeTitleKey(d)
	s.render(w, r, http.StatusOK, "apply_decision", s.msg.T(key), applyDecisionContent{Decision: d, Case: c, TitleKey: key,
		Office: s.publicPlace(r, office), AppliedOn: civil.Today(c.CreatedAt).Chinese(), IssuedOn: civil.Today(d.IssuedAt).Chinese(),
		Citizen: citizen.FromContext(r.Context())})
}

// noticeTitleKey is the title of the notice a decision is printed as.
func noticeTitleKey(d assistance.Decision) string {
	switch d.Kind {
	case assistance.DecisionReject, assistance.DecisionNotAccepted, assistance.DecisionTerminate,
		assistance.DecisionSuspend, assistance.DecisionUphold:
		return "apply.notice." + d.Kind
	}
	return "apply.notice.approve"
}
