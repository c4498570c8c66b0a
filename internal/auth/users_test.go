package auth_test

import (
	"fmt"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/minzheng/minzheng/internal/apperr"
	"github.com/minzheng/minzheng/internal/audit"
	"github.com/minzheng/minzheng/internal/auth"
	"github.com/minzheng/minzheng/internal/db"
	"github.com/minzheng/minzheng/internal/db/dbtest"
)

func TestCreateUser(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		e := newEnv(t, d)
		tests := []struct {
			name   string
			caller *auth.User
			in     auth.UserInput
			kind   apperr.Kind // Internal means success
			field  string
		}{
			{"city admin makes city admin", e.admin, auth.UserInput{Login: "admin2", Name: "副管理员", Role: auth.CityAdmin, Scope: "3702"}, 0, ""},
			{"city admin makes district approver", e.admin, auth.UserInput{Login: "huangdao", Name: "黄岛审批", Role: auth.DistrictApprover, Scope: "370211"}, 0, ""},
			{"city admin makes street officer", e.admin, auth.UserInput{Login: "shazikou", Name: "沙子口经办", Role: auth.StreetOfficer, Scope: "370212002"}, 0, ""},
			{"city admin makes grid worker", e.admin, auth.UserInput{Login: "grid2", Name: "网格员二", Role: auth.GridWorker, Scope: community}, 0, ""},
			{"city admin makes canteen operator", e.admin, auth.UserInput{Login: "canteen", Name: "长者食堂", Role: auth.CanteenOperator, Scope: "370212001", OrgID: 11}, 0, ""},
			{"city admin makes charity", e.admin, auth.UserInput{Login: "charity", Name: "慈善总会", Role: auth.Charity, Scope: "3702", OrgID: 12}, 0, ""},
			{"city admin makes rescue station", e.admin, auth.UserInput{Login: "rescue", Name: "救助站", Role: auth.RescueStation, Scope: "370202", OrgID: 13}, 0, ""},
			{"city admin makes auditor", e.admin, auth.UserInput{Login: "auditor2", Name: "区审计", Role: auth.Auditor, Scope: "370212"}, 0, ""},
			{"city admin makes feed", e.admin, auth.UserInput{Login: "feed2", Name: "省厅接口", Role: auth.AgencyFeed, Scope: "3702"}, 0, ""},
			{"login and phone normalised", e.admin, auth.UserInput{Login: "  Wang.Fang ", Name: " 王芳 ", Role: auth.Auditor, Scope: "3702", Phone: "+86 138-1234-5678"}, 0, ""},
			{"city admin, 济南 city admin", e.admin, auth.UserInput{Login: "jinan", Name: "济南", Role: auth.CityAdmin, Scope: "3701"}, apperr.Forbidden, ""},
			{"city admin, 济南 district", e.admin, auth.UserInput{Login: "lixia", Name: "历下", Role: auth.DistrictApprover, Scope: "370102"}, apperr.Forbidden, ""},
			{"city admin, province", e.admin, auth.UserInput{Login: "shandong", Name: "山东", Role: auth.CityAdmin, Scope: "37"}, apperr.Forbidden, ""},
			{"district makes street officer", e.laoshan, auth.UserInput{Login: "zhonghan2", Name: "中韩经办二", Role: auth.StreetOfficer, Scope: "370212001"}, 0, ""},
			{"district makes grid worker", e.laoshan, auth.UserInput{Login: "grid3", Name: "网格员三", Role: auth.GridWorker, Scope: community}, 0, ""},
			{"district, street of another district", e.laoshan, auth.UserInput{Login: "xianggang", Name: "香港中路", Role: auth.StreetOfficer, Scope: "370202001"}, apperr.Forbidden, ""},
			{"district, district approver", e.laoshan, auth.UserInput{Login: "laoshan2", Name: "崂山二", Role: auth.DistrictApprover, Scope: "370212"}, apperr.Forbidden, ""},
			{"district, city admin", e.laoshan, auth.UserInput{Login: "boss", Name: "老板", Role: auth.CityAdmin, Scope: "3702"}, apperr.Forbidden, ""},
			{"district, auditor", e.laoshan, auth.UserInput{Login: "auditor3", Name: "审计", Role: auth.Auditor, Scope: "370212"}, apperr.Forbidden, ""},
			{"street officer makes nobody", e.zhonghan, auth.UserInput{Login: "grid4", Name: "网格员四", Role: auth.GridWorker, Scope: community}, apperr.Forbidden, ""},
			{"auditor makes nobody", e.auditor, auth.UserInput{Login: "grid5", Name: "网格员五", Role: auth.GridWorker, Scope: community}, apperr.Forbidden, ""},
			{"street officer at county level", e.admin, auth.UserInput{Login: "badlevel", Name: "经办", Role: auth.StreetOfficer, Scope: "370212"}, apperr.Invalid, "scope"},
			{"grid worker at street level", e.admin, auth.UserInput{Login: "badlevel", Name: "网格", Role: auth.GridWorker, Scope: "370212001"}, apperr.Invalid, "scope"},
			{"padded scope", e.admin, auth.UserInput{Login: "badscope", Name: "经办", Role: auth.StreetOfficer, Scope: "370212001000"}, apperr.Invalid, "scope"},
			{"malformed scope", e.admin, auth.UserInput{Login: "badscope", Name: "经办", Role: auth.StreetOfficer, Scope: "37021200x"}, apperr.Invalid, "scope"},
			{"unknown scope", e.admin, auth.UserInput{Login: "badscope", Name: "经办", Role: auth.StreetOfficer, Scope: "370212999"}, apperr.Invalid, "scope"},
			{"nationwide scope", e.admin, auth.UserInput{Login: "badscope", Name: "全国", Role: auth.CityAdmin, Scope: ""}, apperr.Invalid, "scope"},
			{"duplicate login", e.admin, auth.UserInput{Login: "zhonghan", Name: "重名", Role: auth.StreetOfficer, Scope: "370212001"}, apperr.Conflict, "login"},
			{"duplicate login other case", e.laoshan, auth.UserInput{Login: " ZhongHan", Name: "重名", Role: auth.StreetOfficer, Scope: "370212001"}, apperr.Conflict, "login"},
			{"short login", e.admin, auth.UserInput{Login: "ab", Name: "短", Role: auth.Auditor, Scope: "3702"}, apperr.Invalid, "login"},
			{"login with space", e.admin, auth.UserInput{Login: "li ming", Name: "李明", Role: auth.Auditor, Scope: "3702"}, apperr.Invalid, "login"},
			{"login starts with digit", e.admin, auth.UserInput{Login: "1liming", Name: "李明", Role: auth.Auditor, Scope: "3702"}, apperr.Invalid, "login"},
			{"chinese login", e.admin, auth.UserInput{Login: "李明", Name: "李明", Role: auth.Auditor, Scope: "3702"}, apperr.Invalid, "login"},
			{"no name", e.admin, auth.UserInput{Login: "noname", Name: "  ", Role: auth.Auditor, Scope: "3702"}, apperr.Invalid, "name"},
			{"unknown role", e.admin, auth.UserInput{Login: "boss2", Name: "老板", Role: "boss", Scope: "3702"}, apperr.Invalid, "role"},
			{"canteen without org", e.admin, auth.UserInput{Login: "canteen2", Name: "食堂", Role: auth.CanteenOperator, Scope: "370212"}, apperr.Invalid, "org_id"},
			{"street officer with org", e.admin, auth.UserInput{Login: "withorg", Name: "经办", Role: auth.StreetOfficer, Scope: "370212001", OrgID: 5}, apperr.Invalid, "org_id"},
			{"short phone", e.admin, auth.UserInput{Login: "badphone", Name: "电话", Role: auth.Auditor, Scope: "3702", Phone: "12345"}, apperr.Invalid, "phone"},
			{"landline", e.admin, auth.UserInput{Login: "badphone", Name: "电话", Role: auth.Auditor, Scope: "3702", Phone: "0532-8888-6666"}, apperr.Invalid, "phone"},
			{"phone not starting with 1", e.admin, auth.UserInput{Login: "badphone", Name: "电话", Role: auth.Auditor, Scope: "3702", Phone: "23812345678"}, apperr.Invalid, "phone"},
		}
		for _, tc := range tests {
			t.Run(tc.name, func(t *testing.T) {
				u, password, err := e.svc.CreateUser(e.ctx, tc.caller.Principal(), "10.0.0.2", tc.in)
				if tc.kind != apperr.Internal {
					wantErr(t, err, tc.kind, tc.field)
					return
				}
				if err != nil {
					t.Fatalf("CreateUser: %v", err)
				}
				if u.Role != tc.in.Role || u.Scope.Code() != tc.in.Scope || u.OrgID != tc.in.OrgID ||
					!u.MustChangePassword || u.Disabled || u.CreatedBy != tc.caller.ID {
					t.Errorf("created %+v from %+v", u, tc.in)
				}
				if problem := auth.PasswordProblem(u.Login, password); problem != "" {
					t.Errorf("initial password %q: %s", password, problem)
				}
				if u.Role.IsMachine() {
					return // signs in only with tokens
				}
				_, p := e.login(t, u.Login, password)
				if p.UserID != u.ID || p.Role != tc.in.Role || !p.MustChangePassword {
					t.Errorf("principal after login = %+v", p)
				}
			})
		}
		var created []string
		for _, tc := range tests {
			if tc.kind == apperr.Internal {
				created = append(created, "user.create")
			}
		}
		got := e.auditActions(t, audit.Filter{Action: "user.create", Actor: "admin"})
		got = append(got, e.auditActions(t, audit.Filter{Action: "user.create", Actor: "laoshan"})...)
		if diff := cmp.Diff(created, got); diff != "" {
			t.Errorf("user.create events by admin and laoshan (-want +got):\n%s", diff)
		}
		u, err := e.svc.GetUser(e.ctx, e.admin.Principal(), mustID(t, e, "wang.fang"))
		if err != nil {
			t.Fatal(err)
		}
		if u.Name != "王芳" || u.PhoneMasked != "138****5678" {
			t.Errorf("normalised user = %+v", u)
		}
	})
}

// mustID finds a user's id by login within the city.
func mustID(t *testing.T, e *env, login string) int64 {
	t.Helper()
	var id int64
	if err := e.d.QueryRow(e.ctx, `SELECT id FROM users WHERE login = ?`, login).Scan(&id); err != nil {
		t.Fatalf("find %s: %v", login, err)
	}
	return id
}

func TestGetUserScoped(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		e := newEnv(t, d)
		tests := []struct {
			name   string
			caller *auth.User
			id     int64
			found  bool
		}{
			{"admin sees street officer", e.admin, e.zhonghan.ID, true},
			{"admin sees grid worker", e.admin, e.grid.ID, true},
			{"district sees own street", e.laoshan, e.zhonghan.ID, true},
			{"district sees own community", e.laoshan, e.grid.ID, true},
			{"district sees itself", e.laoshan, e.laoshan.ID, true},
			{"district, other district", e.laoshan, e.shinan.ID, false},
			{"district, city admin", e.laoshan, e.admin.ID, false},
			{"street, community below", e.zhonghan, e.grid.ID, true},
			{"street, own district", e.zhonghan, e.laoshan.ID, false},
			{"grid, own street", e.grid, e.zhonghan.ID, false},
			{"missing id", e.admin, 99999, false},
		}
		for _, tc := range tests {
			t.Run(tc.name, func(t *testing.T) {
				u, err := e.svc.GetUser(e.ctx, tc.caller.Principal(), tc.id)
				if !tc.found {
					wantErr(t, err, apperr.NotFound, "")
					if got := apperr.As(err).Code; got != "user.notfound" {
						t.Errorf("code = %q: an out-of-scope user must look missing", got)
					}
					return
				}
				if err != nil || u.ID != tc.id {
					t.Fatalf("GetUser(%d) = %+v, %v", tc.id, u, err)
				}
			})
		}
	})
}

func TestListUsers(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		e := newEnv(t, d)
		tests := []struct {
			name   string
			caller *auth.User
			filter auth.UserFilter
			want   []string
			total  int
		}{
			{"city", e.admin, auth.UserFilter{PerPage: 50}, []string{"admin", "auditor", "feed", "grid", "laoshan", "shinan", "zhonghan"}, 7},
			{"district", e.laoshan, auth.UserFilter{PerPage: 50}, []string{"grid", "laoshan", "zhonghan"}, 3},
			{"other district", e.shinan, auth.UserFilter{PerPage: 50}, []string{"shinan"}, 1},
			{"street", e.zhonghan, auth.UserFilter{PerPage: 50}, []string{"grid", "zhonghan"}, 2},
			{"community", e.grid, auth.UserFilter{PerPage: 50}, []string{"grid"}, 1},
			{"page 1", e.admin, auth.UserFilter{Page: 1, PerPage: 3}, []string{"admin", "auditor", "feed"}, 7},
			{"page 2", e.admin, auth.UserFilter{Page: 2, PerPage: 3}, []string{"grid", "laoshan", "shinan"}, 7},
			{"page 3", e.admin, auth.UserFilter{Page: 3, PerPage: 3}, []string{"zhonghan"}, 7},
			{"past the end", e.admin, auth.UserFilter{Page: 9, PerPage: 3}, nil, 7},
			{"page 0 is page 1", e.laoshan, auth.UserFilter{Page: 0, PerPage: 2}, []string{"grid", "laoshan"}, 3},
			{"query login", e.admin, auth.UserFilter{Query: "zhong", PerPage: 50}, []string{"zhonghan"}, 1},
			{"query part of two logins", e.admin, auth.UserFilter{Query: "han", PerPage: 50}, []string{"laoshan", "zhonghan"}, 2},
			{"query name", e.admin, auth.UserFilter{Query: "审批", PerPage: 50}, []string{"laoshan", "shinan"}, 2},
			{"query within scope", e.laoshan, auth.UserFilter{Query: "审批", PerPage: 50}, []string{"laoshan"}, 1},
			{"query outside scope", e.zhonghan, auth.UserFilter{Query: "admin", PerPage: 50}, nil, 0},
			{"role", e.admin, auth.UserFilter{Role: auth.DistrictApprover, PerPage: 50}, []string{"laoshan", "shinan"}, 2},
			{"role within scope", e.laoshan, auth.UserFilter{Role: auth.DistrictApprover, PerPage: 50}, []string{"laoshan"}, 1},
			{"role and query", e.admin, auth.UserFilter{Role: auth.DistrictApprover, Query: "市南", PerPage: 50}, []string{"shinan"}, 1},
		}
		for _, tc := range tests {
			t.Run(tc.name, func(t *testing.T) {
				users, total, err := e.svc.ListUsers(e.ctx, tc.caller.Principal(), tc.filter)
				if err != nil {
					t.Fatal(err)
				}
				var got []string
				for _, u := range users {
					got = append(got, u.Login)
				}
				if diff := cmp.Diff(tc.want, got); diff != "" || total != tc.total {
					t.Errorf("ListUsers total = %d, want %d; logins (-want +got):\n%s", total, tc.total, diff)
				}
			})
		}
	})
}

// TestListUsersQueryLiteral: the search box finds what was typed. Logins may contain "_" and are
// stored in lower case, so "li_ming" and "LI_MING" must both find li_ming, on both engines.
func TestListUsersQueryLiteral(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		e := newEnv(t, d)
		e.create(t, e.admin, auth.UserInput{Login: "li_ming", Name: "李明", Role: auth.Auditor, Scope: "3702"})
		e.create(t, e.admin, auth.UserInput{Login: "liaming", Name: "李阿明", Role: auth.Auditor, Scope: "3702"})
		tests := []struct {
			name, query string
			want        []string
		}{
			{"underscore", "li_ming", []string{"li_ming"}},
			{"upper case", "LIAMING", []string{"liaming"}},
			{"upper case with underscore", "LI_MING", []string{"li_ming"}},
			{"percent is no wildcard", "li%ming", nil},
		}
		for _, tc := range tests {
			t.Run(tc.name, func(t *testing.T) {
				users, total, err := e.svc.ListUsers(e.ctx, e.admin.Principal(), auth.UserFilter{Query: tc.query, PerPage: 50})
				if err != nil {
					t.Fatal(err)
				}
				var got []string
				for _, u := range users {
					got = append(got, u.Login)
				}
				if diff := cmp.Diff(tc.want, got); diff != "" || total != len(tc.want) {
					t.Errorf("ListUsers(Query %q) total %d, logins (-want +got):\n%s", tc.query, total, diff)
				}
			})
		}
	})
}

// TestScopeFailsClosed: a scope cut off inside a code ("37021") covers nothing in region.Scope, and
// the store's SQL filter must agree rather than read it as a prefix of 370211 and 370212.
func TestScopeFailsClosed(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		e := newEnv(t, d)
		p := &auth.Principal{UserID: e.admin.ID, Login: "admin", Role: auth.CityAdmin, Scope: "37021"}
		if p.Sees(e.laoshan.Scope.Code()) {
			t.Fatal("Principal.Sees accepts a cut-off scope")
		}
		_, err := e.svc.GetUser(e.ctx, p, e.laoshan.ID)
		if apperr.KindOf(err) != apperr.NotFound {
			t.Errorf("GetUser with scope 37021 = %v, want NotFound", err)
		}
		users, total, err := e.svc.ListUsers(e.ctx, p, auth.UserFilter{PerPage: 50})
		if err != nil || total != 0 || len(users) != 0 {
			t.Errorf("ListUsers with scope 37021 = %d users, total %d, %v; want none", len(users), total, err)
		}
	})
}

func TestBootstrap(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		e := newEnv(t, d)
		if e.admin.MustChangePassword || e.admin.CreatedBy != 0 || e.admin.PhoneMasked != "138****5678" {
			t.Errorf("bootstrapped admin = %+v", e.admin)
		}
		tests := []struct {
			name     string
			in       auth.UserInput
			password string
			kind     apperr.Kind
			field    string
		}{
			{"duplicate login", auth.UserInput{Login: "Admin", Name: "重名", Role: auth.CityAdmin, Scope: "3702"}, testPassword, apperr.Conflict, "login"},
			{"weak password", auth.UserInput{Login: "weak", Name: "弱", Role: auth.CityAdmin, Scope: "3702"}, "password", apperr.Invalid, "password"},
			{"password is login", auth.UserInput{Login: "weak2024pass", Name: "弱", Role: auth.CityAdmin, Scope: "3702"}, "Weak2024Pass", apperr.Invalid, "password"},
			{"wrong level", auth.UserInput{Login: "lowadmin", Name: "区", Role: auth.CityAdmin, Scope: "370212"}, testPassword, apperr.Invalid, "scope"},
		}
		for _, tc := range tests {
			t.Run(tc.name, func(t *testing.T) {
				_, err := e.svc.Bootstrap(e.ctx, tc.in, tc.password, true)
				wantErr(t, err, tc.kind, tc.field)
			})
		}
		// Bootstrap may place a user anywhere: it is the command line's, not an administrator's.
		u, err := e.svc.Bootstrap(e.ctx, auth.UserInput{Login: "jinan", Name: "济南管理员", Role: auth.CityAdmin, Scope: "3701"}, testPassword, true)
		if err != nil || !u.MustChangePassword {
			t.Fatalf("Bootstrap 济南 = %+v, %v", u, err)
		}
		recs, _, err := audit.Search(e.ctx, e.d, audit.Filter{Action: "user.create", TargetID: fmt.Sprint(u.ID)})
		if err != nil || len(recs) != 1 || recs[0].Actor != audit.System {
			t.Errorf("bootstrap audit = %+v, %v", recs, err)
		}
	})
}

func TestSystemPrincipal(t *testing.T) {
	p := auth.System()
	for _, perm := range auth.Permissions() {
		if !p.Can(perm) && perm != auth.CaseHandle && perm != auth.CaseIntake && perm != auth.MonitorHandle && perm != auth.MealsServe { // see TestPermissions
			t.Errorf("System() lacks %s", perm)
		}
	}
	if !p.CanManage(auth.CityAdmin, "3701") || !p.Sees("370212001") {
		t.Error("System() is limited to a region")
	}
}
