package app

import (
	"slices"

	"context"
	"fmt"
	"github.com/minzheng/minzheng/internal/assistance"
	"github.com/minzheng/minzheng/internal/citizen"
	"github.com/minzheng/minzheng/internal/meals"
	"github.com/minzheng/minzheng/internal/payout"

	"github.com/minzheng/minzheng/internal/audit"
	"github.com/minzheng/minzheng/internal/auth"
	"github.com/minzheng/minzheng/internal/config"
	"github.com/minzheng/minzheng/internal/pii"
	"github.com/minzheng/minzheng/internal/registry"
)

func runKeys(ctx context.Context, e env, args []string) error {
	return subcommand(ctx, e, "keys", args, map[string]func(context.Context, env, []string) error{
		"rotate": runKeysRotate,
	})
}

// sealedColumns lists every encrypted column of every domain package, for key rotation.
func sealedColumns() []pii.Column {
	return slices.Concat(auth.SealedColumns(), registry.SealedColumns(), citizen.SealedColumns(), assistance.SealedColumns(), payout.SealedColumns(), meals.SealedColumns())
}

// runKeysRotate adds a new current key to the key file and re-encrypts every sealed value under
// it, in committed batches. If an earlier run was interrupted, values under older keys remain;
// then no key is added and the run resumes where the other stopped. The old keys stay in the file
// so that anything missed can still be read.
func runKeysRotate(ctx context.Context, e env, args []string) error {
	batch := 1000
	svc, err := dataCommand(ctx, e, "keys rotate", "轮换个人信息密钥。Add a new encryption key and re-encrypt all personal identifiers in batches; resumable.", args,
		func(_ *config.Config, fs flagAdder) { fs.IntVar(&batch, "batch", batch, "rows per committed `batch`") })
	if err != nil {
		return err
	}
	defer svc.db.Close()
	pending, err := pendingRotation(ctx, svc)
	if err != nil {
		return err
	}
	if pending == 0 {
		v, err := svc.keys.AddKey()
		if err != nil {
			return err
		}
		if err := pii.SaveKeyFile(svc.keysPath, svc.keys); err != nil {
			return err
		}
		fmt.Fprintf(e.stdout, "added key version %d to %s; restart the other app processes so they seal with it\n", v, svc.keysPath)
	} else {
		fmt.Fprintf(e.stdout, "resuming: %d values are not yet under key version %d\n", pending, svc.keys.Current())
	}
	n, err := pii.Rotate(ctx, svc.db, svc.keys, sealedColumns(), batch, func(col pii.Column, done, remaining int) {
		fmt.Fprintf(e.stderr, "%s.%s: %d re-encrypted, %d to go\n", col.Table, col.Sealed, done, remaining)
	})
	if err != nil {
		return fmt.Errorf("after %d values: %w (run the command again to resume)", n, err)
	}
	if _, err := svc.audit.Record(ctx, svc.db, audit.Event{Actor: audit.System, Action: "keys.rotate",
		Detail: map[string]any{"key_version": svc.keys.Current(), "values": n}}); err != nil {
		return err
	}
	fmt.Fprintf(e.stdout, "re-encrypted %d values under key version %d\n", n, svc.keys.Current())
	return nil
}

// pendingRotation counts sealed values not under the current key.
func pendingRotation(ctx context.Context, svc *services) (int, error) {
	total := 0
	prefix := fmt.Sprintf("v%d:%%", svc.keys.Current())
	for _, c := range sealedColumns() {
		var n int
		if err := svc.db.QueryRow(ctx, `SELECT COUNT(*) FROM `+c.Table+` WHERE `+c.Sealed+` <> '' AND `+c.Sealed+` NOT LIKE ?`, prefix).Scan(&n); err != nil {
			return 0, err
		}
		total += n
	}
	return total, nil
}
