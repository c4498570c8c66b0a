package auth_test

import (
	"fmt"
	"slices"
	"testing"

	"github.com/minzheng/minzheng/internal/apperr"
	"github.com/minzheng/minzheng/internal/audit"
	"github.com/minzheng/minzheng/internal/auth"
	"github.com/minzheng/minzheng/internal/db"
	"github.com/minzheng/minzheng/internal/db/dbtest"
)

// TestAuditTrail runs a day at the bureau and checks that every sensitive step left an event in
// an intact chain.
func TestAuditTrail(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		e := newEnv(t, d)
		steps := []struct {
			action string
			do     func() error
		}{
			{audit.ActionLogin, func() error { _, _, err := e.svc.Login(e.ctx, "laoshan", testPassword, "10.0.0.1", ""); return err }},
			{audit.ActionLoginFailed, func() error {
				_, _, err := e.svc.Login(e.ctx, "laoshan", "Wrong2024pw", "10.0.0.1", "")
				return wantUnauthenticated(err)
			}},
			{audit.ActionUserCreate, func() error {
				_, _, err := e.svc.CreateUser(e.ctx, e.laoshan.Principal(), "10.0.0.1",
					auth.UserInput{Login: "newbie", Name: "新人", Role: auth.StreetOfficer, Scope: "370212001", Phone: "13500004444"})
				return err
			}},
			{audit.ActionUserRoleChange, func() error {
				_, err := e.svc.UpdateUser(e.ctx, e.laoshan.Principal(), e.zhonghan.ID, auth.UserChange{Scope: ptr("370212002")}, "10.0.0.1")
				return err
			}},
			{audit.ActionUserDisable, func() error {
				_, err := e.svc.UpdateUser(e.ctx, e.laoshan.Principal(), e.zhonghan.ID, auth.UserChange{Disabled: ptr(true)}, "10.0.0.1")
				return err
			}},
			{audit.ActionTokenCreate, func() error {
				_, _, err := e.svc.CreateToken(e.ctx, e.admin.Principal(), e.feed.ID, "接口", 0, "")
				return err
			}},
			{audit.ActionTokenRevoke, func() error {
				toks, err := e.svc.ListTokens(e.ctx, e.admin.Principal(), e.feed.ID)
				if err != nil {
					return err
				}
				return e.svc.RevokeToken(e.ctx, e.admin.Principal(), e.feed.ID, toks[0].ID, "")
			}},
			{audit.ActionPIIReveal, func() error { _, err := e.svc.RevealPhone(e.ctx, e.laoshan.Principal(), e.grid.ID, ""); return err }},
			{audit.ActionLogout, func() error {
				secret, p := e.login(t, "grid", testPassword)
				return e.svc.Logout(e.ctx, p, secret, "")
			}},
		}
		for _, s := range steps {
			before := e.auditActions(t, audit.Filter{})
			if err := s.do(); err != nil {
				t.Fatalf("%s: %v", s.action, err)
			}
			added := e.auditActions(t, audit.Filter{})[len(before):]
			if !slices.Contains(added, s.action) {
				t.Errorf("step %s added events %v", s.action, added)
			}
		}
		res, err := audit.Verify(e.ctx, e.d, nil)
		if err != nil {
			t.Fatal(err)
		}
		if !res.OK || res.Checked == 0 {
			t.Errorf("audit.Verify = %+v", res)
		}
	})
}

// wantUnauthenticated turns the expected failure of a wrong password into success for the step
// table, and anything else into a failure.
func wantUnauthenticated(err error) error {
	if apperr.KindOf(err) == apperr.Unauthenticated {
		return nil
	}
	return fmt.Errorf("wrong password: got %v, want Unauthenticated", err)
}
