package web

// The pages of the 老年助餐 module. Each area registers its own routes and navigation entries;
// internal/meals holds every rule (who sees which canteen, what a meal costs, what settles).

// registerMeals registers the meal-assistance pages.
func (s *Site) registerMeals() {
	s.registerMealCanteens()
	s.registerMealDiners()
	s.registerMealOrders()
	s.registerMealFlags()
	s.registerMealSettlements()
	s.registerMealStats()
}
