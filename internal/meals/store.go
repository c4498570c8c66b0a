package meals

import (
	"strconv"
	"strings"
	"time"

	"github.com/minzheng/minzheng/internal/audit"
	"github.com/minzheng/minzheng/internal/auth"
	"github.com/minzheng/minzheng/internal/civil"
	"github.com/minzheng/minzheng/internal/db"
	"github.com/minzheng/minzheng/internal/pii"
	"github.com/minzheng/minzheng/internal/policy/paramdb"
	"github.com/minzheng/minzheng/internal/registry"
)

// Store keeps canteens, menus, diners and the meals served, and prices each meal with the
// policy in force.
type Store struct {
	DB    *db.DB
	Keys  *pii.Keyring
	Audit *audit.Log
	// Registry tells a diner's 低保/特困 tiers from their ID hash at registration.
	Registry *registry.Store
	// Policies are the subsidy rules (DefaultPolicies for the demo city).
	Policies []Policy
	// Params holds the policy parameters, among them the anti-fraud thresholds (meals.fraud.*),
	// which an administrator changes without a release; nil means the shipped ones
	// (policy.Default), as unit tests build the store.
	Params *paramdb.Store
	// Calendar tells working days for weekday-only rules; nil means civil.DefaultCalendar().
	Calendar *civil.Calendar
	// Orders are the settings of online ordering (days ahead, meal times, who may have meals
	// delivered); nil means DefaultOrderRules.
	Orders *OrderRules
	// Now is the clock: the day a meal is served on, ages, and every timestamp.
	Now func() time.Time
	// Payments charges and refunds the diner's share of online orders; nil means DemoPayments,
	// which marks every charge paid at once.
	Payments PaymentProvider

	// tokens and counter are the caches of the counter's hot path: terminal tokens (token.go),
	// canteens and menu items (serve_cache.go); lanes batch concurrent meals into shared transactions
	// (serve_lanes.go). Their zero values are ready.
	tokens  tokenCache
	counter counterCache
	lanes   serveLanes
}

func (s *Store) now() time.Time    { return s.Now().UTC() }
func (s *Store) stamp() string     { return db.FormatTime(s.now()) }
func (s *Store) today() civil.Date { return civil.Today(s.Now()) }

func (s *Store) calendar() *civil.Calendar {
	if s.Calendar != nil {
		return s.Calendar
	}
	return civil.DefaultCalendar()
}

// Meal types.
const (
	Breakfast = "breakfast"
	Lunch     = "lunch"
	Dinner    = "dinner"
)

// MealTypes lists the meal types in the order of a day.
func MealTypes() []string { return []string{Breakfast, Lunch, Dinner} }

// Diner categories. Dibao and Tekun come from the registry; Disabled (失能) is entered by hand
// from the self-care assessment, which the registry does not hold for people outside it.
const (
	CategoryDibao    = "dibao"
	CategoryTekun    = "tekun"
	CategoryDisabled = "disabled"
)

// Canteen and diner statuses.
const (
	CanteenOpen      = "open"
	CanteenSuspended = "suspended"
	CanteenClosed    = "closed"

	DinerActive   = "active"
	DinerDeceased = "deceased"
	DinerLeft     = "left"
)

// Channels through which a meal is bought.
const (
	ChannelCounter = "counter"
	ChannelOnline  = "online"
)

// Who may do what. Routes check the auth permissions (meals.view, meals.manage, meals.diners,
// meals.serve, meals.settle); the store checks again with the record in hand, because a
// permission says what kind of act, and only the record says whose: city, district and street
// staff manage the canteens of their area, street and grid workers register the elderly of theirs,
// auditors read, and a canteen operator sees and keeps their own canteen (Principal.OrgID) only.

// managesCanteens reports whether p may create and change canteens in region code.
func managesCanteens(p *auth.Principal, code string) bool {
	if p == nil || !p.Sees(code) {
		return false
	}
	switch p.Role {
	case auth.CityAdmin, auth.DistrictApprover, auth.StreetOfficer:
		return true
	}
	return false
}

// registersDiners reports whether p may register elderly people living in region code.
func registersDiners(p *auth.Principal, code string) bool {
	return p != nil && p.Can(auth.MealsDiners) && p.Sees(code)
}

// readsByRegion reports whether p reads meal data by region scope (staff and auditors).
func readsByRegion(p *auth.Principal) bool {
	if p == nil {
		return false
	}
	switch p.Role {
	case auth.CityAdmin, auth.DistrictApprover, auth.StreetOfficer, auth.GridWorker, auth.Auditor:
		return true
	}
	return false
}

// seesCanteen reports whether p may read canteen id in region code: staff by region, a canteen
// operator only their own.
func seesCanteen(p *auth.Principal, id int64, code string) bool {
	if p != nil && p.Role == auth.CanteenOperator {
		return p.OrgID == id && id != 0
	}
	return readsByRegion(p) && p.Sees(code)
}

// event is an audit event by p.
func event(p *auth.Principal, action, targetType string, id int64, region string, detail map[string]any) audit.Event {
	return audit.Event{ActorID: p.UserID, Actor: p.Login, Role: string(p.Role), Action: action,
		TargetType: targetType, TargetID: itoa(id), RegionCode: region, Detail: detail}
}

func itoa(n int64) string { return strconv.FormatInt(n, 10) }

// joinList and splitList store small sets as comma lists (categories, flags).
func joinList(xs []string) string { return strings.Join(xs, ",") }

func splitList(s string) []string {
	if s == "" {
		return nil
	}
	return strings.Split(s, ",")
}
