package web

import (
	"errors"
	"io"
	"net/http"

	"github.com/minzheng/minzheng/internal/apperr"
	"github.com/minzheng/minzheng/internal/auth"
	"github.com/minzheng/minzheng/internal/httpx"
	"github.com/minzheng/minzheng/internal/payout"
	"github.com/minzheng/minzheng/internal/payout/bankfile"
)

// maxReturnFile caps a bank's return file: a district's 低保 roster returns a few hundred
// kilobytes; a whole city's largest fits easily.
const maxReturnFile = 64 << 20

// maxLayoutFile caps an uploaded column layout: a bank's layout is a dozen short lines.
const maxLayoutFile = 64 << 10

// bankContent is the bank-file part of a roster page: exporting the file for the bank, which
// locks an approved roster, and importing the bank's return file into a locked one.
type bankContent struct {
	CanExport bool
	// Locks is true while the roster is approved but not yet exported: the export locks it, so
	// the form asks for a confirmation.
	Locks      bool
	Export     *form
	CanReturns bool
	Returns    *form
	Result     *payout.ReturnResult
}

// registerPayoutBank registers the bank-file routes of a roster (internal/payout/bankfile
// writes and reads the files).
func (s *Site) registerPayoutBank() {
	s.page("GET", "/payouts/{id}/export", auth.PayoutManage, s.payoutExport, nil)
	s.page("POST", "/payouts/{id}/export", auth.PayoutManage, s.payoutExport, nil)
	s.page("POST", "/payouts/{id}/returns", auth.PayoutManage, s.payoutReturns, nil)
}

// bankContent says which bank-file forms roster ro offers p: export to whoever manages payouts
// once the roster is approved, returns to the district's approver once it is locked.
func (s *Site) bankContent(p *auth.Principal, ro *payout.Roster) bankContent {
	return bankContent{CanExport: p.Can(auth.PayoutManage) && ro.Status != payout.Draft, Locks: ro.Status == payout.Approved,
		Export: emptyForm(), CanReturns: p.Role == auth.DistrictApprover && ro.Status == payout.Locked, Returns: emptyForm()}
}

// download sets a file's headers just before its first byte, so that a refusal before anything
// is written can still be answered with the roster page.
type download struct {
	w           http.ResponseWriter
	contentType string
	name        string
	started     bool
}

func (d *download) Write(b []byte) (int, error) {
	if !d.started {
		d.started = true
		d.w.Header().Set("Content-Type", d.contentType)
		d.w.Header().Set("Content-Disposition", `attachment; filename="`+d.name+`"`)
		d.w.Header().Set("Cache-Control", "no-store")
	}
	return d.w.Write(b)
}

// payoutExport sends the bank file of an approved or locked roster (.xlsx, or CSV in UTF-8 or
// GBK) and locks the roster. The roster page posts its form (multipart, since it may carry the
// bank's column layout file, the same JSON or CSV file as the command line's --layout); a GET
// with the choices in the query exports in the default layout. The first export of a roster asks
// for a confirmation, since nothing about the roster may change once the bank may have seen it;
// a bad layout file refuses the export before anything is written or locked. The file carries
// full account numbers, so it is refused when the request comes from another site's page.
func (s *Site) payoutExport(w http.ResponseWriter, r *http.Request) {
	c, err := s.loadRoster(r)
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	if r.Header.Get("Sec-Fetch-Site") == "cross-site" {
		s.renderError(w, r, apperr.Msg(apperr.Forbidden, "auth.cross_origin"))
		return
	}
	f, opt, err := exportChoices(w, r)
	d := &download{w: w, contentType: opt.ContentType(), name: opt.FileName(c.R)}
	switch {
	case err != nil:
	case c.R.Status == payout.Approved && f.Get("confirm") != "1":
		err = apperr.FieldMsg("confirm", "action.confirm_required")
	default:
		_, err = bankfile.Export(r.Context(), s.deps.Payout, auth.FromContext(r.Context()), c.R.ID, d, opt, httpx.ClientIP(r))
	}
	if err != nil && d.started {
		// The file has gone out and only the lock or its audit record failed: the roster
		// page shows the truth on the next look.
		s.log.Error("bank file export failed after writing", "roster", c.R.ID, "err", err)
		return
	}
	if err != nil {
		s.refused(w, r, f, err, func(status int) {
			c.Bank.Export = f
			if !c.Bank.CanExport {
				c.Error = f.message()
			}
			s.render(w, r, status, "payout", s.rosterTitle(c), c)
		})
	}
}

// exportChoices reads the export form: format, encoding and confirmation from the query (GET) or
// the posted multipart form, and the layout file when one was uploaded. The form comes back even
// on an error, so the page shows the choices made.
func exportChoices(w http.ResponseWriter, r *http.Request) (*form, bankfile.Options, error) {
	f := &form{Values: r.URL.Query(), Errors: map[string]string{}}
	if r.Method != http.MethodPost {
		return f, bankfile.Options{Format: f.Get("format"), Encoding: f.Get("encoding")}, nil
	}
	r.Body = http.MaxBytesReader(w, r.Body, maxLayoutFile+uploadSlack)
	err := r.ParseMultipartForm(maxLayoutFile + uploadSlack)
	var tooBig *http.MaxBytesError
	switch {
	case errors.As(err, &tooBig):
		return f, bankfile.Options{}, apperr.FieldMsg("layout", "payout.ui.layout_too_big", maxLayoutFile>>10)
	case err != nil && !errors.Is(err, http.ErrNotMultipart):
		return f, bankfile.Options{}, apperr.Msg(apperr.Invalid, "payout.ui.export_form_bad")
	}
	if r.PostForm != nil {
		f.Values = r.PostForm
	}
	opt := bankfile.Options{Format: f.Get("format"), Encoding: f.Get("encoding")}
	file, _, ferr := r.FormFile("layout")
	if ferr != nil {
		return f, opt, nil // no layout uploaded: the default layout
	}
	defer file.Close()
	data, err := io.ReadAll(io.LimitReader(file, maxLayoutFile+1))
	switch {
	case err != nil:
		return f, opt, err
	case len(data) > maxLayoutFile:
		return f, opt, apperr.FieldMsg("layout", "payout.ui.layout_too_big", maxLayoutFile>>10)
	case len(data) == 0:
		return f, opt, nil // an empty file input: the default layout
	}
	opt.Layout, err = bankfile.ParseLayout(data)
	return f, opt, err
}

// payoutReturns imports the bank's return file into a locked roster: every row must name a
// line of the roster, or nothing is applied and the bad rows are listed. Importing the same file
// again changes nothing, so the result is shown on the page the form was posted to.
func (s *Site) payoutReturns(w http.ResponseWriter, r *http.Request) {
	c, err := s.loadRoster(r)
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	r.Body = http.MaxBytesReader(w, r.Body, maxReturnFile+uploadSlack)
	data, err := readReturnFile(r)
	var res payout.ReturnResult
	if err == nil {
		res, err = bankfile.Import(r.Context(), s.deps.Payout, auth.FromContext(r.Context()), c.R.ID, data, httpx.ClientIP(r))
	}
	if err != nil {
		f := emptyForm()
		s.refused(w, r, f, err, func(status int) {
			c.Bank.Returns = f
			if !c.Bank.CanReturns {
				c.Error = f.message()
			}
			s.render(w, r, status, "payout", s.rosterTitle(c), c)
		})
		return
	}
	fresh, err := s.loadRoster(r)
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	fresh.Bank.Result = &res
	s.render(w, r, http.StatusOK, "payout", s.rosterTitle(fresh), fresh)
}

// readReturnFile reads the file of the returns form; a missing or oversized file is an error
// naming the file field.
func readReturnFile(r *http.Request) ([]byte, error) {
	if err := r.ParseMultipartForm(1 << 20); err != nil {
		var tooBig *http.MaxBytesError
		if errors.As(err, &tooBig) {
			return nil, apperr.FieldMsg("file", "payout.ui.return_too_big", maxReturnFile>>20)
		}
		return nil, apperr.FieldMsg("file", "payout.ui.return_missing")
	}
	file, _, err := r.FormFile("file")
	if err != nil {
		return nil, apperr.FieldMsg("file", "payout.ui.return_missing")
	}
	defer file.Close()
	data, err := io.ReadAll(file)
	if len(data) == 0 && err == nil {
		return nil, apperr.FieldMsg("file", "payout.ui.return_missing")
	}
	return data, err
}
