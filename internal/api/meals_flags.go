package api

// registerMealFlags adds the routes of anti-fraud flags.
func (a *API) registerMealFlags() {}
