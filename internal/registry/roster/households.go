package roster

import (
	"fmt"
	"slices"
	"strings"

	"github.com/minzheng/minzheng/internal/idcard"
	"github.com/minzheng/minzheng/internal/registry"
)

// crossCheck compares cells of one row with each other and the row's ID number with the rows
// before it.
func (p *parser) crossCheck(s *rowState) {
	if s.has(colID) {
		if s.has(colSex) && s.sex != s.id.Sex().Key() {
			p.err(s.row, colSex, "性别与身份证号不一致（身份证号第17位单数为男、双数为女）")
		}
		if s.has(colBirth) && s.birth != s.id.BirthDate() {
			p.err(s.row, colBirth, "出生日期与身份证号中的出生日期不一致")
		}
		if j, dup := p.ids[s.id]; dup {
			prev := p.rows[j]
			if prev.Key == s.Key {
				p.err(s.row, colID, fmt.Sprintf("身份证号与第%d行重复，同一人只能填一行", prev.row))
			} else {
				p.err(s.row, colID, fmt.Sprintf("身份证号与第%d行相同，但那一行属于另一户：同一人不能同时在两户", prev.row))
			}
		} else {
			p.ids[s.id] = len(p.rows)
		}
		if cert := s.Person.Disability.Certificate; s.has(colCert) && len(cert) == 20 {
			if n, err := idcard.Parse(cert[:18]); err == nil && n != s.id {
				p.err(s.row, colCert, "残疾证号的前18位与身份证号不一致")
			}
		}
	}
	disability := uint64(1)<<colCert | 1<<colDisKind | 1<<colGrade
	if s.present&disability != 0 {
		if s.present&(1<<colDisKind) == 0 {
			p.err(s.row, colDisKind, "填写了残疾证号或残疾等级，也要填写残疾类别")
		}
		if s.present&(1<<colGrade) == 0 {
			p.err(s.row, colGrade, "填写了残疾证号或残疾类别，也要填写残疾等级")
		}
	}
}

// group collects the rows of each 户编号 into a household, in order of first appearance, and
// checks what only the whole household shows: one head, household columns filled on the head's
// row and not contradicted on the others.
func (p *parser) group() {
	var order []string
	groups := map[string][]*rowState{}
	for _, s := range p.rows {
		if !s.has(colKey) {
			continue
		}
		if _, ok := groups[s.Key]; !ok {
			order = append(order, s.Key)
		}
		groups[s.Key] = append(groups[s.Key], s)
	}
	p.res.Households = make([]Household, 0, len(order))
	for _, k := range order {
		p.res.Households = append(p.res.Households, p.household(k, groups[k]))
	}
	p.rows, p.ids = nil, nil
}

func (p *parser) household(key string, rows []*rowState) Household {
	var heads []*rowState
	for _, s := range rows {
		if s.has(colRelation) && s.Person.Relation == registry.Head {
			heads = append(heads, s)
		}
	}
	head := rows[0]
	if len(heads) == 0 {
		p.err(rows[0].row, colRelation, fmt.Sprintf(
			"这一户（户编号相同的%d行）没有户主：请把其中一人的“与户主关系”填为“户主”", len(rows)))
	} else {
		head = heads[0]
		for _, x := range heads[1:] {
			p.err(x.row, colRelation, fmt.Sprintf("同一户已有户主（第%d行），一户只能有一位户主", head.row))
		}
		p.householdColumns(head, rows)
	}
	return build(key, head, rows)
}

// householdColumns checks the household columns: required ones filled on the head's row, and
// any value on another row equal to the head's (compared as the export would write them, so
// "1000" and "1,000.00" agree).
func (p *parser) householdColumns(head *rowState, rows []*rowState) {
	for i, c := range columns {
		bit := uint64(1) << i
		if !c.house {
			continue
		}
		if c.required && p.have&bit != 0 && head.present&bit == 0 {
			p.err(head.row, i, "家庭信息必填项：户主所在行必须填写")
		}
		if head.bad&bit != 0 {
			continue
		}
		want := c.format(&head.ExportRow)
		for _, s := range rows {
			if s == head || !s.has(i) || c.format(&s.ExportRow) == want {
				continue
			}
			if head.present&bit == 0 {
				p.err(s.row, i, fmt.Sprintf("家庭信息应填在户主所在行（第%d行），那一行这一项是空的", head.row))
			} else {
				p.err(s.row, i, fmt.Sprintf("与户主所在行（第%d行）填写的不一致；同一户的家庭信息只能有一个值", head.row))
			}
		}
	}
	switch {
	case head.present&(1<<colTier) != 0 && head.present&(1<<colTierFrom) == 0:
		p.err(head.row, colTierFrom, "填写了家庭类别，也要填写类别起始日期")
	case head.present&(1<<colTierFrom) != 0 && head.present&(1<<colTier) == 0:
		p.err(head.row, colTier, "填写了类别起始日期，也要填写家庭类别")
	}
}

// build turns the rows of one household into registry input: household fields from the head's
// row, members in file order, incomes and spending in the registry's kind order, zero amounts
// left out (a blank cell and 0 mean the same).
func build(key string, head *rowState, rows []*rowState) Household {
	hf := head.Household
	in := registry.HouseholdInput{
		RegionCode: hf.RegionCode, Address: hf.Address, Hukou: hf.Hukou, HukouRegion: hf.HukouRegion,
		Assets: hf.Assets, Spending: hf.spending(),
	}
	if hf.Tier != "" {
		in.Tiers = []registry.TierInput{{Tier: hf.Tier, MemberIndex: -1, ValidFrom: hf.TierFrom}}
	}
	h := Household{Key: key, FirstRow: rows[0].row, headRow: head.row}
	kinds := registry.IncomeKinds()
	for _, s := range rows {
		m := s.Person
		slices.SortStableFunc(m.Incomes, func(a, b registry.Income) int {
			return slices.Index(kinds, a.Kind) - slices.Index(kinds, b.Kind)
		})
		m.Name = strings.TrimSpace(m.Name)
		in.Members = append(in.Members, m)
		h.MemberRows = append(h.MemberRows, s.row)
	}
	h.Input = in
	return h
}
