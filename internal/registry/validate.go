package registry

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/minzheng/minzheng/internal/apperr"
	"github.com/minzheng/minzheng/internal/auth"
	"github.com/minzheng/minzheng/internal/db"
	"github.com/minzheng/minzheng/internal/idcard"
	"github.com/minzheng/minzheng/internal/pii"
	"github.com/minzheng/minzheng/internal/region"
)

// person is a validated member ready to store: the ID number parsed, identifiers normalised.
type person struct {
	PersonInput
	id     idcard.Number
	idHash string
	phone  string
}

// validated is a household input that passed every check.
type validated struct {
	HouseholdInput
	members []person
}

// field names the form field of member i, as the UI and API report it.
func field(i int, name string) string { return fmt.Sprintf("members[%d].%s", i, name) }

// validate checks a household input field by field, in the caller's scope; the first problem is
// returned as an Invalid error naming its field. It reads the database only to check that the
// community exists.
func (s *Store) validate(ctx context.Context, q db.Querier, p *auth.Principal, in HouseholdInput) (*validated, error) {
	in.RegionCode = strings.TrimSpace(in.RegionCode)
	in.Address = strings.TrimSpace(in.Address)
	if region.LevelOf(in.RegionCode) != region.Community {
		return nil, apperr.FieldMsg("region_code", "registry.region_level")
	}
	if !p.Sees(in.RegionCode) {
		return nil, apperr.FieldMsg("region_code", "registry.region_scope")
	}
	if _, err := region.PathTo(ctx, q, in.RegionCode); errors.Is(err, region.ErrNotFound) {
		return nil, apperr.FieldMsg("region_code", "registry.region_unknown", in.RegionCode)
	} else if err != nil {
		return nil, err
	}
	if in.Address == "" || len([]rune(in.Address)) > 200 {
		return nil, apperr.FieldMsg("address", "registry.address_invalid")
	}
	if in.Hukou != Urban && in.Hukou != Rural {
		return nil, apperr.FieldMsg("hukou", "registry.hukou_invalid")
	}
	if len(in.HukouRegion) != 6 || strings.Trim(in.HukouRegion, "0123456789") != "" {
		return nil, apperr.FieldMsg("hukou_region", "registry.hukou_region_invalid")
	}
	if err := validateAssets(in.Assets, in.Spending); err != nil {
		return nil, err
	}
	if len(in.Members) == 0 {
		return nil, apperr.FieldMsg("members", "registry.no_members")
	}
	v := &validated{HouseholdInput: in}
	heads := 0
	seen := map[string]int{}
	for i, m := range in.Members {
		if err := s.keepStored(ctx, q, p, &m); err != nil {
			return nil, err
		}
		pm, err := validatePerson(i, m)
		if err != nil {
			return nil, err
		}
		if pm.Relation == Head {
			heads++
		}
		if j, dup := seen[string(pm.id)]; dup {
			return nil, apperr.FieldMsg(field(i, "id_number"), "registry.id_twice", j+1)
		}
		seen[string(pm.id)] = i
		pm.idHash = s.Keys.Hash(pii.IDNumber, string(pm.id))
		v.members = append(v.members, pm)
	}
	if heads != 1 {
		return nil, apperr.FieldMsg("members", "registry.one_head")
	}
	for i, t := range in.Tiers {
		if !validTier(t.Tier) {
			return nil, apperr.FieldMsg(fmt.Sprintf("tiers[%d].tier", i), "registry.tier_invalid")
		}
		if t.MemberIndex < -1 || t.MemberIndex >= len(in.Members) {
			return nil, apperr.FieldMsg(fmt.Sprintf("tiers[%d].member", i), "registry.tier_member")
		}
		if t.ValidFrom.IsZero() || t.ValidFrom.After(s.today()) {
			return nil, apperr.FieldMsg(fmt.Sprintf("tiers[%d].valid_from", i), "registry.tier_date")
		}
	}
	return v, nil
}

// keepStored fills an empty ID number or phone of an existing member from the database.
func (s *Store) keepStored(ctx context.Context, q db.Querier, p *auth.Principal, m *PersonInput) error {
	if m.ExistingID == 0 || (strings.TrimSpace(m.IDNumber) != "" && strings.TrimSpace(m.Phone) != "") {
		return nil
	}
	var idSealed, phoneSealed, region string
	err := q.QueryRow(ctx, `SELECT id_sealed, phone_sealed, region_code FROM persons WHERE id = ?`, m.ExistingID).Scan(
		&idSealed, &phoneSealed, &region)
	if errors.Is(err, sql.ErrNoRows) || (err == nil && !p.Sees(region)) {
		return apperr.Msg(apperr.NotFound, "registry.person_notfound")
	}
	if err != nil {
		return err
	}
	if strings.TrimSpace(m.IDNumber) == "" {
		if m.IDNumber, err = s.Keys.Open(idSealed, IDField); err != nil {
			return err
		}
	}
	if strings.TrimSpace(m.Phone) == "" && phoneSealed != "" {
		if m.Phone, err = s.Keys.Open(phoneSealed, PhoneField); err != nil {
			return err
		}
	}
	return nil
}

func validTier(t Tier) bool {
	for _, k := range Tiers() {
		if k == t {
			return true
		}
	}
	return false
}

func validateAssets(a Assets, sp []Spending) error {
	switch {
	case a.FinancialAssets < 0:
		return apperr.FieldMsg("assets.financial_assets", "registry.negative")
	case a.Vehicles < 0:
		return apperr.FieldMsg("assets.vehicles", "registry.negative")
	case a.Homes < 0:
		return apperr.FieldMsg("assets.homes", "registry.negative")
	case a.FloorAreaM2 < 0:
		return apperr.FieldMsg("assets.floor_area_m2", "registry.negative")
	}
	kinds := map[SpendingKind]bool{}
	for i, x := range sp {
		f := fmt.Sprintf("spending[%d]", i)
		if x.Kind != Medical && x.Kind != Education && x.Kind != Rehabilitation {
			return apperr.FieldMsg(f+".kind", "registry.kind_invalid")
		}
		if kinds[x.Kind] {
			return apperr.FieldMsg(f+".kind", "registry.kind_twice")
		}
		kinds[x.Kind] = true
		if x.Amount < 0 {
			return apperr.FieldMsg(f+".amount", "registry.negative")
		}
	}
	return nil
}

func validatePerson(i int, m PersonInput) (person, error) {
	m.Name = strings.TrimSpace(m.Name)
	if n := len([]rune(m.Name)); n == 0 || n > 40 {
		return person{}, apperr.FieldMsg(field(i, "name"), "registry.name_invalid")
	}
	id, err := idcard.Parse(m.IDNumber)
	if err != nil {
		return person{}, apperr.FieldMsg(field(i, "id_number"), "registry.id_invalid", err.Error())
	}
	valid := false
	for _, r := range Relations() {
		valid = valid || r == m.Relation
	}
	if !valid {
		return person{}, apperr.FieldMsg(field(i, "relation"), "registry.relation_invalid")
	}
	phone := ""
	if strings.TrimSpace(m.Phone) != "" {
		phone = pii.Normalize(pii.Phone, m.Phone)
		if len(phone) < 7 || len(phone) > 12 {
			return person{}, apperr.FieldMsg(field(i, "phone"), "registry.phone_invalid")
		}
	}
	for _, f := range []struct {
		name, value string
		allowed     []string
	}{{"marital", m.Marital, Maritals}, {"education", m.Education, Educations},
		{"employment", m.Employment, Employments}, {"work_capacity", m.WorkCapacity, Capacities}} {
		if f.value != "" && !slices.Contains(f.allowed, f.value) {
			return person{}, apperr.FieldMsg(field(i, f.name), "registry.value_invalid")
		}
	}
	d := m.Disability
	if d.Grade < 0 || d.Grade > 4 || (d.Grade > 0) != (d.Kind != "") {
		return person{}, apperr.FieldMsg(field(i, "disability"), "registry.disability_invalid")
	}
	kinds := map[IncomeKind]bool{}
	for j, inc := range m.Incomes {
		f := field(i, fmt.Sprintf("incomes[%d]", j))
		known := false
		for _, k := range IncomeKinds() {
			known = known || k == inc.Kind
		}
		if !known || kinds[inc.Kind] {
			return person{}, apperr.FieldMsg(f+".kind", "registry.kind_invalid")
		}
		kinds[inc.Kind] = true
		if inc.Monthly < 0 {
			return person{}, apperr.FieldMsg(f+".amount", "registry.negative")
		}
	}
	return person{PersonInput: m, id: id, phone: phone}, nil
}
