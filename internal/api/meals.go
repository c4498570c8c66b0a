package api

// registerMeals adds the routes of the 老年助餐 module; each area registers its own.
func (a *API) registerMeals() {
	a.registerMealCanteens()
	a.registerMealTerminal()
	a.registerMealOrders()
	a.registerMealFlags()
	a.registerMealSettlements()
	a.registerMealStats()
}
