package meals

import (
	"github.com/minzheng/minzheng/internal/apperr"
	"github.com/minzheng/minzheng/internal/policy"
)

// CheckFraudParam refuses a value of an anti-fraud threshold (meals.fraud.*) that the rules
// could not run on — a daily cap of zero flags every meal, a history window longer than a scan
// reads cannot be counted — with the threshold's Chinese label and the values allowed. The
// parameter store runs it on every new value (paramdb.Store.Checks), so the administrator hears
// of it on the parameter page rather than when the hourly scan stops; other parameters pass.
func CheckFraudParam(p policy.Param) error {
	for _, r := range fraudRuleSet {
		for _, short := range fraudRequiredParams[r.Kind] {
			fp, _ := r.param(short) // checkFraudRule made sure it is declared
			if fp.Name != p.Name {
				continue
			}
			if f := fraudLimitFields[short]; !f.allows(p.Value) {
				return apperr.FieldMsg("value", "meals.fraud.param_range", fp.Label, fp.Name, p.Value, fraudRange(f.min, f.max))
			}
			return nil
		}
	}
	return nil
}

// allows says whether v is within the field's range: at least min and, when max is not zero, at
// most max.
func (f fraudLimitField) allows(v int64) bool {
	return v >= f.min && (f.max == 0 || v <= f.max)
}
