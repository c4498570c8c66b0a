package app

import (
	"github.com/minzheng/minzheng/internal/assistance"
)

// demoRejected is an application refused at approval about days calendar days ago. appeal says what
// followed: "" nothing, "open" a 复核 now waiting for the district, "overturn" a 复核 that
// corrected the refusal with a new decision and granted the assistance.
func demoRejected(appeal string, days int) demoRecipe {
	return func(g *demoGen, street string, wide bool) error {
		spec := g.monthly(g.rotate(demoNoticePrograms[:3]), g.daysBack(days))
		spec.outcome, spec.note = "reject", "申请人未能提供家庭成员收入证明，无法核实家庭经济状况，不予批准。"
		f, err := g.apply(street, wide, spec)
		if err != nil || appeal == "" {
			return err
		}
		d, ok := f.decision(assistance.DecisionReject)
		if !ok {
			return errNotReached
		}
		day := g.back(4)
		if appeal == "overturn" {
			day = g.cal.AddWorkingDays(f.day, 5)
		}
		f.on(day)
		a, err := g.cases.StartAppeal(g.ctx, f.crew.officer, d.ID, "申请人对不予批准决定不服，补充提交收入证明，申请复核。", "")
		if err != nil {
			return err
		}
		if g.made++; appeal == "open" {
			return nil
		}
		_, err = f.follow(a, f.day).until("", assistance.DecisionOverturn, "申请人已补齐收入证明，经复核符合条件，撤销原决定并予以纠正。")
		return err
	}
}

// demoReviewed is a monthly entitlement granted about days calendar days ago and reviewed since: a
// review for reason opened w working days ago, left open at its home visit (outcome "") or
// decided with outcome (keep, taper, terminate).
func demoReviewed(programs []string, days, w int, reason, outcome string) demoRecipe {
	return func(g *demoGen, street string, wide bool) error {
		f, err := g.grant(street, wide, g.rotate(programs), days)
		if err != nil {
			return err
		}
		e, err := f.entitlement()
		if err != nil {
			return err
		}
		f.on(g.back(w))
		note := "年度定期核查。"
		if reason == assistance.ReviewChange {
			note = "社区网格员反映该户家庭成员已就业，家庭收入发生变化。"
		}
		a, err := g.cases.StartReview(g.ctx, f.crew.officer, e.ID, reason, note, "")
		if err != nil {
			return err
		}
		if g.made++; outcome == "" {
			return nil
		}
		_, err = f.follow(a, f.day).until("", outcome, demoReviewNotes[outcome])
		return err
	}
}

var demoReviewNotes = map[string]string{
	assistance.DecisionKeep:      "经定期核查，家庭收入和财产状况无明显变化，继续享受原待遇。",
	assistance.DecisionTaper:     "家庭成员实现就业，收入超过保障标准，按规定给予渐退期。",
	assistance.DecisionTerminate: "家庭成员就业收入稳定，已超过保障标准，终止救助。",
}

// demoChanged is a monthly entitlement granted about days calendar days ago that the district
// suspended or terminated w working days ago.
func demoChanged(kind string, days, w int) demoRecipe {
	return func(g *demoGen, street string, wide bool) error {
		f, err := g.grant(street, wide, g.rotate(demoMonthly[:4]), days)
		if err != nil {
			return err
		}
		e, err := f.entitlement()
		if err != nil {
			return err
		}
		f.on(g.back(w))
		if kind == assistance.DecisionSuspend {
			_, err = g.cases.Suspend(g.ctx, f.crew.approver, e.ID, e.Version, "该户长期外出且联系不上，暂停发放，待核实后处理。", "")
		} else {
			_, err = g.cases.Terminate(g.ctx, f.crew.approver, e.ID, e.Version, "该户已将户籍迁出本市，终止救助。", "")
		}
		return err
	}
}

// demoServices records n services delivered to a household of the street, preferably one that
// already has a case, by its street officer (or the grid worker in the grid's community).
func demoServices(n int) demoRecipe {
	return func(g *demoGen, street string, wide bool) error {
		c, _, ok := g.choose(street, wide, demoNeed{program: "service", reuse: true})
		if !ok {
			return errNoHousehold
		}
		who := g.crew(c.street).officer
		if g.grid != nil && c.h.RegionCode == g.gridCommunity {
			who = g.grid
		}
		kinds := assistance.ServiceKinds()
		for i := 0; i < n; i++ {
			k := g.rnd.IntN(len(kinds))
			day := g.back(1 + g.rnd.IntN(60))
			g.clock.last = g.clock.limit.AddDate(-5, 0, 0)
			g.clock.to(day, g.rnd.IntN(480))
			in := assistance.ServiceInput{Kind: kinds[k], Provider: demoPick(g, demoProviders), ServedOn: day, Note: demoServiceNotes[k]}
			if _, err := g.cases.RecordService(g.ctx, who, c.h.ID, in, ""); err != nil {
				return err
			}
		}
		return nil
	}
}

var (
	demoProviders    = []string{"街道社工站", "区心理援助服务中心", "社区居家养老服务中心", "区慈善总会", "市残疾人康复中心"}
	demoServiceNotes = []string{"上门心理疏导一次，缓解家庭成员焦虑情绪", "提供助洁、助浴上门照料服务",
		"链接慈善项目，发放米、面、油等生活物资", "协助办理医疗救助及残疾人证年审手续"}
)

// demoDueSoonDays is how long ago a case granted now would have been filed for its yearly review
// to fall due within the next month.
const demoDueSoonDays = 358

// between is a seeded whole number in [lo, hi].
func (g *demoGen) between(lo, hi int) int { return lo + g.rnd.IntN(hi-lo+1) }
