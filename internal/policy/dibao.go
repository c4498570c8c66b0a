// 最低生活保障 (低保, DOMAIN.md §3): the choices this calculator makes where the rules leave room.
//
//   - Rounding. Per-capita income is the household's net income ÷ members, 四舍五入 to the fen,
//     and that rounded figure — the one printed on the notice — is compared with the standard, so
//     the explanation never contradicts the verdict. Income exactly at the standard is not below
//     it and does not qualify. Increments are per mille of the standard, 四舍五入 to the fen.
//   - Covered members. Those marked covered; when none is marked, the whole household.
//   - 单人户. When exactly one member of a larger household is marked covered and that member has
//     a grade 1–2 disability (grade 3 intellectual or mental) or a recognised serious illness,
//     the member is covered alone. DOMAIN.md §3 grants this to members of 低保边缘 families, so
//     the income test still looks at the whole household but against the 低保边缘 line
//     (dibao_edge.ratio × standard); property too is the whole household's. The amount treats the
//     member as a household of one: standard − the member's own counted income (less
//     Request.Deductions, which are the costs of that illness or disability), plus the member's
//     increment. Testing the household against the standard itself would make 单人户 pointless —
//     a household below the standard is covered whole anyway. The expenditure route, if asked
//     for, is then also tested against the 低保边缘 line.
//   - Expenditure route (支出型, Request.Expenditure). Eligible when per-capita income is below
//     last year's per-capita disposable income and (12 × counted income − rigid spending) ÷ 12 ÷
//     members is below the standard, even if the plain income test fails. The amount on this route
//     is (standard − max(0, adjusted per-capita income)) × covered members. When both routes
//     qualify, the household is paid on the one more favourable to it, and the step says which.
//   - Bounds. The amount is zero when ineligible, otherwise at least one fen per covered member
//     (every route requires income strictly below its line) and at most standard × covered
//     members plus each covered member's highest increment.

package policy

import (
	"github.com/minzheng/minzheng/internal/money"
)

// dibao decides 低保 for the household and works out its monthly amount (DOMAIN.md §3).
func dibao(c *calc) {
	hh, std, ok := meansTested(c)
	if !ok {
		return
	}
	c.res.Standard = std
	covered := coveredOf(c)
	solo := len(covered) == 1 && len(c.req.Members) > 1 && soloEligible(c.req.Members[covered[0]])

	line, lineName := std, "低保标准"
	if solo {
		m := c.req.Members[covered[0]]
		c.step("单人户：%s 为重度残疾或重病患者，在低保边缘家庭中单独纳入低保；收入按全户计算，以低保边缘标准检验", memberTag(covered[0], m))
		if line, ok = edgeLine(c, std); !ok {
			c.decide()
			return
		}
		lineName = "低保边缘标准"
	}
	plain := hh.perCapita < line
	c.step("收入检验：家庭月人均收入 %s %s %s %s", hh.perCapita, cmpSign(plain), lineName, line)
	expense, adj := false, money.Fen(0)
	if c.req.Expenditure {
		adj, expense = expenditureRoute(c, hh, line, lineName)
	}
	switch {
	case plain:
	case expense:
		c.step("按支出型条件认定：收入检验未通过，但扣除刚性支出后人均收入低于%s", lineName)
	case c.req.Expenditure:
		c.ineligible("家庭月人均收入 %s 不低于%s %s，且不符合支出型条件（上年人均可支配收入以下、扣除刚性支出后人均收入低于%s）",
			hh.perCapita, lineName, line, lineName)
	default:
		c.ineligible("家庭月人均收入 %s 不低于%s %s", hh.perCapita, lineName, line)
	}
	propertyWithin(c, std, hh.size)

	if solo {
		i := covered[0]
		own := max(0, hh.own[i]-c.req.Deductions)
		c.step("单人户：%s 本人月收入（计入收入扣除必要支出后）%s", memberTag(i, c.req.Members[i]), own)
		if own >= std {
			c.ineligible("单人户：%s 本人月收入 %s 不低于低保标准 %s", memberTag(i, c.req.Members[i]), own, std)
		}
	}
	c.decide()
	if !c.res.Eligible {
		c.step("不符合低保条件，月保障金 %s", money.Fen(0))
		return
	}
	var base money.Fen
	switch {
	case solo:
		own := max(0, hh.own[covered[0]]-c.req.Deductions)
		base = std - own
		c.step("单人户保障金 = 低保标准 %s − 本人月收入 %s = %s", std, own, base)
	case expense && (!plain || adj < hh.perCapita):
		base = (std - adj) * money.Fen(len(covered))
		why := "按支出型计算"
		if plain {
			why = "两种方式均符合，按对家庭更有利的支出型计算"
		}
		c.step("基本保障金 = (低保标准 %s − 扣除刚性支出后人均收入 %s) × %d 人 = %s（%s）", std, adj, len(covered), base, why)
	default:
		base = (std - hh.perCapita) * money.Fen(len(covered))
		c.step("基本保障金 = (低保标准 %s − 家庭月人均收入 %s) × %d 人 = %s", std, hh.perCapita, len(covered), base)
	}
	inc := dibaoIncrements(c, std, covered)
	c.res.MonthlyAmount = base + inc
	c.step("月保障金 = 基本保障金 %s + 分类施保 %s = %s，自批准次月起发放", base, inc, c.res.MonthlyAmount)
}

// coveredOf lists the covered members' positions: those marked covered, or everyone when no one
// is marked. It writes the step that says which.
func coveredOf(c *calc) []int {
	var marked, all []int
	for i, m := range c.req.Members {
		all = append(all, i)
		if m.Covered {
			marked = append(marked, i)
		}
	}
	if len(marked) == 0 {
		c.step("保障人数 %d 人（未标注保障对象，全户纳入）", len(all))
		return all
	}
	c.step("保障人数 %d 人（按申请标注的保障对象）", len(marked))
	return marked
}

// severeDisability is a grade 1–2 disability, or grade 3 for intellectual or mental disability:
// the 重度残疾 of 分类施保 and 单人户 (DOMAIN.md §3).
func severeDisability(d *Disability) bool {
	return d != nil && (d.Grade >= 1 && d.Grade <= 2 || d.Grade == 3 && (d.Kind == "intellectual" || d.Kind == "mental"))
}

// soloEligible says whether a member may be covered alone as a 单人户 (DOMAIN.md §3).
func soloEligible(m Member) bool { return severeDisability(m.Disability) || m.SeriousIllness }

// increment is one 分类施保 category: its parameter, its name and who it applies to.
type increment struct {
	param, name string
	applies     func(m Member, age int) bool
}

// increments are the 分类施保 categories (DOMAIN.md §3 [D]); a member gets only the highest.
var increments = [...]increment{
	{"dibao.increment.severe_illness", "重病", func(m Member, _ int) bool { return m.SeriousIllness }},
	{"dibao.increment.severe_disability", "重度残疾", func(m Member, _ int) bool { return severeDisability(m.Disability) }},
	{"dibao.increment.age70", "70 周岁以上", func(_ Member, age int) bool { return age >= 70 }},
	{"dibao.increment.minor", "未成年", func(_ Member, age int) bool { return age < 18 }},
}

// dibaoIncrements adds, for each covered member, the highest applicable 分类施保 increment as
// per mille of the standard, 四舍五入 to the fen. An increment with no parameter value in force
// is simply not paid. Each rate is looked up once and cited once, after the members' lines.
func dibaoIncrements(c *calc, std money.Fen, covered []int) money.Fen {
	var (
		rates                 [len(increments)]Param
		looked, inForce, used [len(increments)]bool
		total                 money.Fen
	)
	rate := func(k int) (Param, bool) {
		if !looked[k] {
			p, err := c.set.Lookup(increments[k].param, c.req.RegionCode, c.req.Hukou, c.req.Date)
			rates[k], looked[k], inForce[k] = p, true, err == nil
		}
		return rates[k], inForce[k]
	}
	for _, i := range covered {
		m := c.req.Members[i]
		age := fullYears(m.BirthDate, c.req.Date)
		best, applicable := -1, ""
		for k, inc := range increments {
			if !inc.applies(m, age) {
				continue
			}
			p, ok := rate(k)
			if !ok {
				continue
			}
			applicable += "、" + inc.name + " " + pctOf(p.Value)
			if best < 0 || p.Value > rates[best].Value {
				best = k
			}
		}
		if best < 0 {
			continue
		}
		used[best] = true
		amount := money.MulRatio(std, rates[best].Value, 1000, money.RoundHalfUp)
		total += amount
		c.step("分类施保：%s（%d 周岁）符合 %s，取最高一项 %s %s × %s = %s（%s到分）", memberTag(i, m), age,
			applicable[len("、"):], increments[best].name, pctOf(rates[best].Value), std, amount, money.RoundHalfUp)
	}
	for k, p := range rates {
		if used[k] {
			c.cite(p)
			c.step("分类施保比例 %s %s（%s）", increments[k].name, pctOf(p.Value), p.Label())
		}
	}
	return total
}
