package registry

import (
	"context"
	"database/sql"
	"errors"
	"time"

	"github.com/minzheng/minzheng/internal/apperr"
	"github.com/minzheng/minzheng/internal/auth"
	"github.com/minzheng/minzheng/internal/db"
)

// uploadTTL is how long a dry-run upload waits for its commit.
const uploadTTL = 24 * time.Hour

// SaveUpload keeps an uploaded roster until its import is committed, and forgets uploads older
// than a day. Only the user who uploaded it can use it.
func (s *Store) SaveUpload(ctx context.Context, p *auth.Principal, filename, sha string, data []byte) (int64, error) {
	var id int64
	err := s.DB.InTx(ctx, func(tx *db.Tx) error {
		if _, err := tx.Exec(ctx, `DELETE FROM import_uploads WHERE uploaded_at < ?`, db.FormatTime(s.now().Add(-uploadTTL))); err != nil {
			return err
		}
		return tx.QueryRow(ctx, `INSERT INTO import_uploads (sha256, filename, data, uploaded_by, uploaded_at) VALUES (?, ?, ?, ?, ?) RETURNING id`,
			sha, filename, data, p.UserID, db.FormatTime(s.now())).Scan(&id)
	})
	return id, err
}

// Upload returns a kept upload of the caller.
func (s *Store) Upload(ctx context.Context, p *auth.Principal, id int64) (filename string, data []byte, err error) {
	err = s.DB.QueryRow(ctx, `SELECT filename, data FROM import_uploads WHERE id = ? AND uploaded_by = ?`, id, p.UserID).Scan(&filename, &data)
	if errors.Is(err, sql.ErrNoRows) {
		return "", nil, apperr.Msg(apperr.NotFound, "registry.upload_notfound")
	}
	return filename, data, err
}

// DropUpload forgets an upload after its import was committed.
func (s *Store) DropUpload(ctx context.Context, p *auth.Principal, id int64) error {
	_, err := s.DB.Exec(ctx, `DELETE FROM import_uploads WHERE id = ? AND uploaded_by = ?`, id, p.UserID)
	return err
}
