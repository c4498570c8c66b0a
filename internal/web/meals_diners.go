package web

// registerMealDiners registers the pages of diners and their relatives.
func (s *Site) registerMealDiners() {}
