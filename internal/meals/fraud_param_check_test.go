package meals

import (
	"strings"
	"testing"

	"github.com/minzheng/minzheng/internal/apperr"
	"github.com/minzheng/minzheng/internal/policy"
)

// TestCheckFraudParam checks that the parameter store's check refuses the anti-fraud thresholds
// the rules could not run on, with the threshold's label, and lets every other value through.
func TestCheckFraudParam(t *testing.T) {
	for _, tc := range []struct {
		name  string
		value int64
		ok    bool
	}{
		{"meals.fraud.daily_cap.max_meals", 0, false},
		{"meals.fraud.daily_cap.max_meals", 1, true},
		{"meals.fraud.daily_cap.max_subsidised", 0, false},
		{"meals.fraud.volume_jump.factor", 999, false},
		{"meals.fraud.volume_jump.factor", 1500, true},
		{"meals.fraud.volume_jump.history_days", 0, false},
		{"meals.fraud.volume_jump.history_days", maxFraudScanDays, true},
		{"meals.fraud.volume_jump.history_days", maxFraudScanDays + 1, false},
		{"meals.fraud.volume_jump.min_average", 0, false},
		{"meals.fraud.two_canteens.window_minutes", 1441, false},
		{"meals.fraud.two_canteens.window_minutes", 10, true},
		{"dibao.standard", 0, true},
		{"meals.fraud.unknown.max_meals", 0, true},
	} {
		err := CheckFraudParam(policy.Param{Name: tc.name, Value: tc.value})
		if tc.ok != (err == nil) {
			t.Errorf("%s = %d: %v, want ok %v", tc.name, tc.value, err, tc.ok)
			continue
		}
		if err != nil {
			e := apperr.As(err)
			if e == nil || e.Kind != apperr.Invalid || e.Field != "value" || !strings.Contains(e.Message, "允许的取值") {
				t.Errorf("%s = %d: error %v, want an invalid value with the range", tc.name, tc.value, err)
			}
		}
	}
	err := CheckFraudParam(policy.Param{Name: "meals.fraud.daily_cap.max_meals", Value: 0})
	if !strings.Contains(err.Error(), "每人每日用餐上限") {
		t.Errorf("the error does not name the threshold: %v", err)
	}
}
