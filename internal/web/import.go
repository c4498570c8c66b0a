package web

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strconv"

	"github.com/minzheng/minzheng/internal/apperr"
	"github.com/minzheng/minzheng/internal/auth"
	"github.com/minzheng/minzheng/internal/httpx"
	"github.com/minzheng/minzheng/internal/registry/roster"
)

type importContent struct {
	Report   *roster.Report
	UploadID int64
	Error    string
	Limit    string
}

func (s *Site) registerImport() {
	s.page("GET", "/households/import", auth.HouseholdEdit, s.importPage,
		&NavEntry{Section: "nav.section.registry", Label: "nav.import", Order: 110})
	s.page("POST", "/households/import", auth.HouseholdEdit, s.importUpload, nil)
	s.page("POST", "/households/import/{upload}/commit", auth.HouseholdEdit, s.importCommit, nil)
	s.page("GET", "/households/template.xlsx", auth.HouseholdView, s.importTemplate, nil)
}

func (s *Site) importPage(w http.ResponseWriter, r *http.Request) {
	s.render(w, r, http.StatusOK, "import", s.msg.T("nav.import"), importContent{Limit: limitText()})
}

func limitText() string {
	return fmt.Sprintf("%d MB / %d 行", roster.DefaultMaxBytes>>20, roster.DefaultMaxRows)
}

// importUpload keeps the uploaded roster and runs the dry run: every problem with its row and
// column, or what the commit would do.
func (s *Site) importUpload(w http.ResponseWriter, r *http.Request) {
	p := auth.FromContext(r.Context())
	c := importContent{Limit: limitText()}
	r.Body = http.MaxBytesReader(w, r.Body, roster.DefaultMaxBytes+1<<20)
	file, header, err := r.FormFile("file")
	if err != nil {
		var tooBig *http.MaxBytesError
		if errors.As(err, &tooBig) {
			c.Error = s.msg.T("import.too_big", limitText())
		} else {
			c.Error = s.msg.T("import.no_file")
		}
		s.render(w, r, http.StatusUnprocessableEntity, "import", s.msg.T("nav.import"), c)
		return
	}
	defer file.Close()
	data, err := io.ReadAll(io.LimitReader(file, roster.DefaultMaxBytes+1))
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	s.dryRun(w, r, p, header.Filename, data, c)
}

func (s *Site) dryRun(w http.ResponseWriter, r *http.Request, p *auth.Principal, name string, data []byte, c importContent) {
	rep, err := roster.Import(r.Context(), s.deps.Registry, p, data, name, roster.Limits{}, true, httpx.ClientIP(r))
	if err != nil {
		if apperr.KindOf(err) == apperr.Internal {
			s.renderError(w, r, err)
			return
		}
		c.Error = apperr.As(err).Message
		s.render(w, r, http.StatusUnprocessableEntity, "import", s.msg.T("nav.import"), c)
		return
	}
	c.Report = rep
	if rep.OK() {
		sum := sha256.Sum256(data)
		if c.UploadID, err = s.deps.Registry.SaveUpload(r.Context(), p, name, hex.EncodeToString(sum[:]), data); err != nil {
			s.renderError(w, r, err)
			return
		}
	}
	status := http.StatusOK
	if !rep.OK() {
		status = http.StatusUnprocessableEntity
	}
	s.render(w, r, status, "import", s.msg.T("nav.import"), c)
}

// importCommit writes the kept upload, all or nothing; if the data changed since the dry run and
// the file no longer fits, the new problems are shown and nothing is written.
func (s *Site) importCommit(w http.ResponseWriter, r *http.Request) {
	p := auth.FromContext(r.Context())
	if !confirmed(r) {
		s.renderError(w, r, apperr.Msg(apperr.Invalid, "action.confirm_required"))
		return
	}
	id, err := strconv.ParseInt(r.PathValue("upload"), 10, 64)
	if err != nil {
		s.renderError(w, r, apperr.Msg(apperr.NotFound, "registry.upload_notfound"))
		return
	}
	name, data, err := s.deps.Registry.Upload(r.Context(), p, id)
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	rep, err := roster.Import(r.Context(), s.deps.Registry, p, data, name, roster.Limits{}, false, httpx.ClientIP(r))
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	if rep.OK() {
		if err := s.deps.Registry.DropUpload(r.Context(), p, id); err != nil {
			s.renderError(w, r, err)
			return
		}
	}
	s.render(w, r, http.StatusOK, "import", s.msg.T("nav.import"), importContent{Report: rep, Limit: limitText()})
}

// importTemplate downloads the roster template.
func (s *Site) importTemplate(w http.ResponseWriter, r *http.Request) {
	var buf bytes.Buffer
	if err := roster.WriteTemplate(&buf); err != nil {
		s.renderError(w, r, err)
		return
	}
	w.Header().Set("Content-Type", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
	w.Header().Set("Content-Disposition", `attachment; filename="roster-template.xlsx"; filename*=UTF-8''%E5%AE%B6%E5%BA%AD%E8%8A%B1%E5%90%8D%E5%86%8C%E6%A8%A1%E6%9D%BF.xlsx`)
	_, _ = w.Write(buf.Bytes())
}
