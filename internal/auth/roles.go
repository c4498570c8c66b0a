// Package auth is who may do what, and where: users and their roles, the permission matrix,
// scopes, passwords, sessions, API tokens and log-in throttling.
//
// Every user has a role and a scope. The scope is a region code prefix (a street officer of
// 崂山区 中韩街道 holds "370212001") and, for canteen, charity and rescue-station users, an
// organisation. Scope is enforced where data is read — store functions take the caller's
// Principal — not only by hiding links, and a record outside the caller's scope is reported as
// not found, so that its existence does not leak.
//
// Passwords are hashed with argon2id; sessions and API tokens are random secrets of which only a
// SHA-256 hash is stored, so a copy of the database cannot be used to sign in.
package auth

// Role is what a user does in the bureau; it decides their permissions.
type Role string

// The roles of ARCHITECTURE.md, from the city down, then the outside organisations and machines.
const (
	CityAdmin        Role = "city_admin"
	DistrictApprover Role = "district_approver"
	StreetOfficer    Role = "street_officer"
	GridWorker       Role = "grid_worker"
	CanteenOperator  Role = "canteen_operator"
	Charity          Role = "charity"
	RescueStation    Role = "rescue_station"
	Auditor          Role = "auditor"
	AgencyFeed       Role = "agency_feed"
)

// Roles lists every role in the order the UI shows them.
func Roles() []Role {
	return []Role{CityAdmin, DistrictApprover, StreetOfficer, GridWorker, CanteenOperator, Charity, RescueStation, Auditor, AgencyFeed}
}

// Valid reports whether r is a known role.
func (r Role) Valid() bool {
	for _, k := range Roles() {
		if k == r {
			return true
		}
	}
	return false
}

// MessageKey is the catalogue key of the role's name as the UI shows it (市级管理员 …).
func (r Role) MessageKey() string { return "role." + string(r) }

// NeedsOrg reports whether users of this role act for one organisation (a canteen, a charity, a
// rescue station) in addition to their region.
func (r Role) NeedsOrg() bool {
	return r == CanteenOperator || r == Charity || r == RescueStation
}

// IsMachine reports whether the role is for systems rather than people: such users sign in only
// with API tokens.
func (r Role) IsMachine() bool { return r == AgencyFeed }
