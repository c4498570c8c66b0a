package registry

import (
	"context"
	"errors"

	"github.com/minzheng/minzheng/internal/apperr"
	"github.com/minzheng/minzheng/internal/audit"
	"github.com/minzheng/minzheng/internal/auth"
	"github.com/minzheng/minzheng/internal/db"
	"github.com/minzheng/minzheng/internal/idcard"
	"github.com/minzheng/minzheng/internal/pii"
)

// ImportItem is one household of a roster file.
type ImportItem struct {
	Key   string // the file's household key (户编号)
	Input HouseholdInput
}

// ImportProblem is why one item could not be imported: the item's index and the field, as the
// registry names fields (members[1].id_number), so the caller can point at a row and column.
type ImportProblem struct {
	Item    int
	Field   string
	Message string
}

// ImportResult counts what an import did (or, in a dry run, would do).
type ImportResult struct {
	Created, Updated, Unchanged int
	Problems                    []ImportProblem
	// AlreadyImported is set when this exact file was committed before.
	AlreadyImported bool
}

// ErrImportRejected is returned with the problems when any item failed: nothing was written.
var ErrImportRejected = errors.New("registry: import rejected")

// Import writes a roster: each household is matched to a stored one by its head's ID number and
// updated, or created. Everything happens in one transaction; any problem rolls all of it back,
// and a dry run always rolls back, so a dry run reports exactly what the commit would do. Items
// that change nothing leave no trace, so importing the same file twice changes nothing.
func (s *Store) Import(ctx context.Context, p *auth.Principal, items []ImportItem, file ImportFile, dryRun bool, ip string) (ImportResult, error) {
	var res ImportResult
	errRollback := errors.New("dry run")
	err := s.DB.InTx(ctx, func(tx *db.Tx) error {
		var n int
		if err := tx.QueryRow(ctx, `SELECT COUNT(*) FROM import_files WHERE sha256 = ?`, file.SHA256).Scan(&n); err != nil {
			return err
		}
		res.AlreadyImported = n > 0
		for i, it := range items {
			if err := s.importOne(ctx, tx, p, it, &res); err != nil {
				e := apperr.As(err)
				if e.Kind == apperr.Internal {
					return err
				}
				res.Problems = append(res.Problems, ImportProblem{Item: i, Field: e.Field, Message: e.Message})
			}
		}
		if len(res.Problems) > 0 {
			return ErrImportRejected
		}
		if dryRun {
			return errRollback
		}
		if !res.AlreadyImported {
			if _, err := tx.Exec(ctx, `INSERT INTO import_files (sha256, filename, rows, households, imported_at, imported_by)
				VALUES (?, ?, ?, ?, ?, ?)`, file.SHA256, file.Name, file.Rows, len(items), db.FormatTime(s.now()), p.Login); err != nil {
				return err
			}
		}
		_, err := s.Audit.Append(ctx, tx, audit.Event{ActorID: p.UserID, Actor: p.Login, Role: string(p.Role), IP: ip,
			Action: "registry.import", TargetType: "file", TargetID: file.SHA256[:min(16, len(file.SHA256))], RegionCode: p.Scope.Code(),
			Detail: map[string]any{"file": file.Name, "rows": file.Rows, "created": res.Created, "updated": res.Updated, "unchanged": res.Unchanged}})
		return err
	})
	switch {
	case errors.Is(err, errRollback):
		return res, nil
	case errors.Is(err, ErrImportRejected):
		return res, ErrImportRejected
	}
	return res, err
}

// ImportFile describes the file an import came from.
type ImportFile struct {
	Name   string
	SHA256 string
	Rows   int
}

// importOne creates or updates one household. A failed item may leave rows behind in the
// transaction, but then the whole import is rolled back. Conflicts are found by queries before the
// inserts, so PostgreSQL never aborts the transaction and every item's problems can be reported.
func (s *Store) importOne(ctx context.Context, tx *db.Tx, p *auth.Principal, it ImportItem, res *ImportResult) error {
	var headHash string
	for _, m := range it.Input.Members {
		if m.Relation == Head {
			if id, err := idcard.Parse(m.IDNumber); err == nil {
				headHash = s.Keys.Hash(pii.IDNumber, string(id))
			}
		}
	}
	var existing int64
	if headHash != "" {
		var region string
		err := tx.QueryRow(ctx, `SELECT household_id, region_code FROM persons WHERE id_hash = ?`, headHash).Scan(&existing, &region)
		if err == nil && !p.Sees(region) {
			return apperr.FieldMsg("members", "registry.import_elsewhere")
		}
	}
	if existing == 0 {
		if _, _, err := s.create(ctx, tx, p, it.Input, it.Key); err != nil {
			return err
		}
		res.Created++
		return nil
	}
	changed, err := s.update(ctx, tx, p, existing, 0, it.Input)
	if err != nil {
		return err
	}
	if changed {
		res.Updated++
	} else {
		res.Unchanged++
	}
	return nil
}
