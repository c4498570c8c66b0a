package web

import (
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"github.com/minzheng/minzheng/internal/apperr"
	"github.com/minzheng/minzheng/internal/auth"
	"github.com/minzheng/minzheng/internal/civil"
	"github.com/minzheng/minzheng/internal/money"
	"github.com/minzheng/minzheng/internal/region"
	"github.com/minzheng/minzheng/internal/registry"
)

// householdFormContent is the create/edit form. Field names are the same paths the registry uses
// in its errors (members[0].name …), so every error lands next to its field.
type householdFormContent struct {
	Form        *form
	ID          int64 // 0 when creating
	Version     int
	Members     []int // indexes of member blocks to show
	Communities []region.Division
	Relations   []registry.Relation
	Kinds       []registry.DisabilityKind
	IncomeKinds []registry.IncomeKind
	Spending    []registry.SpendingKind
	Tiers       []registry.Tier
	Problems    []string
	Maritals    []string
	Educations  []string
	Employments []string
	Capacities  []string
	SelfCare    []string
}

// maxFormMembers bounds the member blocks a form may claim to hold.
const maxFormMembers = 30

func (s *Site) registerHouseholdForm() {
	s.page("GET", "/households/new", auth.HouseholdEdit, s.householdNew, nil)
	s.page("POST", "/households/new", auth.HouseholdEdit, s.householdSave, nil)
	s.page("GET", "/households/{id}/edit", auth.HouseholdEdit, s.householdEdit, nil)
	s.page("POST", "/households/{id}/edit", auth.HouseholdEdit, s.householdSave, nil)
}

func (s *Site) formContent(r *http.Request, f *form, id int64, version int) *householdFormContent {
	p := auth.FromContext(r.Context())
	c := &householdFormContent{Form: f, ID: id, Version: version, Relations: registry.Relations(),
		Kinds: registry.DisabilityKinds(), IncomeKinds: registry.IncomeKinds(), Spending: registry.SpendingKinds(), Tiers: registry.Tiers(),
		Maritals: registry.Maritals, Educations: registry.Educations, Employments: registry.Employments,
		Capacities: registry.Capacities, SelfCare: registry.SelfCareKeys()}
	n := min(max(1, atoi(f.Get("member_count"))), maxFormMembers)
	for i := 0; i < n; i++ {
		c.Members = append(c.Members, i)
	}
	if p.Scope.Level() >= region.Street {
		if tree, err := region.LoadTree(r.Context(), s.deps.DB, p.Scope.Code()); err == nil {
			for _, code := range []string{p.Scope.Code()} {
				if d, ok := tree.Get(code); ok && d.Level == region.Community {
					c.Communities = append(c.Communities, d)
				}
				c.Communities = append(c.Communities, tree.Children(code)...)
			}
		}
	}
	for field, msg := range f.Errors {
		c.Problems = append(c.Problems, fmt.Sprintf("%s：%s", s.fieldLabel(field), msg))
	}
	return c
}

// fieldLabel turns an error path into words: members[1].id_number → 第2名成员 身份证号.
func (s *Site) fieldLabel(field string) string {
	if rest, ok := strings.CutPrefix(field, "members["); ok {
		idx, tail, _ := strings.Cut(rest, "].")
		n, _ := strconv.Atoi(idx)
		return s.msg.T("hh.member_n", n+1) + " " + s.msg.T("field."+strings.SplitN(tail, "[", 2)[0])
	}
	return s.msg.T("field." + strings.SplitN(field, "[", 2)[0])
}

func (s *Site) householdNew(w http.ResponseWriter, r *http.Request) {
	f := &form{Values: url.Values{"member_count": {"1"}, "members[0].relation": {"head"}, "hukou": {"urban"}}, Errors: map[string]string{}}
	s.render(w, r, http.StatusOK, "household_form", s.msg.T("hh.new"), s.formContent(r, f, 0, 0))
}

func (s *Site) householdEdit(w http.ResponseWriter, r *http.Request) {
	c, err := s.loadHousehold(r)
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	f := &form{Values: valuesOf(c.H), Errors: map[string]string{}}
	s.render(w, r, http.StatusOK, "household_form", s.msg.T("hh.edit"), s.formContent(r, f, c.H.ID, c.H.Version))
}

// householdSave creates or updates from the form. "添加成员" re-shows the form with one more
// member block; a failed save re-shows everything typed with each error beside its field.
func (s *Site) householdSave(w http.ResponseWriter, r *http.Request) {
	p := auth.FromContext(r.Context())
	f := newForm(r)
	var id int64
	if v := r.PathValue("id"); v != "" {
		id, _ = strconv.ParseInt(v, 10, 64)
	}
	version := atoi(f.Get("version"))
	title := s.msg.T("hh.new")
	if id != 0 {
		title = s.msg.T("hh.edit")
	}
	if f.Get("add_member") != "" {
		f.Values.Set("member_count", strconv.Itoa(min(atoi(f.Get("member_count"))+1, maxFormMembers)))
		s.render(w, r, http.StatusOK, "household_form", title, s.formContent(r, f, id, version))
		return
	}
	in, err := inputFromForm(f)
	if err == nil {
		if id == 0 {
			id, err = s.deps.Registry.Create(r.Context(), p, in)
		} else {
			err = s.deps.Registry.Update(r.Context(), p, id, version, in)
		}
	}
	if err != nil {
		if ferr := f.fail(err); ferr != nil {
			s.renderError(w, r, ferr)
			return
		}
		if apperr.KindOf(err) == apperr.NotFound {
			s.renderError(w, r, err)
			return
		}
		s.render(w, r, statusFor(err), "household_form", title, s.formContent(r, f, id, version))
		return
	}
	http.Redirect(w, r, fmt.Sprintf("/households/%d", id), http.StatusSeeOther)
}

// inputFromForm reads the form; amounts are in yuan as people type them.
func inputFromForm(f *form) (registry.HouseholdInput, error) {
	yuan := func(name string) (money.Fen, error) { return yuanField(f.Values, name) }
	count := func(name string) (int, error) { return intField(f.Values, name) }
	in := registry.HouseholdInput{RegionCode: f.Get("region_code"), Address: f.Get("address"),
		Hukou: registry.HukouType(f.Get("hukou")), HukouRegion: strings.TrimSpace(f.Get("hukou_region"))}
	var err error
	if in.Assets.FinancialAssets, err = yuan("assets.financial_assets"); err != nil {
		return in, err
	}
	for name, dst := range map[string]*int{"assets.vehicles": &in.Assets.Vehicles, "assets.homes": &in.Assets.Homes, "assets.floor_area_m2": &in.Assets.FloorAreaM2} {
		if *dst, err = count(name); err != nil {
			return in, err
		}
	}
	in.Assets.BusinessRegistered = f.Get("assets.business_registered") == "1"
	for _, k := range registry.SpendingKinds() {
		amount, err := yuan("spending." + string(k))
		if err != nil {
			return in, err
		}
		if amount != 0 {
			in.Spending = append(in.Spending, registry.Spending{Kind: k, Amount: amount})
		}
	}
	for i := 0; i < min(atoi(f.Get("member_count")), maxFormMembers); i++ {
		pre := fmt.Sprintf("members[%d].", i)
		if f.Get(pre+"remove") == "1" || (f.Get(pre+"name") == "" && f.Get(pre+"id_number") == "" && f.Get(pre+"person_id") == "") {
			continue
		}
		m := registry.PersonInput{ExistingID: int64(atoi(f.Get(pre + "person_id"))), Name: f.Get(pre + "name"),
			Marital: f.Get(pre + "marital"), Education: f.Get(pre + "education"), IDNumber: f.Get(pre + "id_number"), Relation: registry.Relation(f.Get(pre + "relation")),
			Phone: f.Get(pre + "phone"), Employment: f.Get(pre + "employment"), WorkCapacity: f.Get(pre + "work_capacity"),
			InSchool: f.Get(pre+"in_school") == "1", SeriousIllness: f.Get(pre+"serious_illness") == "1", Illness: f.Get(pre + "illness"),
			Disability: registry.Disability{Kind: registry.DisabilityKind(f.Get(pre + "disability_kind")), Certificate: f.Get(pre + "disability_cert")},
			SelfCare:   registry.ParseSelfCare(f.Values[pre+"self_care"])}
		if m.Disability.Grade, err = count(pre + "disability_grade"); err != nil {
			return in, err
		}
		for _, k := range registry.IncomeKinds() {
			amount, err := yuan(pre + "income." + string(k))
			if err != nil {
				return in, err
			}
			if amount != 0 {
				m.Incomes = append(m.Incomes, registry.Income{Kind: k, Monthly: amount})
			}
		}
		// Tiers of this member (carried through the form unchanged).
		for _, t := range strings.Split(f.Get(pre+"tiers"), ",") {
			tier, from, ok := strings.Cut(t, "@")
			if d, err := civil.ParseDate(from); ok && err == nil {
				in.Tiers = append(in.Tiers, registry.TierInput{Tier: registry.Tier(tier), MemberIndex: len(in.Members), ValidFrom: d})
			}
		}
		in.Members = append(in.Members, m)
	}
	if t := f.Get("tier"); t != "" {
		from, err := civil.ParseDate(f.Get("tier_from"))
		if err != nil {
			return in, apperr.FieldMsg("tier_from", "field.date_invalid")
		}
		in.Tiers = append(in.Tiers, registry.TierInput{Tier: registry.Tier(t), MemberIndex: -1, ValidFrom: from})
	}
	return in, nil
}

// valuesOf fills the form from a stored household. ID numbers are not shown in full: the editor
// types the full number again only for members they add or correct.
func valuesOf(h *registry.Household) url.Values {
	v := url.Values{"version": {strconv.Itoa(h.Version)}, "region_code": {h.RegionCode}, "address": {h.Address},
		"hukou": {string(h.Hukou)}, "hukou_region": {h.HukouRegion}, "member_count": {strconv.Itoa(len(h.Members))},
		"assets.financial_assets": {h.Assets.FinancialAssets.Plain()}, "assets.vehicles": {strconv.Itoa(h.Assets.Vehicles)},
		"assets.homes": {strconv.Itoa(h.Assets.Homes)}, "assets.floor_area_m2": {strconv.Itoa(h.Assets.FloorAreaM2)}}
	if h.Assets.BusinessRegistered {
		v.Set("assets.business_registered", "1")
	}
	for _, sp := range h.Spending {
		v.Set("spending."+string(sp.Kind), sp.Amount.Plain())
	}
	for _, t := range h.Tiers {
		if t.ValidTo.IsZero() && t.PersonID == 0 {
			v.Set("tier", string(t.Tier))
			v.Set("tier_from", t.ValidFrom.String())
		}
	}
	memberTiers := map[int64][]string{}
	for _, t := range h.Tiers {
		if t.ValidTo.IsZero() && t.PersonID != 0 {
			memberTiers[t.PersonID] = append(memberTiers[t.PersonID], string(t.Tier)+"@"+t.ValidFrom.String())
		}
	}
	for i, m := range h.Members {
		pre := fmt.Sprintf("members[%d].", i)
		v.Set(pre+"tiers", strings.Join(memberTiers[m.ID], ","))
		v.Set(pre+"marital", m.Marital)
		v.Set(pre+"education", m.Education)
		v[pre+"self_care"] = m.SelfCare.Keys()
		v.Set(pre+"name", m.Name)
		v.Set(pre+"id_masked", m.IDMasked)
		v.Set(pre+"person_id", strconv.FormatInt(m.ID, 10))
		v.Set(pre+"phone_masked", m.PhoneMasked)
		v.Set(pre+"relation", string(m.Relation))
		v.Set(pre+"employment", m.Employment)
		v.Set(pre+"work_capacity", m.WorkCapacity)
		v.Set(pre+"illness", m.Illness)
		v.Set(pre+"disability_kind", string(m.Disability.Kind))
		v.Set(pre+"disability_cert", m.Disability.Certificate)
		if m.Disability.Grade > 0 {
			v.Set(pre+"disability_grade", strconv.Itoa(m.Disability.Grade))
		}
		if m.InSchool {
			v.Set(pre+"in_school", "1")
		}
		if m.SeriousIllness {
			v.Set(pre+"serious_illness", "1")
		}
		for _, inc := range m.Incomes {
			v.Set(pre+"income."+string(inc.Kind), inc.Monthly.Plain())
		}
	}
	return v
}
