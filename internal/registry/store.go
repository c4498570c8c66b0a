package registry

import (
	"strings"
	"time"

	"github.com/minzheng/minzheng/internal/audit"
	"github.com/minzheng/minzheng/internal/civil"
	"github.com/minzheng/minzheng/internal/db"
	"github.com/minzheng/minzheng/internal/money"
	"github.com/minzheng/minzheng/internal/pii"
)

// Store reads and writes the registry.
type Store struct {
	DB    *db.DB
	Keys  *pii.Keyring
	Audit *audit.Log
	// Now is the clock: "today" for ages and tier dates, and the time of history rows.
	Now func() time.Time
}

func (s *Store) now() time.Time    { return s.Now().UTC() }
func (s *Store) today() civil.Date { return civil.Today(s.Now()) }

// Household is a stored household with its members, assets, spending and tiers.
type Household struct {
	ID          int64
	RegionCode  string
	Address     string
	Hukou       HukouType
	HukouRegion string
	Assets      Assets
	Spending    []Spending
	Members     []Person
	Tiers       []TierSpan
	Version     int
	CreatedAt   time.Time
	UpdatedAt   time.Time
}

// Head returns the head of the household.
func (h *Household) Head() *Person {
	for i := range h.Members {
		if h.Members[i].Relation == Head {
			return &h.Members[i]
		}
	}
	return nil
}

// Person is a stored member. Identifiers are masked; RevealID opens the full ID number, audited.
type Person struct {
	ID             int64
	HouseholdID    int64
	Name           string
	IDMasked       string
	BirthDate      civil.Date
	Sex            string // male, female
	Relation       Relation
	PhoneMasked    string
	Marital        string
	Education      string
	InSchool       bool
	Employment     string
	WorkCapacity   string
	Disability     Disability
	SeriousIllness bool
	Illness        string
	SelfCare       SelfCare
	Incomes        []Income
}

// AgeOn is the person's age in whole years on date d.
func (p Person) AgeOn(d civil.Date) int {
	age := d.Year - p.BirthDate.Year
	if d.Month < p.BirthDate.Month || (d.Month == p.BirthDate.Month && d.Day < p.BirthDate.Day) {
		age--
	}
	return age
}

// CountedIncome is the person's monthly income that counts in a means test.
func (p Person) CountedIncome() money.Fen {
	var sum money.Fen
	for _, inc := range p.Incomes {
		if inc.Kind.Counted() {
			sum += inc.Monthly
		}
	}
	return sum
}

// selfCareKeys names the six activities in storage order.
var selfCareKeys = []string{"eat", "dress", "transfer", "toilet", "walk", "bathe"}

func (s SelfCare) encode() string {
	var out []string
	for i, f := range []bool{s.Eat, s.Dress, s.Transfer, s.Toilet, s.Walk, s.Bathe} {
		if f {
			out = append(out, selfCareKeys[i])
		}
	}
	return strings.Join(out, ",")
}

func decodeSelfCare(v string) SelfCare {
	var s SelfCare
	ptrs := []*bool{&s.Eat, &s.Dress, &s.Transfer, &s.Toilet, &s.Walk, &s.Bathe}
	for _, k := range strings.Split(v, ",") {
		for i, key := range selfCareKeys {
			if k == key {
				*ptrs[i] = true
			}
		}
	}
	return s
}

// ParseSelfCare reads the activity keys (eat, dress, transfer, toilet, walk, bathe) a person cannot
// do alone; unknown keys are ignored.
func ParseSelfCare(keys []string) SelfCare {
	return decodeSelfCare(strings.Join(keys, ","))
}
