package api

// registerMealSettlements adds the routes of monthly settlements.
func (a *API) registerMealSettlements() {}
