package app

import (
	"context"
	"errors"
)

// runSettle is "minzheng settle": the monthly settlement of the canteens.
func runSettle(ctx context.Context, e env, args []string) error {
	return errors.New("settle: not yet built")
}
