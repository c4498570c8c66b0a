package app

import (
	"context"
	"fmt"

	"github.com/minzheng/minzheng/internal/audit"
)

func runAudit(ctx context.Context, e env, args []string) error {
	return subcommand(ctx, e, "audit", args, map[string]func(context.Context, env, []string) error{
		"verify": runAuditVerify,
	})
}

// runAuditVerify walks the hash chain of the audit log and reports the first broken link. It
// prints the last row's hash so that operators can note it outside the database: someone able to
// rewrite the whole table could rebuild a consistent chain, but not one ending in a noted hash.
func runAuditVerify(ctx context.Context, e env, args []string) error {
	svc, err := dataCommand(ctx, e, "audit verify", "校验审计日志。Verify the audit log's hash chain; exit status 1 if it is broken.", args, nil)
	if err != nil {
		return err
	}
	defer svc.db.Close()
	res, err := audit.Verify(ctx, svc.db, func(checked int) {
		if checked%100000 == 0 {
			fmt.Fprintf(e.stderr, "checked %d rows…\n", checked)
		}
	})
	if err != nil {
		return err
	}
	if !res.OK {
		fmt.Fprintf(e.stdout, "audit log BROKEN at row %d: %s (%d rows checked)\n", res.BrokenAt, res.Reason, res.Checked)
		return errFailed
	}
	fmt.Fprintf(e.stdout, "audit log OK: %d rows, last row %d, last hash %s\n", res.Checked, res.LastID, res.LastHash)
	return nil
}
