package registry

import "github.com/minzheng/minzheng/internal/pii"

// snapshotInput flattens a validated input for comparison with the stored household.
func (s *Store) snapshotInput(v *validated) snapshot {
	sn := snapshot{}
	householdFields(sn, v.RegionCode, v.Address, v.Hukou, v.HukouRegion, v.Assets, v.Spending)
	for _, m := range v.members {
		phoneMasked := ""
		if m.phone != "" {
			phoneMasked = pii.MaskPhone(m.phone)
		}
		memberFields(sn, m.idHash, m.id.Mask(), personFields{name: m.Name, phoneMasked: phoneMasked, marital: m.Marital,
			education: m.Education, employment: m.Employment, workCapacity: m.WorkCapacity,
			disability: disabilityText(m.Disability), illness: m.Illness, selfcare: m.SelfCare.encode(), relation: m.Relation,
			inSchool: m.InSchool, seriousIllness: m.SeriousIllness, incomes: m.Incomes})
	}
	tierFields(sn, v.Tiers, func(i int) (string, string) { return v.members[i].idHash, "member " + v.members[i].id.Mask() })
	return sn
}

// snapshotStored flattens a stored household; hashes maps each member's id_hash to its id.
func (s *Store) snapshotStored(h *Household, hashes map[string]int64) snapshot {
	sn := snapshot{}
	householdFields(sn, h.RegionCode, h.Address, h.Hukou, h.HukouRegion, h.Assets, h.Spending)
	hashOf := map[int64]string{}
	for hash, id := range hashes {
		hashOf[id] = hash
	}
	index := map[int64]int{}
	for i, m := range h.Members {
		index[m.ID] = i
		memberFields(sn, hashOf[m.ID], m.IDMasked, personFields{name: m.Name, phoneMasked: m.PhoneMasked, marital: m.Marital,
			education: m.Education, employment: m.Employment, workCapacity: m.WorkCapacity,
			disability: disabilityText(m.Disability), illness: m.Illness, selfcare: m.SelfCare.encode(), relation: m.Relation,
			inSchool: m.InSchool, seriousIllness: m.SeriousIllness, incomes: m.Incomes})
	}
	var open []TierInput
	for _, t := range h.Tiers {
		if !t.ValidTo.IsZero() {
			continue
		}
		idx := -1
		if t.PersonID != 0 {
			idx = index[t.PersonID]
		}
		open = append(open, TierInput{Tier: t.Tier, MemberIndex: idx, ValidFrom: t.ValidFrom})
	}
	tierFields(sn, open, func(i int) (string, string) { return hashOf[h.Members[i].ID], "member " + h.Members[i].IDMasked })
	return sn
}
