package api

// registerMealStats adds the routes of meal-assistance statistics.
func (a *API) registerMealStats() {}
