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
// with the decision and the entitlement.
package assistance
