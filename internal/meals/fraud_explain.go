package meals

import (
	"strings"
	"time"

	"github.com/minzheng/minzheng/internal/civil"
	"github.com/minzheng/minzheng/internal/msg"
)

// FraudRuleTitle names a rule in Chinese: its title in the rules file, or its id for a rule no
// longer there (its flags stay readable).
func FraudRuleTitle(id string) string {
	if r, ok := FraudRuleByID(id); ok {
		return r.Title
	}
	return id
}

// ExplainFlag says in Chinese what a rule saw on a meal, from the flag's evidence: the lines a
// reviewer reads before clearing or confirming it. The kind is that of the rule id in the rules
// file, else guessed from the evidence.
func ExplainFlag(rule string, ev Evidence) []string {
	c := msg.Default()
	kind := rule
	if r, ok := FraudRuleByID(rule); ok {
		kind = r.Kind
	}
	var out []string
	switch kind {
	case KindDailyCap:
		if ev.Meals > 0 {
			out = append(out, c.T("meals.fraud.ev.daily_cap", ev.Meals, ev.MaxMeals, ev.Subsidised, ev.MaxSubsidised, ev.Rank))
		}
		if len(ev.Day) > 0 {
			var parts []string
			for _, m := range ev.Day {
				key := "meals.fraud.ev.day_meal"
				if m.Subsidised {
					key = "meals.fraud.ev.day_meal_subsidised"
				}
				parts = append(parts, c.T(key, evClock(m.Time), m.Canteen, c.T("meals.fraud.meal_type."+m.MealType)))
			}
			out = append(out, c.T("meals.fraud.ev.day", strings.Join(parts, "；")))
		}
	case KindDeceased:
		switch ev.DeathSource {
		case DeathFromMonitor:
			out = append(out, c.T("meals.fraud.ev.death_monitor", ev.DeathDate, c.T("meals.fraud.ev.death_field."+ev.DeathField),
				ev.WarningID))
		case DeathFromStaff:
			if ev.DeathDate != "" {
				out = append(out, c.T("meals.fraud.ev.death_staff_date", ev.DeathDate))
			} else {
				out = append(out, c.T("meals.fraud.ev.death_staff", evMoment(ev.StatusSince)))
			}
		case DeathFromCounter:
			out = append(out, c.T("meals.fraud.ev.death_counter"))
		}
	case KindVolumeJump:
		if ev.HistoryDays > 0 {
			out = append(out, c.T("meals.fraud.ev.volume", ev.DayCount, ev.HistoryFrom, ev.HistoryTo, ev.HistoryDays,
				ev.HistoryMeals, evTenths(int64(ev.HistoryMeals)*10/int64(ev.HistoryDays)), evPermille(ev.Factor), ev.MinAverage,
				ev.Threshold, ev.Rank))
		}
	case KindTwoCanteens:
		if ev.OtherTransaction > 0 {
			out = append(out, c.T("meals.fraud.ev.two_canteens", evMoment(ev.Time), evMoment(ev.OtherTime), ev.OtherCanteen,
				ev.OtherTransaction, ev.Minutes, ev.WindowMinutes))
		}
	case KindClosedDay:
		if ev.Weekday > 0 {
			out = append(out, c.T("meals.fraud.ev.closed_day", evWeekday(ev.Weekday), evOpenDays(ev.OpenDays)))
		}
	}
	// The counter's own flag, unless the evidence already rests on it alone.
	if ev.Counter != "" && !(kind == KindDeceased && ev.DeathSource == DeathFromCounter) {
		out = append(out, c.T("meals.fraud.ev.counter."+ev.Counter))
	}
	if len(out) == 0 {
		out = append(out, c.T("meals.fraud.ev.none"))
	}
	return out
}

// evClock is the time of day of an evidence time (12:03), or the text as it is.
func evClock(s string) string {
	t, err := time.Parse(time.RFC3339, s)
	if err != nil {
		return s
	}
	return t.In(civil.China).Format("15:04")
}

// evMoment is an evidence time as pages show it (2024-03-05 12:03).
func evMoment(s string) string {
	t, err := time.Parse(time.RFC3339, s)
	if err != nil {
		return s
	}
	return t.In(civil.China).Format("2006-01-02 15:04")
}

// evTenths writes n evTenths with one decimal: 352 → "35.2".
func evTenths(n int64) string {
	return itoa(n/10) + "." + itoa(n%10)
}

// evPermille writes a per-mille factor as a multiple: 2000 → "2", 1500 → "1.5".
func evPermille(n int64) string {
	s := itoa(n/1000) + "." + strings.TrimRight(itoa(1000 + n%1000)[1:], "0")
	return strings.TrimSuffix(s, ".")
}

// evWeekday is 周一 … 周日 for 1 … 7.
func evWeekday(n int) string {
	if n < 1 || n > 7 {
		return ""
	}
	return msg.Default().T("meals.fraud.weekday." + itoa(int64(n)))
}

// evOpenDays lists the opening weekdays of a 7-character 0/1 string (周一、周二…), or 无.
func evOpenDays(days string) string {
	var names []string
	for i := 0; i < len(days) && i < 7; i++ {
		if days[i] == '1' {
			names = append(names, evWeekday(i+1))
		}
	}
	if len(names) == 0 {
		return msg.Default().T("meals.fraud.weekday.none")
	}
	return strings.Join(names, "、")
}
