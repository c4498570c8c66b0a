// 特困人员救助供养 (特困, DOMAIN.md §4).
//
//   - Basic living standard: tekun.basic_ratio × the 低保 standard of the same district and hukou
//     type, published in whole yuan. It is rounded once, 四舍五入 to the yuan, from the exact
//     product (never first to the fen): 904 → 1356, 680 → 1020, 791 → 1186.5 → 1187,
//     1115 → 1672.5 → 1673.
//   - Care standard by self-care ability: no failed activity → tekun.care.self, 1–3 → partial,
//     4 or more → full.
//   - Every covered member (those marked, or everyone when no one is marked) must qualify: no work
//     capacity, no legal supporter able to support. The household as a whole must have income
//     below the 低保 standard and property within the 低保 limits. The monthly amount is, for each
//     covered member, basic standard + that member's care standard.
//   - No work capacity: aged 60 or over, under 16, or a disability of grade 1–3 intellectual or
//     mental, grade 1–2 physical, grade 1 visual — exactly the list of §4; hearing, speech and
//     multiple disabilities are not on it. Minors are covered to 18, and after 18 while in school;
//     §4 names no upper age for schooling, so Member.InSchool is taken as the caller states it.

package policy

import (
	"fmt"

	"github.com/minzheng/minzheng/internal/money"
)

// tekun decides 特困 support for the covered members and works out the monthly amount
// (DOMAIN.md §4).
func tekun(c *calc) {
	hh, std, ok := meansTested(c)
	if !ok {
		return
	}
	basic, ok := tekunBasic(c, std)
	if !ok {
		c.decide()
		return
	}
	c.res.Standard = basic
	if hh.perCapita >= std {
		c.ineligible("家庭月人均收入 %s 不低于低保标准 %s（特困要求无收入或收入低于低保标准）", hh.perCapita, std)
	} else {
		c.step("收入检验：家庭月人均收入 %s < 低保标准 %s", hh.perCapita, std)
	}
	propertyWithin(c, std, hh.size)

	var total money.Fen
	for _, i := range coveredOf(c) {
		m := c.req.Members[i]
		if m.SelfCareFailed < 0 || m.SelfCareFailed > 6 {
			c.err = fmt.Errorf("members[%d].self_care_failed_activities: must be 0–6", i)
			return
		}
		who, age := memberTag(i, m), fullYears(m.BirthDate, c.req.Date)
		why, unable := noWorkCapacity(m, age)
		if !unable {
			why = "不属于无劳动能力人员"
			c.ineligible("%s（%d 周岁）不属于无劳动能力人员（60 周岁以上、未满 16 周岁、未成年或在校、规定的重度残疾）", who, age)
		}
		if m.HasSupporter {
			c.ineligible("%s 有具备赡养、抚养、扶养能力的法定义务人", who)
		}
		care, level, ok := tekunCare(c, m.SelfCareFailed)
		if !ok {
			continue
		}
		total += basic + care
		c.step("%s（%d 周岁）：%s；%d 项日常生活活动不能自理，%s，照料护理标准 %s；基本生活 %s + 照料护理 %s = %s",
			who, age, why, m.SelfCareFailed, level, care, basic, care, basic+care)
	}
	c.decide()
	if !c.res.Eligible {
		c.step("不符合特困人员条件，月供养金 %s", money.Fen(0))
		return
	}
	c.res.MonthlyAmount = total
	c.step("月供养金合计 %s", total)
}

// tekunBasic is the basic living standard: ratio × the 低保 standard, rounded once 四舍五入 to
// the whole yuan, as Qingdao publishes it.
func tekunBasic(c *calc, std money.Fen) (money.Fen, bool) {
	p, ok := c.param("tekun.basic_ratio")
	if !ok {
		return 0, false
	}
	basic := money.MulRatio(std, p.Value, 1000*int64(money.OneYuan), money.RoundHalfUp) * money.OneYuan
	c.step("特困基本生活标准 = 低保标准 %s × %s = %s，%s到元 = %s（%s）", std, timesOf(p.Value),
		money.MulRatio(std, p.Value, 1000, money.RoundHalfUp), money.RoundHalfUp, basic, p.Label())
	return basic, true
}

// tekunCare is the care standard for a member who cannot do failed of the six activities of daily
// living (eat, dress, bed transfer, toilet, walk indoors, bathe).
func tekunCare(c *calc, failed int) (money.Fen, string, bool) {
	name, level := "tekun.care.self", "具备生活自理能力"
	switch {
	case failed >= 4:
		name, level = "tekun.care.full", "完全丧失生活自理能力"
	case failed >= 1:
		name, level = "tekun.care.partial", "部分丧失生活自理能力"
	}
	p, ok := c.param(name)
	if !ok {
		return 0, level, false
	}
	return money.Fen(p.Value), level + "（" + p.Label() + "）", true
}

// noWorkCapacity says whether a member has no work capacity in the sense of DOMAIN.md §4, and why.
func noWorkCapacity(m Member, age int) (string, bool) {
	if d := m.Disability; d != nil {
		switch {
		case (d.Kind == "intellectual" || d.Kind == "mental") && d.Grade <= 3,
			d.Kind == "physical" && d.Grade <= 2,
			d.Kind == "visual" && d.Grade == 1:
			return disabilityText(d) + "，无劳动能力", true
		}
	}
	switch {
	case age >= 60:
		return "年满 60 周岁", true
	case age < 16:
		return "未满 16 周岁", true
	case age < 18:
		return "未成年人，供养至 18 周岁", true
	case m.InSchool:
		return "年满 18 周岁仍在校就读，继续供养", true
	}
	return "", false
}
