package auth

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"regexp"
	"strings"
	"time"

	"github.com/minzheng/minzheng/internal/apperr"
	"github.com/minzheng/minzheng/internal/db"
	"github.com/minzheng/minzheng/internal/pii"
	"github.com/minzheng/minzheng/internal/region"
)

// User is a person or system that signs in. Phone is held sealed; PhoneMasked is what lists show.
type User struct {
	ID                 int64
	Login              string
	Name               string
	Role               Role
	Scope              region.Scope
	OrgID              int64
	MustChangePassword bool
	Disabled           bool
	PhoneMasked        string
	CreatedAt          time.Time
	UpdatedAt          time.Time
	CreatedBy          int64
}

// Principal is the user as a request caller.
func (u *User) Principal() *Principal {
	return &Principal{UserID: u.ID, Login: u.Login, Name: u.Name, Role: u.Role, Scope: u.Scope, OrgID: u.OrgID,
		MustChangePassword: u.MustChangePassword}
}

const userColumns = `id, login, name, role, scope, org_id, must_change_password, disabled, phone_sealed,
	created_at, updated_at, created_by`

func (s *Service) scanUser(row interface{ Scan(...any) error }) (*User, error) {
	var u User
	var orgID, createdBy sql.NullInt64
	var role, scope, sealed, created, updated string
	if err := row.Scan(&u.ID, &u.Login, &u.Name, &role, &scope, &orgID, &u.MustChangePassword, &u.Disabled,
		&sealed, &created, &updated, &createdBy); err != nil {
		return nil, err
	}
	u.Role, u.Scope, u.OrgID, u.CreatedBy = Role(role), region.Scope(scope), orgID.Int64, createdBy.Int64
	u.CreatedAt, _ = db.ParseTime(created)
	u.UpdatedAt, _ = db.ParseTime(updated)
	if sealed != "" {
		phone, err := s.Keys.Open(sealed, PhoneField)
		if err != nil {
			return nil, fmt.Errorf("user %d: open phone: %w", u.ID, err)
		}
		u.PhoneMasked = pii.MaskPhone(phone)
	}
	return &u, nil
}

// GetUser returns the user with id if caller's scope covers it; otherwise, as for a missing user,
// a not-found error.
func (s *Service) GetUser(ctx context.Context, caller *Principal, id int64) (*User, error) {
	where, args := caller.ScopeCondition("scope")
	u, err := s.scanUser(s.DB.QueryRow(ctx, `SELECT `+userColumns+` FROM users WHERE id = ? AND `+where,
		append([]any{id}, args...)...))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, apperr.Msg(apperr.NotFound, "user.notfound")
	}
	return u, err
}

// UserFilter narrows ListUsers.
type UserFilter struct {
	Query   string // part of login or name
	Role    Role
	Page    int // from 1
	PerPage int
}

// ListUsers lists the users within caller's scope, sorted by login, with the total for paging.
func (s *Service) ListUsers(ctx context.Context, caller *Principal, f UserFilter) ([]*User, int, error) {
	where, args := caller.ScopeCondition("scope")
	if f.Query != "" {
		// lower() on both sides: LIKE is case-blind on SQLite but not on PostgreSQL.
		where += ` AND (lower(login) LIKE ? ESCAPE '!' OR lower(name) LIKE ? ESCAPE '!')`
		like := "%" + strings.NewReplacer("!", "!!", "%", "!%", "_", "!_").Replace(strings.ToLower(f.Query)) + "%"
		args = append(args, like, like)
	}
	if f.Role != "" {
		where += ` AND role = ?`
		args = append(args, string(f.Role))
	}
	var total int
	if err := s.DB.QueryRow(ctx, `SELECT COUNT(*) FROM users WHERE `+where, args...).Scan(&total); err != nil {
		return nil, 0, err
	}
	if f.PerPage <= 0 {
		f.PerPage = 50
	}
	f.PerPage = min(f.PerPage, 200)
	f.Page = max(1, f.Page)
	rows, err := s.DB.Query(ctx, `SELECT `+userColumns+` FROM users WHERE `+where+` ORDER BY login LIMIT ? OFFSET ?`,
		append(args, f.PerPage, (f.Page-1)*f.PerPage)...)
	if err != nil {
		return nil, 0, err
	}
	defer rows.Close()
	var out []*User
	for rows.Next() {
		u, err := s.scanUser(rows)
		if err != nil {
			return nil, 0, err
		}
		out = append(out, u)
	}
	return out, total, rows.Err()
}

// userByLogin reads a user for signing in; it is not scoped, since the caller is not yet known.
func (s *Service) userByLogin(ctx context.Context, q db.Querier, login string) (*User, string, error) {
	var hash string
	u, err := s.scanUser(rowWithExtras{q.QueryRow(ctx, `SELECT `+userColumns+`, password_hash FROM users WHERE login = ?`, login), []any{&hash}})
	return u, hash, err
}

var loginPattern = regexp.MustCompile(`^[a-z][a-z0-9._-]{2,39}$`)

// validateLogin checks the form of a login name: lower-case letters, digits, dot, dash, underscore.
func validateLogin(login string) error {
	if !loginPattern.MatchString(login) {
		return apperr.FieldMsg("login", "user.login_invalid")
	}
	return nil
}
