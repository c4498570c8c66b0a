package web

// registerMealFlags registers the pages of anti-fraud flags and their review.
func (s *Site) registerMealFlags() {}
