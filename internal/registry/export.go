package registry

import (
	"context"

	"github.com/minzheng/minzheng/internal/audit"
	"github.com/minzheng/minzheng/internal/auth"
	"github.com/minzheng/minzheng/internal/pii"
)

// MaxExport bounds the households one export may hold: a search result bigger than this is
// narrowed first, so that an export stays a file someone can open.
const MaxExport = 50000

// ExportHousehold is a household with its identifiers opened, ready to be written to a file.
type ExportHousehold struct {
	ID    int64
	Input HouseholdInput
}

// Export opens the households matching q for a file, and records the export in the audit log —
// every export, masked or not; full says whether the file will show identifiers unmasked, which
// needs the permission to reveal personal data.
func (s *Store) Export(ctx context.Context, p *auth.Principal, q Query, full bool, ip string) ([]ExportHousehold, error) {
	if full && !p.Can(auth.PIIReveal) {
		return nil, errForbiddenReveal()
	}
	var ids []int64
	seen := map[int64]bool{}
	q.PerPage = 1000
	for q.Page = 1; ; q.Page++ {
		rows, total, err := s.Search(ctx, p, q)
		if err != nil {
			return nil, err
		}
		for _, r := range rows {
			if !seen[r.HouseholdID] {
				seen[r.HouseholdID] = true
				ids = append(ids, r.HouseholdID)
			}
		}
		if len(ids) > MaxExport {
			return nil, errTooBig()
		}
		if q.Page*q.PerPage >= total {
			break
		}
	}
	out := make([]ExportHousehold, 0, len(ids))
	for _, id := range ids {
		in, err := s.exportOne(ctx, p, id)
		if err != nil {
			return nil, err
		}
		out = append(out, ExportHousehold{ID: id, Input: in})
	}
	_, err := s.Audit.Record(ctx, s.DB, audit.Event{ActorID: p.UserID, Actor: p.Login, Role: string(p.Role), IP: ip,
		Action: "export", TargetType: "households", RegionCode: p.Scope.Code(),
		Detail: map[string]any{"households": len(out), "full_identifiers": full, "query": auditQuery(q)}})
	return out, err
}

// auditQuery describes a search for the audit log without the personal data it may hold: an ID
// number or phone is only said to be there, a name is masked.
func auditQuery(q Query) map[string]any {
	return map[string]any{"name": pii.MaskName(q.Name), "name_exact": q.NameExact, "id_number_given": q.IDNumber != "",
		"phone_given": q.Phone != "", "address_given": q.Address != "", "region": q.Region, "tier": string(q.Tier),
		"disabled": q.Disabled, "elderly": q.Elderly, "minor": q.Minor, "ill": q.Ill}
}

// exportOne rebuilds a stored household as input, with ID numbers and phones opened.
func (s *Store) exportOne(ctx context.Context, p *auth.Principal, id int64) (HouseholdInput, error) {
	h, err := s.Get(ctx, p, id)
	if err != nil {
		return HouseholdInput{}, err
	}
	in := HouseholdInput{RegionCode: h.RegionCode, Address: h.Address, Hukou: h.Hukou, HukouRegion: h.HukouRegion,
		Assets: h.Assets, Spending: h.Spending}
	index := map[int64]int{}
	for i, m := range h.Members {
		index[m.ID] = i
		var idSealed, phoneSealed string
		if err := s.DB.QueryRow(ctx, `SELECT id_sealed, phone_sealed FROM persons WHERE id = ?`, m.ID).Scan(&idSealed, &phoneSealed); err != nil {
			return in, err
		}
		number, err := s.Keys.Open(idSealed, IDField)
		if err != nil {
			return in, err
		}
		phone := ""
		if phoneSealed != "" {
			if phone, err = s.Keys.Open(phoneSealed, PhoneField); err != nil {
				return in, err
			}
		}
		in.Members = append(in.Members, PersonInput{ExistingID: m.ID, Name: m.Name, IDNumber: number, Relation: m.Relation,
			Phone: phone, Marital: m.Marital, Education: m.Education, InSchool: m.InSchool, Employment: m.Employment,
			WorkCapacity: m.WorkCapacity, Disability: m.Disability, SeriousIllness: m.SeriousIllness, Illness: m.Illness,
			SelfCare: m.SelfCare, Incomes: m.Incomes})
	}
	for _, t := range h.Tiers {
		if !t.ValidTo.IsZero() {
			continue
		}
		idx := -1
		if t.PersonID != 0 {
			idx = index[t.PersonID]
		}
		in.Tiers = append(in.Tiers, TierInput{Tier: t.Tier, MemberIndex: idx, ValidFrom: t.ValidFrom})
	}
	return in, nil
}
