// Command minzheng is the whole Minzheng civil-affairs platform in one binary: run
// "minzheng -h" for its subcommands. All the work happens in internal/app.
package main

import (
	"context"
	"os"

	"github.com/minzheng/minzheng/internal/app"
)

func main() {
	os.Exit(app.Execute(context.Background(), os.Args[1:], os.Stdout, os.Stderr))
}
