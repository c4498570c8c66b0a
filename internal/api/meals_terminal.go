package api

// registerMealTerminal adds the routes of the canteen terminals (counter service with a canteen token).
func (a *API) registerMealTerminal() {}
