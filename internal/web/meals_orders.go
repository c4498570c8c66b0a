package web

// registerMealOrders registers the pages of online ordering on a phone, by the elderly or a relative.
func (s *Site) registerMealOrders() {}
