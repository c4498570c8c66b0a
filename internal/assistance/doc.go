// Package assistance is the social-assistance service platform (社会救助综合服务平台): one window
// for every program (一门受理). A family applies once, at the street window or online; the case is
// carried through the statutory steps of its program — 受理, 家庭经济状况核对, 入户调查, 民主评议,
// 公示, 一事一议, 审核确认 — each with a due date in working days; the decision is issued as an
// immutable, numbered notice; and an approved case becomes an entitlement that is reviewed,
// suspended, tapered or terminated by further decisions. Services delivered beside the cash
// (物质+服务) are recorded too, so that a household keeps one assistance chain (一户一条救助链).
//
// The workflows are data (workflows.json), not code: each program lists its steps, who performs
// them (street, district, system, or by amount for 临时救助), their deadlines and the conditions
// that include a step. The store enforces them: a step can be done only when it is the case's
// current step, only by the role and scope its level names, and only against the version of the
// case the officer saw, so that two officers acting at once get a conflict, not a lost update.
//
// Amounts come from the policy calculators, run on the household as the registry holds it on the
// day of the check and again on the day of the decision; the calculation's explanation is kept
// with the decision and the entitlement. A decision that keeps or grants assistance needs the
// calculator's eligibility on its day: 一事一议 sets an amount, it does not waive the rules.
//
// A household (共同生活家庭) is one case and one entitlement of a program, whichever member
// applies: acceptance refuses a second open case, a grant a second running entitlement, and a
// grant of 低保 or 特困 ends the household's 低保边缘 / 刚性支出困难 recognition (DOMAIN.md §5). The
// applicant must belong to the household linked; the street looks for it within its own scope,
// except for a 急难型 emergency, which the street where it happened handles for anyone (§6).
// Limits the rules give in hours or days (急难型: 24 hours, 5 days) are calendar days
// (due_days), the others working days by the holiday calendar. A review or an appeal copies the
// facts of the application behind it; overturning a refusal to accept sends the application back
// to 受理, never straight to a grant.
package assistance
