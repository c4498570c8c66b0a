package auth_test

import (
	"fmt"
	"testing"

	"github.com/minzheng/minzheng/internal/apperr"
	"github.com/minzheng/minzheng/internal/audit"
	"github.com/minzheng/minzheng/internal/auth"
	"github.com/minzheng/minzheng/internal/db"
	"github.com/minzheng/minzheng/internal/db/dbtest"
)

func TestUpdateUser(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		e := newEnv(t, d)
		tests := []struct {
			name      string
			caller    *auth.User
			change    auth.UserChange
			self      bool // edit the caller instead of a fresh street officer of 中韩街道
			kind      apperr.Kind
			field     string
			action    string // the audit action; "" when refused
			endsLogin bool
		}{
			{"rename", e.laoshan, auth.UserChange{Name: ptr("新名字")}, false, 0, "", "user.update", false},
			{"new phone", e.laoshan, auth.UserChange{Phone: ptr("13600003333")}, false, 0, "", "user.update", false},
			{"move street", e.laoshan, auth.UserChange{Scope: ptr("370212002")}, false, 0, "", "user.role_change", true},
			{"demote to grid worker", e.laoshan, auth.UserChange{Role: ptr(auth.GridWorker), Scope: ptr(community)}, false, 0, "", "user.role_change", true},
			{"disable", e.laoshan, auth.UserChange{Disabled: ptr(true)}, false, 0, "", "user.disable", true},
			{"city admin promotes", e.admin, auth.UserChange{Role: ptr(auth.DistrictApprover), Scope: ptr("370212")}, false, 0, "", "user.role_change", true},
			{"district promotes", e.laoshan, auth.UserChange{Role: ptr(auth.DistrictApprover), Scope: ptr("370212")}, false, apperr.Forbidden, "", "", false},
			{"move to another district", e.laoshan, auth.UserChange{Scope: ptr("370202001")}, false, apperr.Forbidden, "", "", false},
			{"other district edits", e.shinan, auth.UserChange{Name: ptr("x")}, false, apperr.NotFound, "", "", false},
			{"street officer edits", e.zhonghan, auth.UserChange{Name: ptr("x")}, false, apperr.Forbidden, "", "", false},
			{"wrong level", e.laoshan, auth.UserChange{Scope: ptr("370212")}, false, apperr.Invalid, "scope", "", false},
			{"bad phone", e.laoshan, auth.UserChange{Phone: ptr("110")}, false, apperr.Invalid, "phone", "", false},
			{"empty name", e.laoshan, auth.UserChange{Name: ptr(" ")}, false, apperr.Invalid, "name", "", false},
			// A district approver manages no district approver, itself included.
			{"own name", e.laoshan, auth.UserChange{Name: ptr("崂山区审批人")}, true, apperr.Forbidden, "", "", false},
			{"own role", e.admin, auth.UserChange{Role: ptr(auth.Auditor)}, true, apperr.Forbidden, "", "", false},
			{"own scope", e.admin, auth.UserChange{Scope: ptr("37")}, true, apperr.Forbidden, "", "", false},
			{"disable self", e.admin, auth.UserChange{Disabled: ptr(true)}, true, apperr.Forbidden, "", "", false},
		}
		for i, tc := range tests {
			t.Run(tc.name, func(t *testing.T) {
				caller := tc.caller
				target := caller
				if !tc.self {
					target = e.bootstrap(t, auth.UserInput{Login: fmt.Sprintf("officer%d", i), Name: "经办", Role: auth.StreetOfficer, Scope: "370212001"})
				}
				secret, _ := e.login(t, target.Login, testPassword)
				before := len(e.auditActions(t, audit.Filter{TargetID: fmt.Sprint(target.ID), Action: "user."}))
				u, err := e.svc.UpdateUser(e.ctx, caller.Principal(), target.ID, tc.change, "10.0.0.1")
				switch {
				case tc.kind != 0:
					wantErr(t, err, tc.kind, tc.field)
				case err != nil:
					t.Fatalf("UpdateUser: %v", err)
				}
				actions := e.auditActions(t, audit.Filter{TargetID: fmt.Sprint(target.ID), Action: "user."})[before:]
				if tc.action == "" && len(actions) > 0 || tc.action != "" && (len(actions) != 1 || actions[0] != tc.action) {
					t.Errorf("audit actions %v, want [%s]", actions, tc.action)
				}
				if got := e.alive(t, secret); got == tc.endsLogin {
					t.Errorf("session alive = %v after the change, want %v", got, !tc.endsLogin)
				}
				if err != nil {
					return
				}
				switch {
				case tc.change.Name != nil && u.Name != *tc.change.Name,
					tc.change.Role != nil && u.Role != *tc.change.Role,
					tc.change.Scope != nil && u.Scope.Code() != *tc.change.Scope,
					tc.change.Disabled != nil && u.Disabled != *tc.change.Disabled,
					tc.change.Phone != nil && u.PhoneMasked != "136****3333":
					t.Errorf("UpdateUser returned %+v after %+v", u, tc.change)
				}
			})
		}
		// A city administrator may rename themselves.
		if _, err := e.svc.UpdateUser(e.ctx, e.admin.Principal(), e.admin.ID, auth.UserChange{Name: ptr("管理员")}, ""); err != nil {
			t.Errorf("city admin renames self: %v", err)
		}
	})
}

func TestChangePassword(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		e := newEnv(t, d)
		u, initial := e.create(t, e.laoshan, auth.UserInput{Login: "newbie", Name: "新人", Role: auth.StreetOfficer, Scope: "370212001"})
		keep, p := e.login(t, "newbie", initial)
		other, _ := e.login(t, "newbie", initial)
		if !p.MustChangePassword {
			t.Error("a created user need not change the initial password")
		}
		if got, err := e.svc.Authenticate(e.ctx, keep); err != nil || !got.MustChangePassword {
			t.Errorf("Authenticate = %+v, %v; want MustChangePassword", got, err)
		}
		const next = "Shazikou2024new"
		tests := []struct{ name, current, next, field string }{
			{"wrong current", "Wrong2024password", next, "current"},
			{"too short", initial, "Ab1", "next"},
			{"no digit", initial, "abcdefghijklmn", "next"},
			{"same", initial, initial, "next"},
		}
		for _, tc := range tests {
			t.Run(tc.name, func(t *testing.T) {
				err := e.svc.ChangePassword(e.ctx, p, tc.current, tc.next, keep, "10.0.0.1")
				wantErr(t, err, apperr.Invalid, tc.field)
			})
		}
		if err := e.svc.ChangePassword(e.ctx, p, initial, next, keep, "10.0.0.1"); err != nil {
			t.Fatalf("ChangePassword: %v", err)
		}
		if !e.alive(t, keep) || e.alive(t, other) {
			t.Errorf("after ChangePassword: kept session alive %v, other alive %v; want true, false", e.alive(t, keep), e.alive(t, other))
		}
		if got, err := e.svc.Authenticate(e.ctx, keep); err != nil || got.MustChangePassword {
			t.Errorf("Authenticate after change = %+v, %v; want MustChangePassword false", got, err)
		}
		if _, _, err := e.svc.Login(e.ctx, "newbie", initial, "10.0.0.3", ""); apperr.KindOf(err) != apperr.Unauthenticated {
			t.Errorf("old password still works: %v", err)
		}
		if _, p := e.login(t, "newbie", next); p.UserID != u.ID || p.MustChangePassword {
			t.Errorf("login with new password = %+v", p)
		}
		if got := e.auditActions(t, audit.Filter{Action: "user.password_change"}); len(got) != 1 {
			t.Errorf("user.password_change events = %v, want 1", got)
		}
	})
}

func TestResetPassword(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		e := newEnv(t, d)
		secret, _ := e.login(t, "zhonghan", testPassword)
		if _, err := e.svc.ResetPassword(e.ctx, e.shinan.Principal(), e.zhonghan.ID, ""); apperr.KindOf(err) != apperr.NotFound {
			t.Errorf("other district resets: %v, want NotFound", err)
		}
		if _, err := e.svc.ResetPassword(e.ctx, e.admin.Principal(), e.admin.ID, ""); apperr.KindOf(err) != apperr.Forbidden {
			t.Errorf("reset own password: %v, want Forbidden", err)
		}
		password, err := e.svc.ResetPassword(e.ctx, e.laoshan.Principal(), e.zhonghan.ID, "")
		if err != nil {
			t.Fatal(err)
		}
		if e.alive(t, secret) {
			t.Error("session survived a password reset")
		}
		if _, _, err := e.svc.Login(e.ctx, "zhonghan", testPassword, "10.0.0.1", ""); apperr.KindOf(err) != apperr.Unauthenticated {
			t.Errorf("old password after reset: %v", err)
		}
		if _, p := e.login(t, "zhonghan", password); !p.MustChangePassword {
			t.Error("reset password need not be changed")
		}
	})
}
