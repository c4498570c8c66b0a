// Package registry is the low-income population database (低收入人口数据库): households that live
// and share income together (共同生活家庭), their members, incomes, assets, rigid spending and
// tiers (低保, 特困, 低保边缘, 刚性支出困难, 防返贫 …), with the full history of every change. Every
// program, payout and warning reads from here.
//
// Identifiers are stored sealed (pii) with a keyed hash beside them; the hash of the ID number is
// unique across all persons, which is how "one person in one household at a time" is enforced by
// the database itself. Every read and write takes the caller's Principal and is limited to its
// scope; a household outside it does not exist for that caller.
//
// For dynamic monitoring the registry also keeps person_facts: one packed row per person (hash,
// area, tier, registered income, disability, schooling, main earner) rewritten in the same
// transaction as every change to the household, so a monthly run reads a million people from
// one narrow table in well under a second instead of joining persons, incomes and tiers.
package registry

import (
	"strings"

	"github.com/minzheng/minzheng/internal/civil"
	"github.com/minzheng/minzheng/internal/money"
)

// HukouType is the kind of household registration, which picks the standard that applies.
type HukouType string

// The hukou types of DOMAIN.md §13.
const (
	Urban HukouType = "urban"
	Rural HukouType = "rural"
)

// Tier is a class of the low-income population database.
type Tier string

// The tiers of DOMAIN.md §9.
const (
	Dibao        Tier = "dibao"
	Tekun        Tier = "tekun"
	DibaoEdge    Tier = "dibao_edge"
	RigidExpense Tier = "rigid_expense"
	RelapseWatch Tier = "relapse_watch"
	OtherTier    Tier = "other"
)

// Tiers lists every tier in display order.
func Tiers() []Tier { return []Tier{Dibao, Tekun, DibaoEdge, RigidExpense, RelapseWatch, OtherTier} }

// IncomeKind is a kind of monthly income; some are counted for means tests, some are not.
type IncomeKind string

// Income kinds of DOMAIN.md §13.
const (
	Wage                 IncomeKind = "wage"
	Business             IncomeKind = "business"
	Property             IncomeKind = "property"
	Transfer             IncomeKind = "transfer"
	BasicPension         IncomeKind = "basic_pension"
	SpecialCare          IncomeKind = "special_care"
	FamilyPlanningReward IncomeKind = "family_planning_reward"
	Scholarship          IncomeKind = "scholarship"
	HeroismAward         IncomeKind = "heroism_award"
	SocialAssistance     IncomeKind = "social_assistance"
)

// IncomeKinds lists every income kind, counted kinds first.
func IncomeKinds() []IncomeKind {
	return []IncomeKind{Wage, Business, Property, Transfer, BasicPension, SpecialCare, FamilyPlanningReward,
		Scholarship, HeroismAward, SocialAssistance}
}

// Counted reports whether the kind counts as income in a means test (DOMAIN.md §3).
func (k IncomeKind) Counted() bool {
	return k == Wage || k == Business || k == Property || k == Transfer
}

// SpendingKind is a kind of rigid (unavoidable) spending over the last 12 months.
type SpendingKind string

// The rigid spending kinds.
const (
	Medical        SpendingKind = "medical"        // out of pocket, after insurance
	Education      SpendingKind = "education"      // tuition and necessary costs
	Rehabilitation SpendingKind = "rehabilitation" // rehabilitation of disability or illness
)

// SpendingKinds lists every rigid spending kind.
func SpendingKinds() []SpendingKind { return []SpendingKind{Medical, Education, Rehabilitation} }

// Relation is a member's relation to the head of the household.
type Relation string

// Relations to the head.
const (
	Head       Relation = "head"
	Spouse     Relation = "spouse"
	Child      Relation = "child"
	Parent     Relation = "parent"
	Grandchild Relation = "grandchild"
	Sibling    Relation = "sibling"
	OtherKin   Relation = "other"
)

// Relations lists the relations in display order.
func Relations() []Relation {
	return []Relation{Head, Spouse, Child, Parent, Grandchild, Sibling, OtherKin}
}

// The value lists of a person's circumstances. Empty means not recorded.
var (
	Maritals    = []string{"single", "married", "divorced", "widowed"}
	Educations  = []string{"none", "primary", "junior", "senior", "vocational", "college", "bachelor", "postgraduate"}
	Employments = []string{"employed", "self_employed", "unemployed", "retired", "student", "none"}
	Capacities  = []string{"full", "partial", "none"}
)

// SelfCareKeys names the six activities of daily living, as forms and the API send them.
func SelfCareKeys() []string { return append([]string(nil), selfCareKeys...) }

// Keys lists the activities a person cannot do alone.
func (s SelfCare) Keys() []string {
	if s.encode() == "" {
		return nil
	}
	return strings.Split(s.encode(), ",")
}

// DisabilityKind is the kind on a disability certificate (DOMAIN.md §13).
type DisabilityKind string

// Disability kinds.
const (
	Physical     DisabilityKind = "physical"
	Visual       DisabilityKind = "visual"
	Hearing      DisabilityKind = "hearing"
	Speech       DisabilityKind = "speech"
	Intellectual DisabilityKind = "intellectual"
	Mental       DisabilityKind = "mental"
	Multiple     DisabilityKind = "multiple"
)

// DisabilityKinds lists the kinds.
func DisabilityKinds() []DisabilityKind {
	return []DisabilityKind{Physical, Visual, Hearing, Speech, Intellectual, Mental, Multiple}
}

// Disability is a certified disability; Grade 1 is the most severe, 4 the least.
type Disability struct {
	Certificate string
	Kind        DisabilityKind
	Grade       int
}

// SelfCare records which of the six activities of daily living (DOMAIN.md §4) a person cannot
// do alone: eating, dressing, moving from bed, using the toilet, walking indoors, bathing.
type SelfCare struct {
	Eat, Dress, Transfer, Toilet, Walk, Bathe bool
}

// Failed counts the activities the person cannot do alone.
func (s SelfCare) Failed() int {
	n := 0
	for _, f := range []bool{s.Eat, s.Dress, s.Transfer, s.Toilet, s.Walk, s.Bathe} {
		if f {
			n++
		}
	}
	return n
}

// Level is the self-care level: "self" (all six), "partial" (up to 3 failed), "full" (4+ failed).
func (s SelfCare) Level() string {
	switch n := s.Failed(); {
	case n == 0:
		return "self"
	case n <= 3:
		return "partial"
	default:
		return "full"
	}
}

// Income is one monthly income of a person.
type Income struct {
	Kind    IncomeKind
	Monthly money.Fen
}

// Assets are a household's property, as DOMAIN.md §13 keys them.
type Assets struct {
	FinancialAssets    money.Fen // deposits, securities, insurance cash value
	Vehicles           int       // excluding disability vehicles
	Homes              int
	FloorAreaM2        int // whole household
	BusinessRegistered bool
}

// Spending is a household's rigid spending over the last 12 months.
type Spending struct {
	Kind   SpendingKind
	Amount money.Fen
}

// TierSpan says a household or one of its members belongs to a tier from a date (and, when it
// ended, until a date).
type TierSpan struct {
	ID        int64
	Tier      Tier
	PersonID  int64 // 0 for the whole household
	ValidFrom civil.Date
	ValidTo   civil.Date // zero while it holds
}

// PersonInput is a member as entered on a form or read from a roster row. IDNumber and Phone are
// plain here; they are sealed before storage.
type PersonInput struct {
	// ExistingID names a stored member whose ID number and phone are kept when IDNumber or Phone
	// is left empty: an edit form shows them masked and need not reveal them to save.
	ExistingID     int64
	Name           string
	IDNumber       string
	Relation       Relation
	Phone          string
	Marital        string // single, married, divorced, widowed
	Education      string // none, primary, junior, senior, vocational, college, bachelor, postgraduate
	InSchool       bool
	Employment     string // employed, self_employed, unemployed, retired, student, none
	WorkCapacity   string // full, partial, none
	Disability     Disability
	SeriousIllness bool
	Illness        string
	SelfCare       SelfCare
	Incomes        []Income
}

// HouseholdInput is a household as entered on a form or read from a roster.
type HouseholdInput struct {
	RegionCode  string // a community (12 digits)
	Address     string
	Hukou       HukouType
	HukouRegion string // county code of the registration, may be outside the city
	Members     []PersonInput
	Assets      Assets
	Spending    []Spending
	Tiers       []TierInput
}

// TierInput assigns a tier from a date, to the household (MemberIndex -1) or one member.
type TierInput struct {
	Tier        Tier
	MemberIndex int
	ValidFrom   civil.Date
}
