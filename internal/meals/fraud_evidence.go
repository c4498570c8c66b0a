package meals

import (
	"encoding/json"
	"time"

	"github.com/minzheng/minzheng/internal/civil"
)

// Evidence is what a rule saw when it flagged a meal, stored as JSON beside the flag so that a
// reviewer, an auditor and the settlement statement read the same facts the scan read, even
// after the data has moved on (a canteen's opening days changed, a warning closed). Only the
// fields of the rule's kind are filled. Times are China time in RFC 3339.
type Evidence struct {
	// Counter is the flag the counter itself put on the meal when it served it
	// (second_meal_today, diner_deceased, canteen_closed_day), if any.
	Counter string `json:"counter,omitempty"`

	// Daily cap: the diner's meals that day and how many were subsidised, the caps in force for
	// the meal's canteen's region that day, and the flagged meal's place among them (1 = the
	// day's first).
	Meals          int        `json:"meals,omitempty"`
	Subsidised     int        `json:"subsidised,omitempty"`
	MaxMeals       int64      `json:"max_meals,omitempty"`
	MaxSubsidised  int64      `json:"max_subsidised,omitempty"`
	Rank           int        `json:"rank,omitempty"`
	SubsidisedRank int        `json:"subsidised_rank,omitempty"`
	Day            []SeenMeal `json:"day,omitempty"`

	// Deceased: the date of death and where it comes from — "monitor" (a monitoring warning:
	// its id, rule and the evidence field that gave the date), "staff" (the diner marked
	// deceased: DeathDate is the date of death recorded, StatusSince the start of the day after
	// it, or, when no date was recorded, when the record was last changed) or "counter" (the
	// diner was already marked deceased when the meal was served).
	DeathDate   string `json:"death_date,omitempty"`
	DeathSource string `json:"death_source,omitempty"`
	DeathField  string `json:"death_field,omitempty"`
	WarningID   int64  `json:"warning_id,omitempty"`
	MonitorRule string `json:"monitor_rule,omitempty"`
	StatusSince string `json:"status_since,omitempty"`

	// Volume jump: the canteen's count that day, its history (meals over the open days of the
	// window before), the thresholds in force for the canteen's region that day — the window in
	// days, the factor in per mille and the minimum average — and the count above which meals
	// are flagged.
	DayCount      int    `json:"day_count,omitempty"`
	HistoryFrom   string `json:"history_from,omitempty"`
	HistoryTo     string `json:"history_to,omitempty"`
	HistoryMeals  int    `json:"history_meals,omitempty"`
	HistoryDays   int    `json:"history_days,omitempty"`
	HistoryWindow int64  `json:"history_window_days,omitempty"`
	Factor        int64  `json:"factor_permille,omitempty"`
	MinAverage    int64  `json:"min_average,omitempty"`
	Threshold     int    `json:"threshold,omitempty"`

	// Two canteens: this meal's time, the other meal (its transaction, canteen and time), how far
	// apart and the window in force for this meal's canteen's region that day.
	Time             string `json:"time,omitempty"`
	OtherTransaction int64  `json:"other_transaction,omitempty"`
	OtherCanteenID   int64  `json:"other_canteen_id,omitempty"`
	OtherCanteen     string `json:"other_canteen,omitempty"`
	OtherTime        string `json:"other_time,omitempty"`
	Minutes          int    `json:"minutes,omitempty"`
	WindowMinutes    int64  `json:"window_minutes,omitempty"`

	// Closed day: the canteen's opening days (Monday first) and the meal's weekday (1 Monday …
	// 7 Sunday).
	OpenDays string `json:"open_days,omitempty"`
	Weekday  int    `json:"weekday,omitempty"`
}

// SeenMeal is one meal of a diner's day, as the daily-cap evidence lists it.
type SeenMeal struct {
	Transaction int64  `json:"transaction"`
	CanteenID   int64  `json:"canteen_id"`
	Canteen     string `json:"canteen"`
	Time        string `json:"time"`
	MealType    string `json:"meal_type"`
	Subsidised  bool   `json:"subsidised"`
}

// Death sources of the deceased rule's evidence.
const (
	DeathFromMonitor = "monitor"
	DeathFromStaff   = "staff"
	DeathFromCounter = "counter"
)

// Counter flags of a served meal (the quote engine's second_meal_today besides serve.go's).
const FlagSecondMeal = "second_meal_today"

// fraudMaxSeenMeals caps the meals a daily-cap evidence lists: a card swiped forty times a day needs
// no forty lines to make the point.
const fraudMaxSeenMeals = 10

// fraudTime writes an instant as evidence keeps it, in China time.
func fraudTime(t time.Time) string { return t.In(civil.China).Format(time.RFC3339) }

// parseFraudEvidence reads a stored evidence; a row that cannot be read shows as empty evidence
// rather than failing the whole list.
func parseFraudEvidence(s string) Evidence {
	var e Evidence
	_ = json.Unmarshal([]byte(s), &e)
	return e
}

// fraudWeekday is d's weekday, 1 Monday … 7 Sunday.
func fraudWeekday(d civil.Date) int { return (int(d.Weekday())+6)%7 + 1 }
