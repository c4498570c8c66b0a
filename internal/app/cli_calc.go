package app

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"os"

	"github.com/minzheng/minzheng/internal/config"
	"github.com/minzheng/minzheng/internal/policy"
)

// stdin is where calc reads its request; tests replace it.
var stdin io.Reader = os.Stdin

// runCalc reads one JSON calculation request on stdin and writes the result as JSON on stdout,
// with the parameters the database holds.
func runCalc(ctx context.Context, e env, args []string) error {
	var program string
	svc, err := dataCommand(ctx, e, "calc", "待遇计算。Read one JSON request on stdin, write the JSON result on stdout (see the README for the schema).", args,
		func(_ *config.Config, fs flagAdder) {
			fs.StringVar(&program, "program", "", "`program` (dibao, tekun, dibao_edge, rigid_expense, illness_poverty, temporary, orphan, de_facto_orphan, vulnerable_child, disability_living, disability_care, price_subsidy); overrides the request's")
		})
	if err != nil {
		return err
	}
	defer svc.db.Close()
	var req policy.Request
	dec := json.NewDecoder(io.LimitReader(stdin, 1<<20))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&req); err != nil {
		return fmt.Errorf("request: %w", err)
	}
	if program != "" {
		req.Program = program
	}
	set, err := svc.params.Load(ctx)
	if err != nil {
		return err
	}
	res, err := policy.Calculate(set, req)
	if err != nil {
		return err
	}
	enc := json.NewEncoder(e.stdout)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false)
	return enc.Encode(res)
}
