package web

// registerMealStats registers the pages of meal-assistance statistics.
func (s *Site) registerMealStats() {}
