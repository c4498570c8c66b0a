package web

// registerMealCanteens registers the pages of canteens, menus, terminal tokens and the counter page.
func (s *Site) registerMealCanteens() {}
