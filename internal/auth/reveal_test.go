package auth_test

import (
	"fmt"
	"strings"
	"testing"

	"github.com/minzheng/minzheng/internal/apperr"
	"github.com/minzheng/minzheng/internal/audit"
	"github.com/minzheng/minzheng/internal/auth"
	"github.com/minzheng/minzheng/internal/db"
	"github.com/minzheng/minzheng/internal/db/dbtest"
	"github.com/minzheng/minzheng/internal/pii"
)

func TestRevealPhone(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		e := newEnv(t, d)
		tests := []struct {
			name   string
			caller *auth.User
			target *auth.User
			want   string
			kind   apperr.Kind
		}{
			{"city admin", e.admin, e.grid, "13700002222", 0},
			{"district approver", e.laoshan, e.grid, "13700002222", 0},
			{"grid worker, own phone", e.grid, e.grid, "13700002222", 0},
			{"auditor lacks pii.reveal", e.auditor, e.grid, "", apperr.Forbidden},
			{"feed lacks pii.reveal", e.feed, e.grid, "", apperr.Forbidden},
			{"out of scope", e.shinan, e.grid, "", apperr.NotFound},
			{"above own scope", e.laoshan, e.admin, "", apperr.NotFound},
			{"no phone", e.admin, e.zhonghan, "", apperr.NotFound},
		}
		for _, tc := range tests {
			t.Run(tc.name, func(t *testing.T) {
				f := audit.Filter{Action: "pii.reveal", Actor: tc.caller.Login, TargetID: fmt.Sprint(tc.target.ID)}
				before := len(e.auditActions(t, f))
				got, err := e.svc.RevealPhone(e.ctx, tc.caller.Principal(), tc.target.ID, "10.0.0.5")
				after := len(e.auditActions(t, f))
				if tc.kind != 0 {
					wantErr(t, err, tc.kind, "")
					if got != "" || after != before {
						t.Errorf("refused reveal returned %q and wrote %d audit events", got, after-before)
					}
					return
				}
				if err != nil || got != tc.want {
					t.Fatalf("RevealPhone = %q, %v; want %q", got, err, tc.want)
				}
				if after != before+1 {
					t.Errorf("reveal wrote %d pii.reveal events, want 1", after-before)
				}
			})
		}
		recs, _, err := audit.Search(e.ctx, e.d, audit.Filter{Action: "pii.reveal", Actor: "laoshan"})
		if err != nil || len(recs) != 1 {
			t.Fatalf("laoshan's reveals = %v, %v", recs, err)
		}
		r := recs[0]
		if r.ActorID != e.laoshan.ID || r.Role != "district_approver" || r.TargetType != "user" ||
			r.RegionCode != community || r.IP != "10.0.0.5" || r.Detail["field"] != "phone" {
			t.Errorf("reveal event = %+v", r)
		}
	})
}

func TestPhoneSealed(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		e := newEnv(t, d)
		for _, u := range []*auth.User{e.admin, e.grid} {
			var sealed, hash string
			if err := e.d.QueryRow(e.ctx, `SELECT phone_sealed, phone_hash FROM users WHERE id = ?`, u.ID).Scan(&sealed, &hash); err != nil {
				t.Fatal(err)
			}
			phone, err := e.keys.Open(sealed, auth.PhoneField)
			if err != nil {
				t.Fatalf("open %s's phone: %v", u.Login, err)
			}
			for _, v := range []string{sealed, hash} {
				if v == "" || strings.Contains(v, phone) || strings.Contains(v, phone[3:7]) || strings.Contains(v, phone[7:]) {
					t.Errorf("%s: column value %q shows the phone %s", u.Login, v, phone)
				}
			}
			if hash != e.keys.Hash(pii.Phone, phone) {
				t.Errorf("%s: phone_hash is not the keyed hash of the phone", u.Login)
			}
			if _, err := e.keys.Open(sealed, "users.other"); err == nil {
				t.Errorf("%s: phone opens under another field name", u.Login)
			}
		}
		for u, want := range map[*auth.User]string{e.admin: "138****5678", e.grid: "137****2222", e.zhonghan: ""} {
			if u.PhoneMasked != want {
				t.Errorf("%s: PhoneMasked = %q, want %q", u.Login, u.PhoneMasked, want)
			}
		}
		if diff := auth.SealedColumns(); len(diff) != 1 || diff[0].Table != "users" || diff[0].Sealed != "phone_sealed" || diff[0].Field != auth.PhoneField {
			t.Errorf("SealedColumns() = %+v", diff)
		}
	})
}
