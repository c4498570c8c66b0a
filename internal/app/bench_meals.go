package app

import (
	"context"
	"errors"
)

// runBenchMeals is "minzheng bench meals": counter transactions over HTTP.
func runBenchMeals(ctx context.Context, e env, args []string) error {
	return errors.New("bench meals: not yet built")
}
