package api

// registerMealOrders adds the routes of online orders.
func (a *API) registerMealOrders() {}
