package app

import "context"

// demoMeals gives the demo city its canteens, diners and a month of meals.
func (m *Main) demoMeals(ctx context.Context) error { return nil }
