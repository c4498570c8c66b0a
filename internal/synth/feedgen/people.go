package feedgen

import (
	"github.com/minzheng/minzheng/internal/civil"
	"github.com/minzheng/minzheng/internal/money"
	"github.com/minzheng/minzheng/internal/registry"
)

// Person is a registered person as the generator needs them.
type Person struct {
	Hash       string
	Household  int64
	Region     string
	Tier       string
	TierSince  civil.Date
	Income     money.Fen
	Grade      int
	InSchool   bool
	MainEarner bool
}

// FromRegistry turns the registry's monitoring facts into generator people.
func FromRegistry(rows []registry.MonitorPerson) []Person {
	out := make([]Person, len(rows))
	for i, r := range rows {
		out[i] = Person{Hash: r.IDHash, Household: r.HouseholdID, Region: r.RegionCode, Tier: string(r.Tier), TierSince: r.TierSince,
			Income: r.Income, Grade: r.DisabilityGrade, InSchool: r.InSchool, MainEarner: r.MainEarner}
	}
	return out
}
