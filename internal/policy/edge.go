// 低保边缘 (dibao_edge), 刚性支出困难 (rigid_expense) and 因病致贫重病患者 (illness_poverty):
// the statuses of DOMAIN.md §5. Each is a recognition that opens special assistance (medical,
// education, housing, employment, temporary assistance), not a monthly cash benefit, so each
// result's MonthlyAmount is zero and a step says so.
//
//   - 低保边缘: not already 低保/特困; per-capita income at or above the 低保 standard (below it
//     the household belongs in 低保) and below the 低保边缘 line, dibao_edge.ratio × standard;
//     property within the 低保 limits. With Request.Expenditure, the expenditure type instead:
//     per-capita income below last year's disposable income, and income net of rigid spending
//     per capita below the 低保边缘 line ("as in §3", with the line of this status).
//     Result.Standard is the 低保边缘 line.
//   - 刚性支出困难 (from rigid_expense.share's first valid_from, 2025-01-01): not receiving
//     低保/特困/边缘 and income not within the 低保边缘 line (such a household qualifies for one of
//     those instead); per-capita income below last year's disposable income; 12 months of rigid
//     spending above rigid_expense.share of 12 months of counted income (before
//     Request.Deductions, which would count the same costs twice). No property test: §5 names none.
//   - 因病致贫: a member with a recognised serious illness, and per-capita income net of 12 months
//     of out-of-pocket medical costs (Request.RigidSpending12m, which the caller fills with
//     medical costs for this program) below the 低保边缘 line. Result.Standard is that line.

package policy

import (
	"strings"
	"time"

	"github.com/minzheng/minzheng/internal/civil"
	"github.com/minzheng/minzheng/internal/money"
)

// dibaoEdge recognises a 低保边缘 family (DOMAIN.md §5).
func dibaoEdge(c *calc) {
	hh, std, line, ok := edgeSetup(c)
	if !ok {
		return
	}
	c.res.Standard = line
	if p, found := receivesAny(c.req.Members, "dibao", "tekun"); found {
		c.ineligible("家庭成员已享受%s，不再认定为低保边缘家庭", programName(p))
	}
	plain := hh.perCapita >= std && hh.perCapita < line
	c.step("收入检验：低保标准 %s ≤ 家庭月人均收入 %s < 低保边缘标准 %s：%s", std, hh.perCapita, line, yesNo(plain))
	expense := false
	if c.req.Expenditure {
		_, expense = expenditureRoute(c, hh, line, "低保边缘标准")
	}
	switch {
	case plain:
	case expense:
		c.step("按支出型条件认定：扣除刚性支出后人均收入低于低保边缘标准")
	case hh.perCapita < std:
		c.ineligible("家庭月人均收入 %s 低于低保标准 %s，应申请低保", hh.perCapita, std)
	default:
		c.ineligible("家庭月人均收入 %s 不低于低保边缘标准 %s", hh.perCapita, line)
	}
	propertyWithin(c, std, hh.size)
	c.decide()
	statusOnly(c, "低保边缘家庭")
}

// rigidExpense recognises a 刚性支出困难 family (DOMAIN.md §5), from the date the policy starts.
func rigidExpense(c *calc) {
	hh, ok := householdOf(c)
	if !ok {
		return
	}
	c.res.PerCapitaIncome = hh.perCapita
	p, err := c.set.Lookup("rigid_expense.share", c.req.RegionCode, c.req.Hukou, c.req.Date)
	if err != nil {
		if start, ok := firstValidFrom(c.set, "rigid_expense.share", c.req.RegionCode, c.req.Hukou); ok && c.req.Date.Before(start) {
			c.ineligible("刚性支出困难家庭认定政策自%s起施行，%s尚未施行", start.Chinese(), c.req.Date.Chinese())
		} else {
			c.ineligible("没有适用的参数 rigid_expense.share（区划 %s，%s，%s）", c.req.RegionCode, hukouName(c.req.Hukou), c.req.Date.Chinese())
		}
		c.decide()
		statusOnly(c, "刚性支出困难家庭")
		return
	}
	c.cite(p)
	std, ok := dibaoStandardOf(c)
	if !ok {
		c.decide()
		return
	}
	line, ok := edgeLine(c, std)
	if !ok {
		c.decide()
		return
	}
	if prog, found := receivesAny(c.req.Members, "dibao", "tekun", "dibao_edge"); found {
		c.ineligible("家庭已享受%s，不再认定为刚性支出困难家庭", programName(prog))
	}
	if hh.perCapita < line {
		c.ineligible("家庭月人均收入 %s 低于低保边缘标准 %s，应按低保或低保边缘家庭认定", hh.perCapita, line)
	}
	if !belowDisposable(c, hh) {
		c.ineligible("家庭月人均收入 %s 不低于上年人均可支配收入的月均值", hh.perCapita)
	}
	rigid, yearly := c.req.RigidSpending12m, 12*hh.counted
	// rigid > share × yearly income exactly, for whole fen: rigid > ⌊share × yearly⌋.
	over := rigid > money.MulRatio(yearly, p.Value, 1000, money.RoundDown)
	share := "家庭无计入收入"
	if yearly > 0 {
		share = "占比 " + pctOf(int64(money.MulRatio(rigid, 1000, int64(yearly), money.RoundHalfUp)))
	}
	sign := "≤"
	if over {
		sign = ">"
	}
	c.step("近12个月刚性支出 %s，家庭年收入 12 × %s = %s，%s %s 认定比例 %s（%s）", rigid, hh.counted, yearly, share,
		sign, pctOf(p.Value), p.Label())
	if !over {
		c.ineligible("近12个月刚性支出 %s 未超过家庭年收入的 %s", rigid, pctOf(p.Value))
	}
	months, ok := c.param("rigid_expense.valid_months")
	c.decide()
	if ok && c.res.Eligible {
		until := civil.DateOf(c.req.Date.Time(time.UTC).AddDate(0, int(months.Value), -1))
		c.step("认定有效期 %d 个月，自%s至%s（%s）", months.Value, c.req.Date.Chinese(), until.Chinese(), months.Label())
	}
	statusOnly(c, "刚性支出困难家庭")
}

// illnessPoverty recognises 因病致贫重病患者 (DOMAIN.md §5).
func illnessPoverty(c *calc) {
	hh, _, line, ok := edgeSetup(c)
	if !ok {
		return
	}
	c.res.Standard = line
	var ill []string
	for i, m := range c.req.Members {
		if m.SeriousIllness {
			ill = append(ill, memberTag(i, m))
		}
	}
	if len(ill) == 0 {
		c.ineligible("家庭成员中没有经认定的重病患者")
	} else {
		c.step("重病患者：%s", strings.Join(ill, "、"))
	}
	c.step("按近12个月自付医疗费用扣减收入")
	adj := adjustedPerCapita(c, hh)
	below := adj < line
	c.step("扣除医疗费用后人均月收入 %s %s 低保边缘标准 %s", adj, cmpSign(below), line)
	if !below {
		c.ineligible("扣除自付医疗费用后人均月收入 %s 不低于低保边缘标准 %s", adj, line)
	}
	c.decide()
	statusOnly(c, "因病致贫重病患者")
}

// edgeSetup is the common start of the §5 statuses: the household's income, the 低保 standard and
// the 低保边缘 line. When it returns false the result is final (an error or a missing standard).
func edgeSetup(c *calc) (household, money.Fen, money.Fen, bool) {
	hh, std, ok := meansTested(c)
	if !ok {
		return hh, 0, 0, false
	}
	line, ok := edgeLine(c, std)
	if !ok {
		c.decide()
		return hh, 0, 0, false
	}
	return hh, std, line, true
}

// statusOnly closes a recognition: no monthly cash, and a step that says so.
func statusOnly(c *calc, status string) {
	c.res.MonthlyAmount = 0
	if c.res.Eligible {
		c.step("认定为%s。此为身份认定，不按月发放现金（月金额 %s），可享受医疗、教育、住房、就业等专项救助和临时救助", status, money.Fen(0))
	} else {
		c.step("不认定为%s（月金额 %s）", status, money.Fen(0))
	}
}

// firstValidFrom is the earliest date any value of name applies to the region and hukou type: the
// day a policy starts.
func firstValidFrom(s *Set, name, region, hukou string) (civil.Date, bool) {
	var first civil.Date
	for _, p := range s.byName[name] {
		if strings.HasPrefix(region, p.Region) && (p.Hukou == "" || p.Hukou == hukou) && (first.IsZero() || p.ValidFrom.Before(first)) {
			first = p.ValidFrom
		}
	}
	return first, !first.IsZero()
}

// programName is a program's name on the explanation.
func programName(key string) string {
	return map[string]string{"dibao": "最低生活保障", "tekun": "特困人员救助供养", "dibao_edge": "低保边缘家庭认定"}[key]
}

// yesNo reads a test's outcome.
func yesNo(ok bool) string {
	if ok {
		return "符合"
	}
	return "不符合"
}
