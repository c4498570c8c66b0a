package web

// registerMealSettlements registers the pages of monthly settlements, statements and approval.
func (s *Site) registerMealSettlements() {}
