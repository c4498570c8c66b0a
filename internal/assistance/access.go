package assistance

import (
	"strconv"

	"github.com/minzheng/minzheng/internal/apperr"
	"github.com/minzheng/minzheng/internal/auth"
)

func itoa(n int64) string { return strconv.FormatInt(n, 10) }

// mayAct reports whether p may perform step at level on a case in region: a street step is the
// street officer's (a grid worker may record a home visit too), a district step the district
// approver's, a system step nobody's; and the case must lie within p's scope. The city
// administrator oversees but does not handle cases, so that every decision is taken at the level
// the rules name.
func mayAct(p *auth.Principal, level Level, step, region string) bool {
	if p == nil || !p.Sees(region) {
		return false
	}
	switch level {
	case Street:
		return p.Role == auth.StreetOfficer || (step == StepVisit && p.Role == auth.GridWorker)
	case District:
		return p.Role == auth.DistrictApprover
	}
	return false
}

// mustAct returns the error for a step p may not perform.
func mustAct(p *auth.Principal, level Level, step, region string) error {
	if mayAct(p, level, step, region) {
		return nil
	}
	return apperr.Msg(apperr.Forbidden, "case.step_forbidden."+string(level))
}

// LevelName is the message key of the office a level names.
func (l Level) LevelName() string { return "case.level." + string(l) }
