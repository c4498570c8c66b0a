package assistance

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"net/http"
	"path/filepath"
	"slices"
	"strings"
	"unicode/utf8"

	"github.com/minzheng/minzheng/internal/apperr"
	"github.com/minzheng/minzheng/internal/auth"
	"github.com/minzheng/minzheng/internal/db"
)

// Document limits [D]: 5 MB a file, 20 files a case, and only the kinds a scanner or a phone
// camera makes. The type is sniffed from the content, never taken from the upload's word.
const (
	MaxDocumentBytes = 5 << 20
	MaxDocuments     = 20
)

var documentTypes = []string{"image/jpeg", "image/png", "application/pdf"}

// Uploader says who uploads a document: an officer, or the citizen who owns the application.
type Uploader struct {
	Officer   *auth.Principal
	CitizenID int64
}

// AddDocument stores an uploaded file of case id.
func (s *Store) AddDocument(ctx context.Context, by Uploader, id int64, kind, filename string, content []byte) (Document, error) {
	switch {
	case !slices.Contains(DocumentKinds(), kind):
		return Document{}, apperr.FieldMsg("kind", "case.bad_document_kind")
	case len(content) == 0:
		return Document{}, apperr.FieldMsg("file", "case.document_empty")
	case len(content) > MaxDocumentBytes:
		return Document{}, apperr.FieldMsg("file", "case.document_too_big", MaxDocumentBytes>>20)
	}
	ctype := http.DetectContentType(content)
	if i := strings.IndexByte(ctype, ';'); i >= 0 {
		ctype = ctype[:i]
	}
	if !slices.Contains(documentTypes, ctype) {
		return Document{}, apperr.FieldMsg("file", "case.document_type")
	}
	filename = filepath.Base(strings.ReplaceAll(filename, "\\", "/"))
	if filename == "." || filename == "/" || utf8.RuneCountInString(filename) > 100 {
		filename = kind
	}
	sum := sha256.Sum256(content)
	d := Document{ApplicationID: id, Kind: kind, Filename: filename, ContentType: ctype, Size: int64(len(content)),
		SHA256: hex.EncodeToString(sum[:]), UploadedAt: s.now()}
	err := s.DB.InTx(ctx, func(tx *db.Tx) error {
		a, err := s.load(ctx, tx, auth.System(), id)
		if err != nil {
			return err
		}
		switch {
		case by.Officer != nil && by.Officer.Sees(a.RegionCode) && by.Officer.Can(auth.CaseHandle):
			d.UploadedBy = by.Officer.Login
		case by.Officer != nil && by.Officer.Sees(a.RegionCode):
			// In scope, so the case exists for the caller; it is the act that is not theirs.
			return apperr.Msg(apperr.Forbidden, "case.document_forbidden")
		case by.Officer == nil && by.CitizenID != 0 && a.CitizenID == by.CitizenID:
			d.UploadedBy = "citizen"
		default:
			return apperr.Msg(apperr.NotFound, "case.notfound")
		}
		var n int
		if err := tx.QueryRow(ctx, `SELECT COUNT(*) FROM documents WHERE application_id = ?`, id).Scan(&n); err != nil {
			return err
		}
		if n >= MaxDocuments {
			return apperr.FieldMsg("file", "case.too_many_documents", MaxDocuments)
		}
		return tx.QueryRow(ctx, `INSERT INTO documents (application_id, kind, filename, content_type, size_bytes, sha256, content,
			uploaded_by, uploaded_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`, id, kind, filename, ctype, d.Size, d.SHA256,
			content, d.UploadedBy, db.FormatTime(d.UploadedAt)).Scan(&d.ID)
	})
	return d, err
}

// documents lists the documents of case id, without their content. It takes no principal: its
// callers have found the case within the caller's scope first.
func (s *Store) documents(ctx context.Context, id int64) ([]Document, error) {
	rows, err := s.DB.Query(ctx, `SELECT id, kind, filename, content_type, size_bytes, sha256, uploaded_by, uploaded_at
		FROM documents WHERE application_id = ? ORDER BY id`, id)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []Document
	for rows.Next() {
		d := Document{ApplicationID: id}
		var at string
		if err := rows.Scan(&d.ID, &d.Kind, &d.Filename, &d.ContentType, &d.Size, &d.SHA256, &d.UploadedBy, &at); err != nil {
			return nil, err
		}
		d.UploadedAt, _ = parseTime(at)
		out = append(out, d)
	}
	return out, rows.Err()
}

// DocumentContent returns document did of case id with its bytes, for a caller who may see the
// case (an officer in scope, or the citizen who owns it).
func (s *Store) DocumentContent(ctx context.Context, by Uploader, id, did int64) (Document, []byte, error) {
	var a *Application
	var err error
	if by.Officer != nil {
		a, err = s.load(ctx, s.DB, by.Officer, id)
	} else {
		a, err = s.load(ctx, s.DB, auth.System(), id)
		if err == nil && (by.CitizenID == 0 || a.CitizenID != by.CitizenID) {
			err = apperr.Msg(apperr.NotFound, "case.notfound")
		}
	}
	if err != nil {
		return Document{}, nil, err
	}
	d := Document{ID: did, ApplicationID: a.ID}
	var content []byte
	var at string
	err = s.DB.QueryRow(ctx, `SELECT kind, filename, content_type, size_bytes, sha256, uploaded_by, uploaded_at, content
		FROM documents WHERE id = ? AND application_id = ?`, did, id).Scan(&d.Kind, &d.Filename, &d.ContentType, &d.Size,
		&d.SHA256, &d.UploadedBy, &at, &content)
	if err != nil {
		return Document{}, nil, apperr.Msg(apperr.NotFound, "case.document_notfound")
	}
	d.UploadedAt, _ = parseTime(at)
	return d, content, nil
}
