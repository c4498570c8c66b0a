package policy

import (
	"fmt"
	"strings"

	"github.com/minzheng/minzheng/internal/money"
)

// temporary is 临时救助 (DOMAIN.md §6), a one-off payment measured in months of the 低保 standard
// of the household's region and hukou type:
//
//   - 急难型 (emergency) pays temporary.emergency.multiple.<severity> × the standard, and is helped
//     first (先行救助) with the paperwork after;
//   - 支出型 (expense) pays the necessary spending up to temporary.expense.max_multiple × the
//     standard, for a household whose per-capita counted income is below last year's per-capita
//     disposable income / 12.
//
// A requested amount lowers the payment, never raises it. Who decides depends on the amount: the
// town/street up to temporary.town_limit, the district above it; and when what the family needs
// is more than the expense cap (6 × the standard) or temporary.case_cap, the rule's amount is
// still computed, and the case is marked for 一事一议 at the district (Result.Escalation).
//
// A missing or malformed Temporary is an error of the request, not a reason of ineligibility.
func temporary(c *calc) {
	t := c.req.Temporary
	if t == nil {
		c.err = fmt.Errorf("temporary: required for program temporary (type, severity, expense_fen)")
		return
	}
	switch {
	case t.Type != "emergency" && t.Type != "expense":
		c.err = fmt.Errorf("temporary.type: must be emergency or expense, got %q", t.Type)
	case t.Type == "emergency" && (t.Severity < 1 || t.Severity > 3):
		c.err = fmt.Errorf("temporary.severity: must be 1–3 for an emergency, got %d", t.Severity)
	case t.Expense < 0 || t.Expense > maxFen:
		c.err = fmt.Errorf("temporary.expense_fen: %d is out of range 0–%d", t.Expense, maxFen)
	case t.Requested < 0 || t.Requested > maxFen:
		c.err = fmt.Errorf("temporary.requested_fen: %d is out of range 0–%d", t.Requested, maxFen)
	case t.Type == "expense" && len(c.req.Members) == 0:
		c.err = fmt.Errorf("members: required for 支出型 temporary assistance (the income test)")
	}
	if c.err != nil {
		return
	}
	c.res.MonthlyAmount = 0 // a one-off payment, never monthly
	std, ok1 := c.param("dibao.standard")
	maxMul, ok2 := c.param("temporary.expense.max_multiple")
	townLimit, ok3 := c.param("temporary.town_limit")
	caseCap, ok4 := c.param("temporary.case_cap")
	if !ok1 || !ok2 || !ok3 || !ok4 {
		c.decide()
		return
	}
	standard := money.Fen(std.Value)
	c.res.Standard = standard
	c.step("参照月低保标准（%s）：%s（%s）", hukouName(c.req.Hukou), standard, std.Label())
	expenseCap := money.MulRatio(standard, maxMul.Value, 1000, money.RoundHalfUp)

	// ruleAmount is what the rule pays before any request lowers it.
	var ruleAmount money.Fen
	if t.Type == "emergency" {
		mul, ok := c.param(fmt.Sprintf("temporary.emergency.multiple.%d", t.Severity))
		if !ok {
			c.decide()
			return
		}
		ruleAmount = money.MulRatio(standard, mul.Value, 1000, money.RoundHalfUp)
		c.step("急难型临时救助，困难程度 %d 级：救助额 = 月低保标准 %s × %s = %s（四舍五入到分；%s）",
			t.Severity, standard, timesOf(mul.Value), ruleAmount, mul.Label())
	} else {
		// The 支出型 income test: per-capita counted income (DOMAIN.md §3, the household helper
		// shared with 低保) below last year's per-capita disposable income / 12.
		hh, ok := householdOf(c)
		if !ok {
			return
		}
		c.res.PerCapitaIncome = hh.perCapita
		if !temporaryBelowDisposable(c, hh) {
			c.decide()
			return
		}
		if t.Expense <= 0 {
			c.ineligible("支出型临时救助须申报必需支出金额")
			c.decide()
			return
		}
		ruleAmount = min(t.Expense, expenseCap)
		which := "按实际必需支出"
		if t.Expense > expenseCap {
			which = "必需支出超过上限，按上限"
		}
		c.step("支出型临时救助：必需支出 %s，上限 = 月低保标准 %s × %s = %s（四舍五入到分；%s），%s核定 %s",
			t.Expense, standard, timesOf(maxMul.Value), expenseCap, maxMul.Label(), which, ruleAmount)
	}

	// need is what the family asks for: the request if any, else the spending or the rule's amount.
	need, amount := ruleAmount, ruleAmount
	if t.Type == "expense" {
		need = t.Expense
	}
	if t.Requested > 0 {
		need = t.Requested
		amount = min(t.Requested, ruleAmount)
		if t.Requested <= ruleAmount {
			c.step("申请金额 %s 不超过按规则核定的 %s：按申请金额给予 %s", t.Requested, ruleAmount, amount)
		} else {
			c.step("申请金额 %s 超过按规则核定的 %s：按规则核定额给予 %s", t.Requested, ruleAmount, amount)
		}
	}
	c.res.OneOff = amount

	var over []string
	if need > expenseCap {
		over = append(over, fmt.Sprintf("%s月低保标准 %s", timesOf(maxMul.Value), expenseCap))
	}
	if need > money.Fen(caseCap.Value) {
		over = append(over, fmt.Sprintf("一事一议额度 %s（%s）", money.Fen(caseCap.Value), caseCap.Label()))
	}
	switch {
	case len(over) > 0:
		c.res.Escalation = true
		c.step("所需金额 %s 超过 %s：按规则先核定 %s，超出部分报县（区）民政部门一事一议，经会议集体研究决定并记录在案",
			need, strings.Join(over, "及"), amount)
	case amount <= money.Fen(townLimit.Value):
		c.step("救助金额 %s 不超过乡镇（街道）审批额度 %s：由乡镇人民政府（街道办事处）直接审批（%s）",
			amount, money.Fen(townLimit.Value), townLimit.Label())
	default:
		c.step("救助金额 %s 超过乡镇（街道）审批额度 %s：报县（区）民政部门审批（%s）",
			amount, money.Fen(townLimit.Value), townLimit.Label())
	}
	if t.Type == "emergency" {
		c.step("急难型实行先行救助：24 小时内给予救助，5 日内补齐审核审批手续")
	}
	c.step("临时救助为一次性发放：%s，不按月发放", amount)
	c.decide()
}

// temporaryBelowDisposable is the 支出型 income test of DOMAIN.md §6: the household's monthly
// per-capita income below last year's per-capita disposable income ÷ 12. It compares exact
// totals, 12 × net monthly income against yearly disposable income × members, so that neither
// the per-capita figure nor the monthly line, both rounded for reading, can move the boundary.
// It records the reason when the test fails.
func temporaryBelowDisposable(c *calc, hh household) bool {
	p, ok := c.param("disposable_income.last_year")
	if !ok {
		return false
	}
	yearly := money.Fen(p.Value)
	line := money.MulRatio(yearly, 1, 12, money.RoundHalfUp)
	if 12*hh.net >= yearly*money.Fen(hh.size) {
		c.ineligible("家庭月人均收入 %s 不低于上年人均可支配收入 %s/年的月均值 %s，不符合支出型临时救助条件", hh.perCapita, yearly, line)
		return false
	}
	c.step("家庭月人均收入 %s 低于上年人均可支配收入 %s/年的月均值 %s（按总额精确比较；%s）", hh.perCapita, yearly, line, p.Label())
	return true
}
