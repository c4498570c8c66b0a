package api

// registerMealCanteens adds the routes of canteens, menus, terminal tokens and diners.
func (a *API) registerMealCanteens() {}
