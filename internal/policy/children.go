package policy

import (
	"errors"
	"fmt"
	"slices"

	"github.com/minzheng/minzheng/internal/money"
)

// childAllowance is the basic living allowance of 孤儿 (orphan), 事实无人抚养儿童
// (de_facto_orphan) and 重点困境儿童 (vulnerable_child), DOMAIN.md §7.
//
// The child is the member named by Child.MemberID, or the only member; a child who has turned 18
// on the date is not covered. The allowance follows the natural growth mechanism: the larger of
// the published allowance (child.allowance.<kind>) and a ratio (child.ratio.<kind>) of the URBAN
// 低保 standard of the region — urban even for a rural child, because Shandong links the allowance
// to the urban standard — rounded half up to the whole yuan. Before the ratios take effect (no
// value on the date) the published allowance applies alone, which keeps the 2021 figures.
//
// Top-up rule: a child who already receives 低保 or 特困 is paid only the difference between the
// allowance and what that program pays the child. The request cannot say that amount, so the
// child's share is taken at its most: the 低保 standard for 低保, and the 特困 basic living
// standard (tekun.basic_ratio × the 低保 standard, whole yuan, DOMAIN.md §4) for 特困.
func childAllowance(c *calc) {
	i, ok := childMember(c)
	if !ok {
		return
	}
	m := c.req.Members[i]
	institutional := c.req.Child != nil && c.req.Child.Institutional
	kind, label := "", ""
	switch c.req.Program {
	case "orphan":
		kind, label = "scattered", "散居孤儿"
		if institutional {
			kind, label = "institutional", "机构养育孤儿"
		}
	case "de_facto_orphan":
		kind, label = "scattered", "事实无人抚养儿童（按散居孤儿标准）"
	default: // vulnerable_child
		kind, label = "vulnerable", "重点困境儿童"
	}

	// DOMAIN.md §7, §4: minors are covered until the 18th birthday (周岁 counted on the birthday).
	age := fullYears(m.BirthDate, c.req.Date)
	c.step("儿童 %s，出生日期 %s，至 %s 为 %d 周岁", memberTag(i, m), m.BirthDate.Chinese(), c.req.Date.Chinese(), age)
	if age >= 18 {
		c.ineligible("%s已年满 18 周岁，不再享受儿童基本生活保障", memberTag(i, m))
		c.decide()
		return
	}

	base, ok := c.param("child.allowance." + kind)
	if !ok {
		c.decide()
		return
	}
	allowance := money.Fen(base.Value)
	c.step("%s基本生活费公布标准：%s/月（%s）", label, allowance, base.Label())
	ratio, err := c.set.Lookup("child.ratio."+kind, c.req.RegionCode, c.req.Hukou, c.req.Date)
	var noValue *ErrNoValue
	switch {
	case errors.As(err, &noValue):
		c.step("%s 自然增长机制尚未施行，按公布标准执行", c.req.Date.Chinese())
	case err != nil:
		c.err = err
		return
	default:
		c.cite(ratio)
		urban, ok := c.paramOnDate("dibao.standard", "urban", c.req.Date)
		if !ok {
			c.decide()
			return
		}
		// One rounding, straight to the yuan: standard × ratio / 1000 / 100 yuan.
		growth := money.MulRatio(money.Fen(urban.Value), ratio.Value, 1000*100, money.RoundHalfUp) * money.OneYuan
		c.step("自然增长机制：城市低保标准 %s × %s = %s（四舍五入取整到元；城市低保标准：%s；比例：%s）",
			money.Fen(urban.Value), timesOf(ratio.Value), growth, urban.Label(), ratio.Label())
		if growth > allowance {
			allowance = growth
			c.step("按自然增长机制计算的 %s 高于公布标准，基本生活费为 %s/月", growth, allowance)
		} else {
			c.step("按自然增长机制计算的 %s 不高于公布标准，基本生活费为 %s/月", growth, allowance)
		}
	}
	c.res.Standard = allowance
	c.res.MonthlyAmount = allowance

	if slices.Contains(m.Receives, "dibao") || slices.Contains(m.Receives, "tekun") {
		share, ok := childShare(c, m)
		if !ok {
			c.decide()
			return
		}
		c.res.MonthlyAmount = max(allowance-share, 0)
		c.step("已享受低保/特困的儿童按差额发放：%s − %s = %s/月", allowance, share, c.res.MonthlyAmount)
	} else {
		c.step("按月发放基本生活费 %s", allowance)
	}
	if c.req.Program == "de_facto_orphan" {
		c.step("事实无人抚养儿童认定不进行公示（乡镇 15 个工作日、县级 15 个工作日内办结）")
	}
	c.decide()
}

// childShare is what 低保 or 特困 pays the child per month, taken at its most (see childAllowance).
func childShare(c *calc, m Member) (money.Fen, bool) {
	std, ok := c.param("dibao.standard")
	if !ok {
		return 0, false
	}
	standard := money.Fen(std.Value)
	if !slices.Contains(m.Receives, "tekun") {
		c.step("该儿童已享受低保：申请未载明其实际领取额，按其可领取的最高额即月低保标准 %s 计（%s）", standard, std.Label())
		return standard, true
	}
	r, ok := c.param("tekun.basic_ratio")
	if !ok {
		return 0, false
	}
	share := money.MulRatio(standard, r.Value, 1000*100, money.RoundHalfUp) * money.OneYuan
	c.step("该儿童已享受特困供养：申请未载明其实际领取额，按特困基本生活标准 = 月低保标准 %s × %s = %s 计（四舍五入取整到元；%s）",
		standard, timesOf(r.Value), share, r.Label())
	return share, true
}

// childMember finds the child: the member whose ID is Child.MemberID, or the only member. A
// request that does not say which member is the child is an error.
func childMember(c *calc) (int, bool) {
	id := ""
	if c.req.Child != nil {
		id = c.req.Child.MemberID
	}
	switch {
	case len(c.req.Members) == 0:
		c.err = fmt.Errorf("members: the child is required")
		return 0, false
	case id == "" && len(c.req.Members) == 1:
		return 0, true
	case id == "":
		c.err = fmt.Errorf("child.member_id: required when the household has more than one member")
		return 0, false
	}
	found := -1
	for i, m := range c.req.Members {
		if m.ID != id {
			continue
		}
		if found >= 0 {
			c.err = fmt.Errorf("child.member_id: %q names more than one member", id)
			return 0, false
		}
		found = i
	}
	if found < 0 {
		c.err = fmt.Errorf("child.member_id: no member has id %q", id)
		return 0, false
	}
	return found, true
}
