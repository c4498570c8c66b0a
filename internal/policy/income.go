package policy

// The means tests shared by 低保, 特困, 低保边缘, 刚性支出困难 and 因病致贫 (DOMAIN.md §3–§5):
// household income with its counted and excluded kinds (keys of §13), the property limits, and
// the expenditure route (支出型). Input a caller must fix (an unknown income kind, a negative or
// absurd amount, a disability grade outside 1–4) is an error, not a reason: it is the request
// that is wrong, not the household that is ineligible.

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/minzheng/minzheng/internal/civil"
	"github.com/minzheng/minzheng/internal/money"
)

// countedIncome are the kinds counted in household income, with their names on the explanation
// (DOMAIN.md §3: wages net of necessary employment costs, net business, property and transfer).
var countedIncome = map[string]string{
	"wage":     "工资性收入",
	"business": "经营净收入",
	"property": "财产净收入",
	"transfer": "转移净收入",
}

// excludedIncome are the kinds that are never counted (DOMAIN.md §3, §13).
var excludedIncome = map[string]string{
	"basic_pension":          "城乡居民基础养老金",
	"special_care":           "优待抚恤金",
	"family_planning_reward": "计划生育奖励扶助金",
	"scholarship":            "奖学金",
	"heroism_award":          "见义勇为奖励",
	"social_assistance":      "社会救助金",
}

// disabilityKinds names the disability kinds of DOMAIN.md §13.
var disabilityKinds = map[string]string{
	"physical": "肢体", "visual": "视力", "hearing": "听力", "speech": "言语",
	"intellectual": "智力", "mental": "精神", "multiple": "多重",
}

// maxFen bounds every amount and sum a request may carry (1000亿元): far above any household,
// low enough that no product or sum in the rules can overflow an int64.
const maxFen money.Fen = 10_000_000_000_000

// household is the income side of a means test.
type household struct {
	size      int
	counted   money.Fen   // counted monthly income of all members
	own       []money.Fen // counted monthly income of each member, in request order
	net       money.Fen   // counted − Request.Deductions, not below zero
	perCapita money.Fen   // net ÷ size, 四舍五入 to the fen
}

// householdOf validates the request's household and works out its monthly per-capita income,
// explaining each step. It returns false when the request is invalid (c.err is set).
func householdOf(c *calc) (household, bool) {
	r := &c.req
	if len(r.Members) == 0 {
		c.err = fmt.Errorf("members: at least one member is required")
		return household{}, false
	}
	for _, f := range []struct {
		name string
		v    money.Fen
	}{{"deductions_fen", r.Deductions}, {"rigid_spending_12m_fen", r.RigidSpending12m}, {"assets.financial_assets_fen", r.Assets.FinancialAssets}} {
		if f.v < 0 || f.v > maxFen {
			c.err = fmt.Errorf("%s: %d is out of range 0–%d", f.name, f.v, maxFen)
			return household{}, false
		}
	}
	a := r.Assets
	if a.Vehicles < 0 || a.Homes < 0 || a.FloorAreaM2 < 0 || a.CityAverageFloorAreaM2 < 0 ||
		a.Vehicles > 1e6 || a.Homes > 1e6 || a.FloorAreaM2 > 1e9 || a.CityAverageFloorAreaM2 > 1e6 {
		c.err = fmt.Errorf("assets: counts and areas must be between 0 and a plausible maximum")
		return household{}, false
	}
	hh := household{size: len(r.Members), own: make([]money.Fen, len(r.Members))}
	var excluded []string
	for i, m := range r.Members {
		if d := m.Disability; d != nil && (disabilityKinds[d.Kind] == "" || d.Grade < 1 || d.Grade > 4) {
			c.err = fmt.Errorf("members[%d].disability: kind must be one of DOMAIN.md §13 and grade 1–4", i)
			return household{}, false
		}
		var parts []string
		for j, inc := range m.MonthlyIncomes {
			if inc.Amount < 0 || inc.Amount > maxFen {
				c.err = fmt.Errorf("members[%d].monthly_incomes[%d].amount_fen: %d is out of range 0–%d", i, j, inc.Amount, maxFen)
				return household{}, false
			}
			if name, ok := countedIncome[inc.Kind]; ok {
				if hh.own[i] += inc.Amount; hh.own[i] > maxFen || hh.counted+hh.own[i] > maxFen {
					c.err = fmt.Errorf("members: total income is out of range 0–%d", maxFen)
					return household{}, false
				}
				if c.explain {
					parts = append(parts, name+" "+inc.Amount.String())
				}
			} else if name, ok := excludedIncome[inc.Kind]; ok {
				if c.explain {
					excluded = append(excluded, fmt.Sprintf("%s %s %s", memberTag(i, m), name, inc.Amount))
				}
			} else {
				c.err = fmt.Errorf("members[%d].monthly_incomes[%d].kind: %q is not an income kind of DOMAIN.md §13", i, j, inc.Kind)
				return household{}, false
			}
		}
		hh.counted += hh.own[i]
		if len(parts) > 0 {
			c.step("%s：月收入 %s，计入 %s", memberTag(i, m), strings.Join(parts, "，"), hh.own[i])
		}
	}
	if len(excluded) > 0 {
		c.step("不计入家庭收入（优待抚恤金、计划生育奖励、奖学金、见义勇为奖励、社会救助金、城乡居民基础养老金）：%s",
			strings.Join(excluded, "；"))
	}
	c.step("家庭月收入合计 %s，共同生活家庭成员 %d 人", hh.counted, hh.size)
	hh.net = hh.counted
	if r.Deductions > 0 {
		hh.net = max(0, hh.counted-r.Deductions)
		c.step("扣除因残疾、重病产生的必要支出 %s/月，扣除后 %s（不低于零）", r.Deductions, hh.net)
	}
	hh.perCapita = money.MulRatio(hh.net, 1, int64(hh.size), money.RoundHalfUp)
	c.step("家庭月人均收入 = %s ÷ %d = %s（%s到分）", hh.net, hh.size, hh.perCapita, money.RoundHalfUp)
	return hh, true
}

// propertyWithin applies the 低保 property limits (DOMAIN.md §3 [D]) for a household of size
// people under monthly standard std: per-capita financial assets at most dibao.asset_months ×
// std, no vehicle, at most one home (a second only while floor area per person is below the
// city average), no registered business. Each failure is a reason; it reports whether all hold.
func propertyWithin(c *calc, std money.Fen, size int) bool {
	a, ok := c.req.Assets, true
	fail := func(format string, args ...any) { c.ineligible(format, args...); ok = false }
	if p, found := c.param("dibao.asset_months"); found {
		limit := money.MulRatio(std, p.Value, 1, money.RoundHalfUp)
		perCapita := money.MulRatio(a.FinancialAssets, 1, int64(size), money.RoundHalfUp)
		c.step("人均金融资产 %s，上限 %d × 低保标准 %s = %s（%s）", perCapita, p.Value, std, limit, p.Label())
		// Compared as totals, so that rounding the per-capita figure cannot move the boundary.
		if a.FinancialAssets > money.MulRatio(limit, int64(size), 1, money.RoundHalfUp) {
			fail("家庭人均金融资产 %s 超过上限 %s（%d 个月低保标准）", perCapita, limit, p.Value)
		}
	} else {
		ok = false
	}
	if a.Vehicles > 0 {
		fail("家庭拥有机动车 %d 辆（残疾人功能性补偿代步机动车除外）", a.Vehicles)
	}
	switch {
	case a.Homes <= 1:
	case a.Homes > 2:
		fail("家庭拥有住房 %d 套，超过两套", a.Homes)
	case a.CityAverageFloorAreaM2 <= 0:
		fail("家庭拥有第二套住房，未提供全市人均住房面积，无法按人均面积例外认定")
	case a.FloorAreaM2 >= a.CityAverageFloorAreaM2*size:
		fail("家庭拥有第二套住房，住房面积 %d m² ÷ %d 人不低于全市人均 %d m²", a.FloorAreaM2, size, a.CityAverageFloorAreaM2)
	default:
		c.step("拥有第二套住房，住房面积 %d m² ÷ %d 人低于全市人均 %d m²，按例外认可", a.FloorAreaM2, size, a.CityAverageFloorAreaM2)
	}
	if a.BusinessRegistered {
		fail("家庭成员登记有实缴出资的市场主体")
	}
	if ok {
		c.step("财产状况符合规定（金融资产、机动车、住房、市场主体登记）")
	}
	return ok
}

// expenditureRoute is the test of the 支出型 route (DOMAIN.md §3): per-capita income below last
// year's per-capita disposable income (disposable_income.last_year ÷ 12), and income net of 12
// months of rigid spending per capita — (12 × counted income − rigid spending) ÷ 12 ÷ members —
// below line. Request.Deductions are not subtracted here: rigid spending already carries the
// medical costs they stand for, and counting them twice would favour one route over the other.
// It returns the adjusted per-capita income (not below zero) and whether both parts hold.
func expenditureRoute(c *calc, hh household, line money.Fen, lineName string) (money.Fen, bool) {
	adj := adjustedPerCapita(c, hh)
	below := adj < line
	c.step("支出型：扣除刚性支出后人均 %s %s %s %s", adj, cmpSign(below), lineName, line)
	return adj, belowDisposable(c, hh) && below
}

// adjustedPerCapita is the monthly per-capita income after deducting the household's 12 months
// of rigid spending (medical after insurance, education, rehabilitation), 四舍五入 to the fen
// and never below zero.
func adjustedPerCapita(c *calc, hh household) money.Fen {
	rigid := c.req.RigidSpending12m
	adj := max(0, money.MulRatio(12*hh.counted-rigid, 1, 12*int64(hh.size), money.RoundHalfUp))
	c.step("近12个月刚性支出 %s；扣除后人均月收入 = (12 × %s − %s) ÷ 12 ÷ %d = %s（%s到分，不低于零）",
		rigid, hh.counted, rigid, hh.size, adj, money.RoundHalfUp)
	return adj
}

// belowDisposable reports whether per-capita income is below last year's per-capita disposable
// income of the area; the caller decides whether failing is a reason. It compares totals exactly
// (12 × net household income < yearly figure × members), as temporary.go does, so the rounded
// monthly figures shown are only for reading.
func belowDisposable(c *calc, hh household) bool {
	p, ok := c.param("disposable_income.last_year")
	if !ok {
		return false
	}
	yearly := money.Fen(p.Value)
	below := 12*hh.net < yearly*money.Fen(hh.size)
	c.step("家庭月人均收入 %s %s 上年人均可支配收入 %s/年（折合 %s/月，%s）", hh.perCapita, cmpSign(below), yearly,
		money.MulRatio(yearly, 1, 12, money.RoundHalfUp), p.Label())
	return below
}

// dibaoStandardOf looks up the 低保 standard for the household's district and hukou type on the
// date (the most specific region wins). A district without rural population has no rural
// standard: that is a reason, not an error.
func dibaoStandardOf(c *calc) (money.Fen, bool) {
	p, ok := c.param("dibao.standard")
	if !ok {
		c.step("区划 %s 在 %s 没有适用于%s的低保标准（市南、市北、李沧区没有农村人口）", c.req.RegionCode, c.req.Date.Chinese(), hukouName(c.req.Hukou))
		return 0, false
	}
	std := money.Fen(p.Value)
	c.step("低保标准 %s/人·月（%s，%s）", std, hukouName(c.req.Hukou), p.Label())
	return std, true
}

// edgeLine is the 低保边缘 income line, dibao_edge.ratio × the 低保 standard (DOMAIN.md §5). It is
// rounded 进位 (up) to the fen, so that "income (whole fen) below the line" is exactly "income
// below ratio × standard".
func edgeLine(c *calc, std money.Fen) (money.Fen, bool) {
	p, ok := c.param("dibao_edge.ratio")
	if !ok {
		return 0, false
	}
	line := money.MulRatio(std, p.Value, 1000, money.RoundUp)
	c.step("低保边缘标准 = 低保标准 %s × %s = %s（%s）", std, timesOf(p.Value), line, p.Label())
	return line, true
}

// receivesAny names the first program among programs that a member already receives.
func receivesAny(ms []Member, programs ...string) (string, bool) {
	for _, m := range ms {
		for _, r := range m.Receives {
			for _, p := range programs {
				if r == p {
					return p, true
				}
			}
		}
	}
	return "", false
}

// fullYears is the age in full years (周岁) on day d, going up on the birthday itself (29 February
// births on 1 March in common years); never negative.
func fullYears(birth, d civil.Date) int {
	if d.Before(birth) {
		return 0
	}
	age := d.Year - birth.Year
	if d.Month < birth.Month || (d.Month == birth.Month && d.Day < birth.Day) {
		age--
	}
	return age
}

// memberTag names a member on the explanation: the caller's id, or its position.
func memberTag(i int, m Member) string {
	if m.ID != "" {
		return "成员 " + m.ID
	}
	return fmt.Sprintf("成员 %d", i+1)
}

// disabilityText reads a disability as a certificate does: "肢体二级".
func disabilityText(d *Disability) string {
	return disabilityKinds[d.Kind] + [...]string{"", "一级", "二级", "三级", "四级"}[d.Grade]
}

// cmpSign is the sign that shows a comparison's outcome on the explanation.
func cmpSign(below bool) string {
	if below {
		return "<"
	}
	return "≥"
}

// pctOf writes a per mille value as a percentage: 300 → "30%", 125 → "12.5%".
func pctOf(permille int64) string { return decimalText(permille, 10) + "%" }

// timesOf writes a per mille value as a multiple: 1500 → "1.5 倍".
func timesOf(permille int64) string { return decimalText(permille, 1000) + " 倍" }

// decimalText writes v ÷ scale (a power of ten) without trailing zeros, without floats.
func decimalText(v, scale int64) string {
	sign := ""
	if v < 0 {
		sign, v = "-", -v
	}
	s := sign + strconv.FormatInt(v/scale, 10)
	if frac := v % scale; frac != 0 {
		digits := len(strconv.FormatInt(scale, 10)) - 1
		s += "." + strings.TrimRight(fmt.Sprintf("%0*d", digits, frac), "0")
	}
	return s
}

// meansTested is the common start of the means-tested programs: the household's income (also put
// in the result) and the 低保 standard that applies. When it returns false the result is final —
// an error, or no standard for this region and hukou.
func meansTested(c *calc) (household, money.Fen, bool) {
	hh, ok := householdOf(c)
	if !ok {
		return hh, 0, false
	}
	c.res.PerCapitaIncome = hh.perCapita
	std, ok := dibaoStandardOf(c)
	if !ok {
		c.decide()
		return hh, 0, false
	}
	return hh, std, true
}
