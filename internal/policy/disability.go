package policy

import (
	"fmt"
	"slices"

	"github.com/minzheng/minzheng/internal/money"
)

// disabilityLiving is 困难残疾人生活补贴 (DOMAIN.md §8): each member holding a disability
// certificate (grade 1–4) in a household that receives 低保 — locally extended to 低保边缘 — is
// paid by grade: disability.living.grade1, .grade2, or .grade34 for grades 3 and 4. The household
// is paid the sum. The amounts are looked up for the region, so a district's own published value
// (市南, 市北, 李沧) wins over the city default. Result.Standard is the highest per-person amount.
func disabilityLiving(c *calc) {
	disabled, ok := disabledMembers(c)
	if !ok {
		return
	}
	tier := ""
	for _, t := range []string{"dibao", "dibao_edge"} {
		for _, m := range c.req.Members {
			if tier == "" && slices.Contains(m.Receives, t) {
				tier = t
			}
		}
	}
	switch tier {
	case "dibao":
		c.step("家庭享受最低生活保障，属于困难残疾人生活补贴对象家庭")
	case "dibao_edge":
		c.step("家庭为低保边缘家庭，按本地扩面政策属于困难残疾人生活补贴对象家庭")
	default:
		c.ineligible("家庭不是低保家庭或低保边缘家庭，不属于困难残疾人生活补贴对象")
	}
	if len(disabled) == 0 {
		c.ineligible("家庭中没有持残疾人证（1–4 级）的成员")
	}
	if len(c.res.Reasons) > 0 {
		c.decide()
		return
	}
	var total money.Fen
	for _, i := range disabled {
		m := c.req.Members[i]
		name := "disability.living.grade34"
		if m.Disability.Grade <= 2 {
			name = fmt.Sprintf("disability.living.grade%d", m.Disability.Grade)
		}
		p, ok := c.param(name)
		if !ok {
			c.decide()
			return
		}
		amount := money.Fen(p.Value)
		total += amount
		c.res.Standard = max(c.res.Standard, amount)
		c.step("%s：%s，生活补贴 %s/月（%s）", memberTag(i, m), disabilityText(m.Disability), amount, p.Label())
	}
	c.res.MonthlyAmount = total
	c.step("家庭合计 %d 人，生活补贴 %s/月", len(disabled), total)
	c.decide()
}

// disabilityCare is 重度残疾人护理补贴 (DOMAIN.md §8): disability.care per month for each member
// with a grade 1–2 disability who needs long-term care. The request has no separate care
// assessment, so a member who cannot do at least one of the six activities of daily living alone
// (self_care_failed_activities ≥ 1, the 特困 self-care scale of DOMAIN.md §4) is taken as
// needing long-term care; the steps say so. There is no household income test.
func disabilityCare(c *calc) {
	disabled, ok := disabledMembers(c)
	if !ok {
		return
	}
	var covered []int
	for _, i := range disabled {
		m := c.req.Members[i]
		switch {
		case m.Disability.Grade > 2:
			c.step("%s：%s，不属于一、二级重度残疾", memberTag(i, m), disabilityText(m.Disability))
		case m.SelfCareFailed < 1:
			c.step("%s：%s，6 项日常生活活动均能自理，不视为需要长期照护", memberTag(i, m), disabilityText(m.Disability))
		default:
			covered = append(covered, i)
		}
	}
	if len(covered) == 0 {
		c.ineligible("家庭中没有需要长期照护的一、二级重度残疾人")
		c.decide()
		return
	}
	p, ok := c.param("disability.care")
	if !ok {
		c.decide()
		return
	}
	amount := money.Fen(p.Value)
	c.res.Standard = amount
	for _, i := range covered {
		m := c.req.Members[i]
		c.step("%s：%s，%d 项日常生活活动不能自理，视为需要长期照护，护理补贴 %s/月（%s）",
			memberTag(i, m), disabilityText(m.Disability), m.SelfCareFailed, amount, p.Label())
	}
	c.res.MonthlyAmount = amount * money.Fen(len(covered))
	c.step("家庭合计 %d 人，护理补贴 %s × %d = %s/月", len(covered), amount, len(covered), c.res.MonthlyAmount)
	c.decide()
}

// disabledMembers lists the members with a disability certificate and checks what the two
// subsidies read: grade 1–4, a kind of DOMAIN.md §13 (as the means tests require) and 0–6 failed
// activities. A bad value is an error of the request.
func disabledMembers(c *calc) ([]int, bool) {
	var out []int
	for i, m := range c.req.Members {
		if m.SelfCareFailed < 0 || m.SelfCareFailed > 6 {
			c.err = fmt.Errorf("members[%d].self_care_failed_activities: must be 0–6, got %d", i, m.SelfCareFailed)
			return nil, false
		}
		if m.Disability == nil {
			continue
		}
		if m.Disability.Grade < 1 || m.Disability.Grade > 4 {
			c.err = fmt.Errorf("members[%d].disability.grade: must be 1–4, got %d", i, m.Disability.Grade)
			return nil, false
		}
		if disabilityKinds[m.Disability.Kind] == "" {
			c.err = fmt.Errorf("members[%d].disability.kind: must be one of physical, visual, hearing, speech, intellectual, mental, multiple, got %q", i, m.Disability.Kind)
			return nil, false
		}
		out = append(out, i)
	}
	return out, true
}
