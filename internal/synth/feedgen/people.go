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

// FromRegistry turns the registry's monitoring facts into generator people, marking each
// household's main earner (the highest registered income above zero).
func FromRegistry(rows []registry.MonitorPerson) []Person {
	out := make([]Person, len(rows))
	earner := map[int64]int{}
	for i, r := range rows {
		out[i] = Person{Hash: r.IDHash, Household: r.HouseholdID, Region: r.RegionCode, Tier: string(r.Tier), TierSince: r.TierSince,
			Income: r.Income, Grade: r.DisabilityGrade, InSchool: r.InSchool}
		if r.Income > 0 {
			if j, ok := earner[r.HouseholdID]; !ok || out[j].Income < r.Income {
				earner[r.HouseholdID] = i
			}
		}
	}
	for _, i := range earner {
		out[i].MainEarner = true
	}
	return out
}
