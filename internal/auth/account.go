package auth

import (
	"context"
	"fmt"

	"github.com/minzheng/minzheng/internal/apperr"
	"github.com/minzheng/minzheng/internal/db"
	"github.com/minzheng/minzheng/internal/pii"
)

// ChangePassword replaces the caller's own password after checking the current one, clears the
// first-log-in flag, and ends the caller's other sessions (keepSecret names the one to keep).
func (s *Service) ChangePassword(ctx context.Context, p *Principal, current, next, keepSecret, ip string) error {
	u, hash, err := s.userByLogin(ctx, s.DB, p.Login)
	if err != nil {
		return err
	}
	// Guessing the current password from a stolen session is throttled like log-in guessing.
	if blocked, err := s.throttled(ctx, u.Login, ip); err != nil {
		return err
	} else if blocked {
		return apperr.Msg(apperr.TooMany, "auth.throttled", int(s.Throttle.Window.Minutes()))
	}
	if ok, err := CheckPassword(hash, current); err != nil {
		return err
	} else if !ok {
		if err := s.recordFailure(ctx, s.DB, u.Login, ip); err != nil {
			return err
		}
		return apperr.FieldMsg("current", "password.wrong_current")
	}
	if problem := PasswordProblem(u.Login, next); problem != "" {
		return apperr.FieldMsg("next", problem)
	}
	if current == next {
		return apperr.FieldMsg("next", "password.same")
	}
	newHash, err := HashPassword(next, s.Argon2)
	if err != nil {
		return err
	}
	return s.DB.InTx(ctx, func(tx *db.Tx) error {
		if _, err := tx.Exec(ctx, `UPDATE users SET password_hash = ?, must_change_password = ?, updated_at = ? WHERE id = ?`,
			newHash, false, db.FormatTime(s.now()), u.ID); err != nil {
			return err
		}
		if _, err := tx.Exec(ctx, `DELETE FROM sessions WHERE user_id = ? AND id_hash <> ?`, u.ID, hashSecret(keepSecret)); err != nil {
			return err
		}
		ev := actor(p, ip)
		ev.Action, ev.TargetType, ev.TargetID, ev.RegionCode = "user.password_change", "user", fmt.Sprint(u.ID), u.Scope.Code()
		_, err := s.Audit.Append(ctx, tx, ev)
		return err
	})
}

// UserChange is an administrator's edit of a user; nil fields stay as they are.
type UserChange struct {
	Name     *string
	Role     *Role
	Scope    *string
	OrgID    *int64
	Phone    *string
	Disabled *bool
}

// UpdateUser applies change to user id. The caller must be able to manage the user both as it is
// and as it will be, and may not change their own role, scope or status — so nobody raises their
// own rights or locks out the last administrator by accident.
func (s *Service) UpdateUser(ctx context.Context, caller *Principal, id int64, change UserChange, ip string) (*User, error) {
	before, err := s.GetUser(ctx, caller, id)
	if err != nil {
		return nil, err
	}
	if !caller.CanManage(before.Role, before.Scope) {
		return nil, apperr.Msg(apperr.Forbidden, "user.cannot_grant")
	}
	if id == caller.UserID && (change.Role != nil || change.Scope != nil || change.Disabled != nil) {
		return nil, apperr.Msg(apperr.Forbidden, "user.not_self")
	}
	in := UserInput{Login: before.Login, Name: before.Name, Role: before.Role, Scope: before.Scope.Code(), OrgID: before.OrgID}
	if change.Name != nil {
		in.Name = *change.Name
	}
	if change.Role != nil {
		in.Role = *change.Role
	}
	if change.Scope != nil {
		in.Scope = *change.Scope
	}
	if change.OrgID != nil {
		in.OrgID = *change.OrgID
	}
	if change.Phone != nil {
		in.Phone = *change.Phone
	}
	in.normalize()
	err = s.DB.InTx(ctx, func(tx *db.Tx) error {
		scope, err := s.validate(ctx, tx, &in)
		if err != nil {
			return err
		}
		if !caller.CanManage(in.Role, scope) {
			return apperr.Msg(apperr.Forbidden, "user.cannot_grant")
		}
		var org any
		if in.OrgID > 0 {
			org = in.OrgID
		}
		disabled := before.Disabled
		if change.Disabled != nil {
			disabled = *change.Disabled
		}
		now := db.FormatTime(s.now())
		if _, err := tx.Exec(ctx, `UPDATE users SET name = ?, role = ?, scope = ?, org_id = ?, disabled = ?, updated_at = ? WHERE id = ?`,
			in.Name, string(in.Role), scope.Code(), org, disabled, now, id); err != nil {
			return err
		}
		if change.Phone != nil {
			sealed, hash := "", ""
			if in.Phone != "" {
				if sealed, err = s.Keys.Seal(in.Phone, PhoneField); err != nil {
					return err
				}
				hash = s.Keys.Hash(pii.Phone, in.Phone)
			}
			if _, err := tx.Exec(ctx, `UPDATE users SET phone_sealed = ?, phone_hash = ? WHERE id = ?`, sealed, hash, id); err != nil {
				return err
			}
		}
		rightsChanged := in.Role != before.Role || scope != before.Scope || disabled != before.Disabled
		if rightsChanged {
			// New rights take effect at once: the user signs in again under them.
			if _, err := tx.Exec(ctx, `DELETE FROM sessions WHERE user_id = ?`, id); err != nil {
				return err
			}
		}
		action := "user.update"
		switch {
		case disabled && !before.Disabled:
			action = "user.disable"
		case in.Role != before.Role || scope != before.Scope:
			action = "user.role_change"
		}
		ev := actor(caller, ip)
		ev.Action, ev.TargetType, ev.TargetID, ev.RegionCode = action, "user", fmt.Sprint(id), scope.Code()
		ev.Detail = map[string]any{
			"before":        map[string]any{"name": before.Name, "role": string(before.Role), "scope": before.Scope.Code(), "org_id": before.OrgID, "disabled": before.Disabled},
			"after":         map[string]any{"name": in.Name, "role": string(in.Role), "scope": scope.Code(), "org_id": in.OrgID, "disabled": disabled},
			"phone_changed": change.Phone != nil,
		}
		_, err = s.Audit.Append(ctx, tx, ev)
		return err
	})
	if err != nil {
		return nil, err
	}
	return s.GetUser(ctx, caller, id)
}

// ResetPassword gives user id a new random initial password, returned once, that must be changed
// at the next log-in; all of the user's sessions end.
func (s *Service) ResetPassword(ctx context.Context, caller *Principal, id int64, ip string) (string, error) {
	u, err := s.GetUser(ctx, caller, id)
	if err != nil {
		return "", err
	}
	if !caller.CanManage(u.Role, u.Scope) || id == caller.UserID {
		return "", apperr.Msg(apperr.Forbidden, "user.cannot_grant")
	}
	password := RandomPassword()
	hash, err := HashPassword(password, s.Argon2)
	if err != nil {
		return "", err
	}
	err = s.DB.InTx(ctx, func(tx *db.Tx) error {
		if _, err := tx.Exec(ctx, `UPDATE users SET password_hash = ?, must_change_password = ?, updated_at = ? WHERE id = ?`,
			hash, true, db.FormatTime(s.now()), id); err != nil {
			return err
		}
		if _, err := tx.Exec(ctx, `DELETE FROM sessions WHERE user_id = ?`, id); err != nil {
			return err
		}
		ev := actor(caller, ip)
		ev.Action, ev.TargetType, ev.TargetID, ev.RegionCode = "user.password_reset", "user", fmt.Sprint(id), u.Scope.Code()
		_, err := s.Audit.Append(ctx, tx, ev)
		return err
	})
	return password, err
}

// RevealPhone returns user id's full phone number to a caller allowed to reveal personal data,
// and records the reveal in the audit log before answering.
func (s *Service) RevealPhone(ctx context.Context, caller *Principal, id int64, ip string) (string, error) {
	if !caller.Can(PIIReveal) {
		return "", apperr.Msg(apperr.Forbidden, "pii.reveal_forbidden")
	}
	u, err := s.GetUser(ctx, caller, id)
	if err != nil {
		return "", err
	}
	var sealed string
	if err := s.DB.QueryRow(ctx, `SELECT phone_sealed FROM users WHERE id = ?`, id).Scan(&sealed); err != nil {
		return "", err
	}
	if sealed == "" {
		return "", apperr.Msg(apperr.NotFound, "pii.nothing")
	}
	phone, err := s.Keys.Open(sealed, PhoneField)
	if err != nil {
		return "", err
	}
	ev := actor(caller, ip)
	ev.Action, ev.TargetType, ev.TargetID, ev.RegionCode = "pii.reveal", "user", fmt.Sprint(id), u.Scope.Code()
	ev.Detail = map[string]any{"field": "phone"}
	if _, err := s.Audit.Record(ctx, s.DB, ev); err != nil {
		return "", err
	}
	return phone, nil
}
