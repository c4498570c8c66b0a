package policy

import (
	"fmt"
	"slices"
	"strings"

	"github.com/minzheng/minzheng/internal/civil"
	"github.com/minzheng/minzheng/internal/money"
)

// priceSubsidyCovered are the statuses the price-subsidy linkage covers (DOMAIN.md §7): 低保,
// 特困, orphans, 事实无人抚养儿童 and unemployment-benefit recipients.
// Each key is paired with its Chinese name for the explanation.
var priceSubsidyCovered = [][2]string{{"dibao", "低保"}, {"tekun", "特困供养"}, {"orphan", "孤儿基本生活费"},
	{"de_facto_orphan", "事实无人抚养儿童基本生活费"}, {"unemployment", "失业保险金"}}

// priceSubsidy is the 价格临时补贴联动机制 (DOMAIN.md §7) for one month (Request.Month, or the
// month of Request.Date when it is not given). The month's entry of the CPI series triggers the
// subsidy when CPI year-on-year ≥ price_subsidy.cpi_threshold or food CPI ≥
// price_subsidy.food_cpi_threshold; thresholds and the 低保 standard are those in force on the
// first day of the month. The subsidy per covered person is the 低保 standard × the rise that
// triggered it — the CPI rise when CPI triggered (even if food CPI also did), otherwise the food
// CPI rise — rounded half up to the fen. Each member whose Receives holds a covered status counts
// once. Result.Standard is the per-person subsidy, MonthlyAmount the household's total.
//
// A missing series or month is an error of the request: the figures are input, not guessed.
func priceSubsidy(c *calc) {
	month := c.req.Month
	if month.IsZero() {
		month = civil.MonthOf(c.req.Date)
	}
	var entry *CPIMonth
	for i := range c.req.CPI {
		if c.req.CPI[i].Month != month {
			continue
		}
		if entry != nil {
			c.err = fmt.Errorf("cpi: %s appears more than once", month)
			return
		}
		entry = &c.req.CPI[i]
	}
	if entry == nil {
		c.err = fmt.Errorf("cpi: no entry for %s (the price subsidy needs that month's CPI and food CPI)", month)
		return
	}
	first := month.FirstDay()
	cpiT, ok1 := c.paramOnDate("price_subsidy.cpi_threshold", c.req.Hukou, first)
	foodT, ok2 := c.paramOnDate("price_subsidy.food_cpi_threshold", c.req.Hukou, first)
	std, ok3 := c.paramOnDate("dibao.standard", c.req.Hukou, first)
	if !ok1 || !ok2 || !ok3 {
		c.decide()
		return
	}
	c.step("%s：CPI 同比上涨 %s，食品 CPI 同比上涨 %s", month.Chinese(), pctOf(entry.CPI), pctOf(entry.FoodCPI))
	c.step("启动条件：CPI 同比涨幅达到 %s（%s）或食品 CPI 同比涨幅达到 %s（%s）",
		pctOf(cpiT.Value), cpiT.Label(), pctOf(foodT.Value), foodT.Label())
	var rise int64
	switch {
	case entry.CPI >= cpiT.Value:
		rise = entry.CPI
		c.step("CPI 涨幅 %s 达到 %s，启动联动机制，按 CPI 涨幅计算", pctOf(entry.CPI), pctOf(cpiT.Value))
	case entry.FoodCPI >= foodT.Value:
		rise = entry.FoodCPI
		c.step("CPI 涨幅 %s 未达到 %s，食品 CPI 涨幅 %s 达到 %s，启动联动机制，按食品 CPI 涨幅计算",
			pctOf(entry.CPI), pctOf(cpiT.Value), pctOf(entry.FoodCPI), pctOf(foodT.Value))
	default:
		c.ineligible("%s CPI 同比涨幅 %s 低于 %s，食品 CPI 同比涨幅 %s 低于 %s，未启动价格临时补贴联动机制",
			month.Chinese(), pctOf(entry.CPI), pctOf(cpiT.Value), pctOf(entry.FoodCPI), pctOf(foodT.Value))
		c.decide()
		return
	}
	standard := money.Fen(std.Value)
	perPerson := money.MulRatio(standard, rise, 1000, money.RoundHalfUp)
	c.res.Standard = perPerson
	c.step("每人补贴 = 月低保标准 %s × %s = %s（四舍五入到分；%s）", standard, pctOf(rise), perPerson, std.Label())

	count := 0
	for i, m := range c.req.Members {
		var has []string
		for _, s := range priceSubsidyCovered {
			if slices.Contains(m.Receives, s[0]) {
				has = append(has, s[1])
			}
		}
		if len(has) > 0 {
			count++
			c.step("%s：享受%s，属于保障范围", memberTag(i, m), strings.Join(has, "、"))
		}
	}
	if count == 0 {
		c.ineligible("家庭成员中没有低保、特困、孤儿、事实无人抚养儿童或失业保险金领取人员")
		c.decide()
		return
	}
	c.res.MonthlyAmount = perPerson * money.Fen(count)
	c.step("家庭补贴 = %s × %d 人 = %s", perPerson, count, c.res.MonthlyAmount)
	c.decide()
}

// paramOnDate is param for a hukou type and a date other than the request's, such as the first
// day of a month or the urban standard for a rural child: the value is cited, and a missing one
// is a reason of ineligibility.
func (c *calc) paramOnDate(name, hukou string, on civil.Date) (Param, bool) {
	p, err := c.set.Lookup(name, c.req.RegionCode, hukou, on)
	if err != nil {
		c.ineligible("没有适用的参数 %s（区划 %s，%s，%s）", name, c.req.RegionCode, hukouName(hukou), on.Chinese())
		return Param{}, false
	}
	c.cite(p)
	return p, true
}
