package registry

import (
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/minzheng/minzheng/internal/apperr"
	"github.com/minzheng/minzheng/internal/civil"
	"github.com/minzheng/minzheng/internal/db"
	"github.com/minzheng/minzheng/internal/db/dbtest"
)

// TestCampaignHouseholds: the target group of a campaign is the households of the area, within
// the caller's scope, holding one of the tiers now, optionally with a member of a minimum age
// on the campaign's first day (a birthday that day counts); an ended tier does not count.
func TestCampaignHouseholds(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		s := newStore(t, d)
		ctx := t.Context()
		district := principal("370212")
		// household() holds 低保 from 2023, with a head born 4 March 1950 and a spouse of 1952.
		first, err := s.Create(ctx, district, household(zhonghanCommunity, 10))
		if err != nil {
			t.Fatal(err)
		}
		ended, err := s.Create(ctx, district, household(zhonghanCommunity, 20))
		if err != nil {
			t.Fatal(err)
		}
		if err := d.InTx(ctx, func(tx *db.Tx) error {
			return s.EndTier(ctx, tx, district, ended, Dibao, civil.Date{Year: 2024, Month: 5, Day: 31})
		}); err != nil {
			t.Fatal(err)
		}
		other, err := s.Create(ctx, principal("370202"), household(badaguanCommunity, 30))
		if err != nil {
			t.Fatal(err)
		}
		in := household(zhonghanCommunity, 40)
		in.Tiers = []TierInput{{Tier: Tekun, MemberIndex: 1, ValidFrom: civil.Date{Year: 2022, Month: 1, Day: 1}}}
		personal, err := s.Create(ctx, district, in)
		if err != nil {
			t.Fatal(err)
		}

		tests := []struct {
			name  string
			scope string
			q     CampaignQuery
			want  []CampaignHousehold
		}{
			{"the tier in force", "370212", CampaignQuery{Region: "370212", Tiers: []Tier{Dibao}},
				[]CampaignHousehold{{first, zhonghanCommunity, 2}}},
			{"a member's tier counts", "370212", CampaignQuery{Tiers: []Tier{Tekun, Dibao}},
				[]CampaignHousehold{{first, zhonghanCommunity, 2}, {personal, zhonghanCommunity, 2}}},
			{"74 on the birthday", "370212", CampaignQuery{Tiers: []Tier{Dibao}, MinAge: 74, AgeOn: civil.Date{Year: 2024, Month: 3, Day: 4}},
				[]CampaignHousehold{{first, zhonghanCommunity, 2}}},
			{"not 74 the day before", "370212", CampaignQuery{Tiers: []Tier{Dibao}, MinAge: 74, AgeOn: civil.Date{Year: 2024, Month: 3, Day: 3}},
				nil},
			{"the whole city within a district's scope", "370212", CampaignQuery{Region: "3702", Tiers: []Tier{Dibao}},
				[]CampaignHousehold{{first, zhonghanCommunity, 2}}},
			{"another district", "370202", CampaignQuery{Region: "370212", Tiers: []Tier{Dibao}}, nil},
			{"the city", "3702", CampaignQuery{Region: "3702", Tiers: []Tier{Dibao}},
				[]CampaignHousehold{{other, badaguanCommunity, 2}, {first, zhonghanCommunity, 2}}},
		}
		for _, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				got, err := s.CampaignHouseholds(ctx, d, principal(tt.scope), tt.q)
				if err != nil {
					t.Fatal(err)
				}
				if diff := cmp.Diff(tt.want, got); diff != "" {
					t.Fatalf("households (-want +got):\n%s", diff)
				}
			})
		}
		for _, q := range []CampaignQuery{{}, {Tiers: []Tier{"rich"}}} {
			_, err := s.CampaignHouseholds(ctx, d, district, q)
			if e := apperr.As(err); e.Kind != apperr.Invalid || e.Field != "tiers" {
				t.Fatalf("query %+v: err %v, want a tiers error", q, err)
			}
		}
	})
}
