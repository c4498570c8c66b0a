package api

import (
	"net/http"

	"github.com/minzheng/minzheng/internal/apperr"
	"github.com/minzheng/minzheng/internal/auth"
	"github.com/minzheng/minzheng/internal/meals"
)

// registerMealStats adds the statistics of meal assistance: meals served, diners, canteens and
// the subsidy by funding source, by region and month. Who sees what is the meals store's decision
// (staff their area, a canteen operator their own canteen).
func (a *API) registerMealStats() {
	a.handle("GET", "/meals/stats", auth.MealsView, a.mealStats)
}

// mealStatsRowJSON is one row of meal statistics; month is "" in a row over the whole range and
// region is "" in a row over every region.
type mealStatsRowJSON struct {
	Region             string `json:"region"`
	Month              string `json:"month"`
	Meals              int    `json:"meals"`
	Diners             int    `json:"diners"`
	Canteens           int    `json:"canteens"`
	CanteensRegistered int    `json:"canteens_registered"`
	DinersRegistered   int    `json:"diners_registered"`
	OnlineMeals        int    `json:"online_meals"`
	DeliveredMeals     int    `json:"delivered_meals"`
	PriceFen           int64  `json:"price_fen"`
	DinerPaidFen       int64  `json:"diner_paid_fen"`
	CityFen            int64  `json:"city_fen"`
	DistrictFen        int64  `json:"district_fen"`
	StreetFen          int64  `json:"street_fen"`
	SubsidyFen         int64  `json:"subsidy_fen"`
}

func toMealStatsRow(r meals.StatsRow) mealStatsRowJSON {
	return mealStatsRowJSON{Region: r.Region, Month: r.Month.String(), Meals: r.Meals, Diners: r.Diners, Canteens: r.Canteens,
		CanteensRegistered: r.CanteensRegistered, DinersRegistered: r.DinersRegistered, OnlineMeals: r.OnlineMeals,
		DeliveredMeals: r.DeliveredMeals, PriceFen: int64(r.Price), DinerPaidFen: int64(r.DinerPaid), CityFen: int64(r.City),
		DistrictFen: int64(r.District), StreetFen: int64(r.Street), SubsidyFen: int64(r.Subsidy())}
}

func toMealStatsRows(rows []meals.StatsRow) []mealStatsRowJSON {
	out := make([]mealStatsRowJSON, 0, len(rows))
	for _, r := range rows {
		out = append(out, toMealStatsRow(r))
	}
	return out
}

// mealStats answers GET /meals/stats?from=&to=&region=: the figures of region's children (by
// default the caller's area) over the months from to to (to defaults to from).
func (a *API) mealStats(w http.ResponseWriter, r *http.Request) {
	from, err := queryMonth(r, "from")
	if err != nil || from.IsZero() {
		a.writeError(w, r, apperr.FieldMsg("from", "meals.stats.bad_month"))
		return
	}
	to, err := queryMonth(r, "to")
	if err != nil {
		a.writeError(w, r, apperr.FieldMsg("to", "meals.stats.bad_month"))
		return
	}
	if to.IsZero() {
		to = from
	}
	st, err := a.deps.Meals.Stats(r.Context(), auth.FromContext(r.Context()),
		meals.StatsFilter{From: from, To: to, Region: r.URL.Query().Get("region")})
	if err != nil {
		a.writeError(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, map[string]any{"from": st.From.String(), "to": st.To.String(), "region": st.Region,
		"level": int(st.Level), "canteen_id": st.CanteenID, "total": toMealStatsRow(st.Total),
		"by_region": toMealStatsRows(st.ByRegion), "by_month": toMealStatsRows(st.ByMonth), "cells": toMealStatsRows(st.Cells)})
}
