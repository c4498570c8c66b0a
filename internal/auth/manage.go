package auth

import (
	"context"
	"fmt"
	"strings"

	"github.com/minzheng/minzheng/internal/apperr"
	"github.com/minzheng/minzheng/internal/db"
	"github.com/minzheng/minzheng/internal/pii"
	"github.com/minzheng/minzheng/internal/region"
)

// scopeLevels says at which region levels a role's scope may sit: a street officer works for one
// street, a grid worker for one community, and so on. Outside organisations and auditors may be
// placed at any level from the city down.
var scopeLevels = map[Role][]region.Level{
	CityAdmin:        {region.Province, region.City},
	DistrictApprover: {region.County},
	StreetOfficer:    {region.Street},
	GridWorker:       {region.Community},
	CanteenOperator:  {region.City, region.County, region.Street, region.Community},
	Charity:          {region.City, region.County, region.Street, region.Community},
	RescueStation:    {region.City, region.County, region.Street},
	Auditor:          {region.City, region.County},
	AgencyFeed:       {region.City},
}

// manageable lists the roles that a holder of UserManage may create and edit. A district approver
// manages the street and community staff of the district; only the city administrator manages
// the rest.
var manageable = map[Role][]Role{
	CityAdmin:        Roles(),
	DistrictApprover: {StreetOfficer, GridWorker},
}

// CanManage reports whether caller may create or edit a user with role in scope: the caller must
// hold UserManage, the role must be one the caller manages, and the scope must lie within the
// caller's own. So nobody can grant more than they hold.
func (p *Principal) CanManage(role Role, scope region.Scope) bool {
	if !p.Can(UserManage) || !p.Scope.Covers(scope) {
		return false
	}
	for _, r := range manageable[p.Role] {
		if r == role {
			return true
		}
	}
	return false
}

// ManageableRoles lists the roles caller may give, for the user form.
func (p *Principal) ManageableRoles() []Role {
	if !p.Can(UserManage) {
		return nil
	}
	return manageable[p.Role]
}

// UserInput is what an administrator sets on a user.
type UserInput struct {
	Login string
	Name  string
	Role  Role
	Scope string
	OrgID int64
	Phone string
}

func (in *UserInput) normalize() {
	in.Login = strings.ToLower(strings.TrimSpace(in.Login))
	in.Name = strings.TrimSpace(in.Name)
	in.Scope = strings.TrimSpace(in.Scope)
	in.Phone = strings.TrimSpace(in.Phone)
}

// validate checks the input field by field and returns the first problem.
func (s *Service) validate(ctx context.Context, q db.Querier, in *UserInput) (region.Scope, error) {
	if err := validateLogin(in.Login); err != nil {
		return "", err
	}
	if n := len([]rune(in.Name)); n == 0 || n > 40 {
		return "", apperr.FieldMsg("name", "user.name_invalid")
	}
	if !in.Role.Valid() {
		return "", apperr.FieldMsg("role", "user.role_invalid")
	}
	scope, err := region.ParseScope(in.Scope)
	if err != nil {
		return "", apperr.FieldMsg("scope", "user.scope_invalid")
	}
	levelOK := false
	for _, l := range scopeLevels[in.Role] {
		levelOK = levelOK || scope.Level() == l
	}
	if !levelOK {
		return "", apperr.FieldMsg("scope", "user.scope_level")
	}
	if _, err := region.PathTo(ctx, q, scope.Code()); err != nil {
		return "", apperr.FieldMsg("scope", "user.scope_unknown", scope.Code())
	}
	if in.Role.NeedsOrg() != (in.OrgID > 0) {
		return "", apperr.FieldMsg("org_id", "user.org_required")
	}
	if in.Phone != "" {
		digits := pii.Normalize(pii.Phone, in.Phone)
		if len(digits) != 11 || digits[0] != '1' {
			return "", apperr.FieldMsg("phone", "user.phone_invalid")
		}
		in.Phone = digits
	}
	return scope, nil
}

// CreateUser adds a user with a random initial password, which it returns once for the
// administrator to hand over; the user must change it at first log-in.
func (s *Service) CreateUser(ctx context.Context, caller *Principal, ip string, in UserInput) (*User, string, error) {
	in.normalize()
	password := RandomPassword()
	var id int64
	err := s.DB.InTx(ctx, func(tx *db.Tx) error {
		scope, err := s.validate(ctx, tx, &in)
		if err != nil {
			return err
		}
		if !caller.CanManage(in.Role, scope) {
			return apperr.Msg(apperr.Forbidden, "user.cannot_grant")
		}
		id, err = s.insertUser(ctx, tx, caller, in, scope, password, true)
		if err != nil {
			return err
		}
		ev := actor(caller, ip)
		ev.Action, ev.TargetType, ev.TargetID, ev.RegionCode = "user.create", "user", fmt.Sprint(id), scope.Code()
		ev.Detail = map[string]any{"login": in.Login, "role": string(in.Role), "scope": scope.Code(), "org_id": in.OrgID}
		_, err = s.Audit.Append(ctx, tx, ev)
		return err
	})
	if err != nil {
		return nil, "", err
	}
	u, err := s.GetUser(ctx, caller, id)
	return u, password, err
}

func (s *Service) insertUser(ctx context.Context, q db.Querier, caller *Principal, in UserInput, scope region.Scope,
	password string, mustChange bool) (int64, error) {
	var exists int
	if err := q.QueryRow(ctx, `SELECT COUNT(*) FROM users WHERE login = ?`, in.Login).Scan(&exists); err != nil {
		return 0, err
	}
	if exists > 0 {
		e := apperr.Msg(apperr.Conflict, "user.login_taken", in.Login)
		e.Field = "login"
		return 0, e
	}
	hash, err := HashPassword(password, s.Argon2)
	if err != nil {
		return 0, err
	}
	sealed, phoneHash := "", ""
	if in.Phone != "" {
		if sealed, err = s.Keys.Seal(in.Phone, PhoneField); err != nil {
			return 0, err
		}
		phoneHash = s.Keys.Hash(pii.Phone, in.Phone)
	}
	var org, createdBy any
	if in.OrgID > 0 {
		org = in.OrgID
	}
	if caller != nil {
		createdBy = caller.UserID
	}
	now := db.FormatTime(s.now())
	var id int64
	err = q.QueryRow(ctx, `INSERT INTO users (login, name, role, scope, org_id, password_hash, must_change_password,
		phone_sealed, phone_hash, created_at, updated_at, created_by)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`,
		in.Login, in.Name, string(in.Role), scope.Code(), org, hash, mustChange, sealed, phoneHash, now, now, createdBy).Scan(&id)
	return id, err
}

// Bootstrap creates a user without a calling administrator — the first city administrator of a new
// installation (minzheng user create) and the demo's users. The given password is kept; mustChange
// says whether it has to be replaced at first log-in.
func (s *Service) Bootstrap(ctx context.Context, in UserInput, password string, mustChange bool) (*User, error) {
	in.normalize()
	if problem := PasswordProblem(in.Login, password); problem != "" {
		return nil, apperr.FieldMsg("password", problem)
	}
	var id int64
	err := s.DB.InTx(ctx, func(tx *db.Tx) error {
		scope, err := s.validate(ctx, tx, &in)
		if err != nil {
			return err
		}
		if id, err = s.insertUser(ctx, tx, nil, in, scope, password, mustChange); err != nil {
			return err
		}
		_, err = s.Audit.Append(ctx, tx, auditSystem("user.create", id, scope.Code(),
			map[string]any{"login": in.Login, "role": string(in.Role), "scope": scope.Code()}))
		return err
	})
	if err != nil {
		return nil, err
	}
	return s.GetUser(ctx, &Principal{Scope: region.Nationwide}, id)
}
