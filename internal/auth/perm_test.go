package auth_test

import (
	"context"
	"slices"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/minzheng/minzheng/internal/auth"
	"github.com/minzheng/minzheng/internal/region"
)

func TestPermissions(t *testing.T) {
	got := auth.Permissions()
	slices.Sort(got)
	want := []auth.Permission{auth.AuditView, auth.CaseHandle, auth.CaseIntake, auth.CaseView, auth.HouseholdEdit, auth.HouseholdView, auth.MealsDiners, auth.MealsManage, auth.MealsServe, auth.MealsSettle, auth.MealsView, auth.MonitorCampaign, auth.MonitorHandle, auth.MonitorIngest, auth.MonitorView, auth.PayoutManage, auth.PayoutView, auth.PIIReveal, auth.PolicyEdit, auth.RegionView, auth.TokenManage, auth.UserManage, auth.UserView}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("Permissions() (-want +got):\n%s", diff)
	}
	for _, p := range got {
		if !p.Known() {
			t.Errorf("%s.Known() = false", p)
		}
		// Every permission is held by someone, and the city administrator holds them all but the
		// handling of cases and of warnings, because every decision must be taken at the level
		// the rules name (a street or a district), never by the system's administrator.
		if !auth.CityAdmin.Has(p) && p != auth.CaseHandle && p != auth.CaseIntake && p != auth.MonitorHandle && p != auth.MealsServe {
			t.Errorf("city_admin lacks %s", p)
		}
	}
	for _, p := range []auth.Permission{auth.Public, auth.SignedIn} {
		if !p.Known() {
			t.Errorf("%s.Known() = false", p)
		}
	}
	if auth.Permission("user.delete").Known() {
		t.Error(`Permission("user.delete").Known() = true`)
	}
}

func TestRoleHas(t *testing.T) {
	tests := []struct {
		role auth.Role
		perm auth.Permission
		want bool
	}{
		{auth.CityAdmin, auth.TokenManage, true},
		{auth.DistrictApprover, auth.UserManage, true},
		{auth.DistrictApprover, auth.TokenManage, false},
		{auth.StreetOfficer, auth.UserManage, false},
		{auth.StreetOfficer, auth.UserView, false},
		{auth.StreetOfficer, auth.PIIReveal, true},
		{auth.GridWorker, auth.PIIReveal, true},
		{auth.CanteenOperator, auth.PIIReveal, false},
		{auth.Charity, auth.RegionView, true},
		{auth.Auditor, auth.AuditView, true},
		{auth.Auditor, auth.UserView, true},
		{auth.Auditor, auth.UserManage, false},
		{auth.Auditor, auth.PIIReveal, false},
		{auth.AgencyFeed, auth.RegionView, false},
		{auth.AgencyFeed, auth.AuditView, false},
		{auth.Role("superuser"), auth.RegionView, false},
	}
	for _, tc := range tests {
		t.Run(string(tc.role)+"/"+string(tc.perm), func(t *testing.T) {
			if got := tc.role.Has(tc.perm); got != tc.want {
				t.Errorf("%s.Has(%s) = %v, want %v", tc.role, tc.perm, got, tc.want)
			}
		})
	}
}

func TestPseudoPermissions(t *testing.T) {
	for _, r := range auth.Roles() {
		if !r.Valid() {
			t.Errorf("%s.Valid() = false", r)
		}
		for _, p := range []auth.Permission{auth.Public, auth.SignedIn} {
			if !r.Has(p) {
				t.Errorf("%s.Has(%s) = false", r, p)
			}
		}
	}
	for _, r := range []auth.Role{"", "admin", "CITY_ADMIN", "city_admin "} {
		if r.Valid() {
			t.Errorf("%q.Valid() = true", r)
		}
		for _, p := range append(auth.Permissions(), auth.Public, auth.SignedIn) {
			if r.Has(p) {
				t.Errorf("invalid role %q holds %s", r, p)
			}
		}
	}
}

func TestRoleTraits(t *testing.T) {
	var orgs, machines []auth.Role
	for _, r := range auth.Roles() {
		if r.NeedsOrg() {
			orgs = append(orgs, r)
		}
		if r.IsMachine() {
			machines = append(machines, r)
		}
	}
	if diff := cmp.Diff([]auth.Role{auth.CanteenOperator, auth.Charity, auth.RescueStation}, orgs); diff != "" {
		t.Errorf("NeedsOrg roles (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff([]auth.Role{auth.AgencyFeed}, machines); diff != "" {
		t.Errorf("machine roles (-want +got):\n%s", diff)
	}
	if got := auth.StreetOfficer.MessageKey(); got != "role.street_officer" {
		t.Errorf("MessageKey = %q", got)
	}
}

func TestPrincipal(t *testing.T) {
	var nobody *auth.Principal
	if nobody.Can(auth.Public) || nobody.Sees("3702") {
		t.Error("a nil principal can or sees something")
	}
	p := &auth.Principal{UserID: 7, Role: auth.StreetOfficer, Scope: "370212001"}
	for code, want := range map[string]bool{"370212001": true, community: true, "370212002": false, "370212": false, "3702": false} {
		if got := p.Sees(code); got != want {
			t.Errorf("Sees(%s) = %v, want %v", code, got, want)
		}
	}
	ctx := auth.WithPrincipal(context.Background(), p)
	if got := auth.FromContext(ctx); got != p {
		t.Errorf("FromContext = %v, want %v", got, p)
	}
	if got := auth.FromContext(context.Background()); got != nil {
		t.Errorf("FromContext(empty) = %v, want nil", got)
	}
}

func TestCanManage(t *testing.T) {
	city := &auth.Principal{Role: auth.CityAdmin, Scope: "3702"}
	laoshan := &auth.Principal{Role: auth.DistrictApprover, Scope: "370212"}
	street := &auth.Principal{Role: auth.StreetOfficer, Scope: "370212001"}
	auditor := &auth.Principal{Role: auth.Auditor, Scope: "3702"}
	tests := []struct {
		name   string
		caller *auth.Principal
		role   auth.Role
		scope  region.Scope
		want   bool
	}{
		{"city admin, city admin in city", city, auth.CityAdmin, "3702", true},
		{"city admin, feed in city", city, auth.AgencyFeed, "3702", true},
		{"city admin, grid worker", city, auth.GridWorker, community, true},
		{"city admin, another city", city, auth.DistrictApprover, "370102", false},
		{"city admin, 济南", city, auth.CityAdmin, "3701", false},
		{"city admin, province", city, auth.CityAdmin, "37", false},
		{"district, street officer", laoshan, auth.StreetOfficer, "370212001", true},
		{"district, grid worker", laoshan, auth.GridWorker, community, true},
		{"district, street of another district", laoshan, auth.StreetOfficer, "370202001", false},
		{"district, district approver", laoshan, auth.DistrictApprover, "370212", false},
		{"district, city admin", laoshan, auth.CityAdmin, "3702", false},
		{"district, canteen", laoshan, auth.CanteenOperator, "370212001", false},
		{"street officer, grid worker", street, auth.GridWorker, community, false},
		{"auditor, street officer", auditor, auth.StreetOfficer, "370212001", false},
		{"cut-off scope", &auth.Principal{Role: auth.CityAdmin, Scope: "37021"}, auth.StreetOfficer, "370212001", false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if got := tc.caller.CanManage(tc.role, tc.scope); got != tc.want {
				t.Errorf("CanManage(%s, %s) = %v, want %v", tc.role, tc.scope, got, tc.want)
			}
		})
	}
	if diff := cmp.Diff([]auth.Role{auth.StreetOfficer, auth.GridWorker}, laoshan.ManageableRoles()); diff != "" {
		t.Errorf("district ManageableRoles (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff(auth.Roles(), city.ManageableRoles()); diff != "" {
		t.Errorf("city ManageableRoles (-want +got):\n%s", diff)
	}
	if got := street.ManageableRoles(); got != nil {
		t.Errorf("street ManageableRoles = %v, want nil", got)
	}
}
