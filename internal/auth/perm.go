package auth

import (
	"fmt"
	"strings"
)

// Permission names one kind of action. Routes declare the permission they need; the matrix below
// says which roles hold it.
type Permission string

// Public and SignedIn are pseudo-permissions for routes anyone, or any signed-in user, may use.
const (
	Public   Permission = "public"
	SignedIn Permission = "signed_in"
)

// The permissions.
const (
	RegionView  Permission = "region.view"
	UserView    Permission = "user.view"
	UserManage  Permission = "user.manage"
	TokenManage Permission = "token.manage"
	PIIReveal   Permission = "pii.reveal"
	AuditView   Permission = "audit.view"
	// HouseholdView reads the low-income population database; HouseholdEdit creates and changes
	// households, imports rosters and decides on likely duplicates.
	HouseholdView Permission = "household.view"
	HouseholdEdit Permission = "household.edit"
	// PolicyEdit enters new values of policy parameters (next year's standards).
	PolicyEdit Permission = "policy.edit"
	// CaseView reads assistance cases, decisions and entitlements; CaseHandle acts on them. Which
	// step a handler may perform is decided by the workflow (street, district), in the store.
	CaseView   Permission = "case.view"
	CaseHandle Permission = "case.handle"
	// CaseIntake files applications at the window (一门受理): the street office's job.
	CaseIntake Permission = "case.intake"
	// PayoutView reads rosters, the ledger and payout statistics; PayoutManage generates,
	// approves, exports and reconciles rosters (the store keeps approval to the district).
	PayoutView   Permission = "payout.view"
	PayoutManage Permission = "payout.manage"
	// MonitorView reads monitoring warnings, agency batches, campaigns and their figures;
	// MonitorHandle assigns, visits and closes warnings and campaign tasks (street and grid);
	// MonitorIngest hands in agency files (the agency's machine token, or the city's staff);
	// MonitorCampaign defines screening campaigns (city and district).
	MonitorView     Permission = "monitor.view"
	MonitorHandle   Permission = "monitor.handle"
	MonitorIngest   Permission = "monitor.ingest"
	MonitorCampaign Permission = "monitor.campaign"
	// MealsView reads canteens, diners, meals served, orders, settlements and their figures (a
	// canteen operator only their own canteen and the diners who eat or order there, which the
	// meals store decides); MealsManage keeps canteens, menus and terminal tokens (canteen
	// operators their own menu and tokens); MealsDiners registers the elderly, links their
	// relatives and orders for them (street and grid workers, who visit them); MealsServe serves
	// meals and fulfils online orders at a canteen; MealsSettle reviews anti-fraud flags and makes
	// and approves the monthly settlements (approval is the district's, decided in the store).
	MealsView   Permission = "meals.view"
	MealsManage Permission = "meals.manage"
	MealsDiners Permission = "meals.diners"
	MealsServe  Permission = "meals.serve"
	MealsSettle Permission = "meals.settle"
)

// matrix is the permission table, one line per permission, one column per role, in the order of
// Roles(): X grants, - denies. Read it as the bureau's access policy.
//
//	city  district  street  grid  canteen  charity  rescue  auditor  feed
var matrix = map[Permission]string{
	RegionView:      "X     X         X       X     X        X        X       X        -",
	UserView:        "X     X         -       -     -        -        -       X        -",
	UserManage:      "X     X         -       -     -        -        -       -        -",
	TokenManage:     "X     -         -       -     -        -        -       -        -",
	PIIReveal:       "X     X         X       X     -        -        -       -        -",
	AuditView:       "X     -         -       -     -        -        -       X        -",
	HouseholdView:   "X     X         X       X     -        -        -       X        -",
	HouseholdEdit:   "X     X         X       -     -        -        -       -        -",
	PolicyEdit:      "X     -         -       -     -        -        -       -        -",
	CaseView:        "X     X         X       X     -        -        -       X        -",
	CaseHandle:      "-     X         X       X     -        -        -       -        -",
	CaseIntake:      "-     -         X       -     -        -        -       -        -",
	PayoutView:      "X     X         X       -     -        -        -       X        -",
	PayoutManage:    "X     X         -       -     -        -        -       -        -",
	MonitorView:     "X     X         X       X     -        -        -       X        -",
	MonitorHandle:   "-     X         X       X     -        -        -       -        -",
	MonitorIngest:   "X     -         -       -     -        -        -       -        X",
	MonitorCampaign: "X     X         -       -     -        -        -       -        -",
	MealsView:       "X     X         X       X     X        -        -       X        -",
	MealsManage:     "X     X         X       -     X        -        -       -        -",
	MealsDiners:     "X     X         X       X     -        -        -       -        -",
	MealsServe:      "-     -         -       -     X        -        -       -        -",
	MealsSettle:     "X     X         -       -     -        -        -       -        -",
}

var grants = parseMatrix()

func parseMatrix() map[Permission]map[Role]bool {
	out := map[Permission]map[Role]bool{}
	roles := Roles()
	for p, line := range matrix {
		cells := strings.Fields(line)
		if len(cells) != len(roles) {
			panic(fmt.Sprintf("auth: permission %s has %d cells, want %d", p, len(cells), len(roles)))
		}
		out[p] = map[Role]bool{}
		for i, c := range cells {
			switch c {
			case "X":
				out[p][roles[i]] = true
			case "-":
			default:
				panic(fmt.Sprintf("auth: permission %s: cell %q must be X or -", p, c))
			}
		}
	}
	return out
}

// Permissions lists every permission of the matrix.
func Permissions() []Permission {
	out := make([]Permission, 0, len(matrix))
	for p := range matrix {
		out = append(out, p)
	}
	return out
}

// Has reports whether role r holds permission p. Public and SignedIn are held by every role.
func (r Role) Has(p Permission) bool {
	if p == Public || p == SignedIn {
		return r.Valid()
	}
	return grants[p][r]
}

// Known reports whether p is a permission of the matrix or a pseudo-permission.
func (p Permission) Known() bool {
	_, ok := matrix[p]
	return ok || p == Public || p == SignedIn
}
