package app

import (
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"text/tabwriter"

	"github.com/minzheng/minzheng/internal/msg"
	"github.com/minzheng/minzheng/internal/synth"

	"github.com/minzheng/minzheng/internal/config"
	"github.com/minzheng/minzheng/internal/db"
)

// resetDemo deletes the demo's SQLite database (and its WAL files) so the city is generated again.
// It refuses to touch a PostgreSQL database: dropping a server's data is not a demo flag's job.
func resetDemo(cfg config.Config) error {
	dsn := cfg.DSN()
	if db.IsPostgresDSN(dsn) {
		return errors.New("--reset works only on the SQLite demo database; drop a PostgreSQL database by hand")
	}
	for _, p := range []string{dsn, dsn + "-wal", dsn + "-shm", demoLoginsPath(cfg)} {
		if err := os.Remove(p); err != nil && !errors.Is(err, fs.ErrNotExist) {
			return fmt.Errorf("reset: %w", err)
		}
	}
	return nil
}

func printDemoWelcome(m *Main) {
	fmt.Fprintf(m.Stdout, `
民政综合业务平台 · 示范城市（青岛，全部人员与数据均为合成数据）
Minzheng demo city is running: %s

示范账号 demo log-ins (generated at first run, kept in %s):
`, m.URL(), demoLoginsPath(m.Config))
	tw := tabwriter.NewWriter(m.Stdout, 2, 4, 2, ' ', 0)
	for _, l := range m.DemoLogins {
		secret := l.Password
		if secret == "" {
			secret = "API token: " + l.Token
		}
		fmt.Fprintf(tw, "  %s\t%s\t%s\t%s\n", msg.Default().T(l.Role.MessageKey()), l.Where, l.Login, secret)
	}
	tw.Flush()
	fmt.Fprintf(m.Stdout, `
数据目录 data folder: %s
数据库 database: %s
停止 stop: Ctrl+C    重新生成 start over: go run ./cmd/minzheng demo --reset
`, m.Config.DataDir, m.DB)
}

func demoLoginsPath(cfg config.Config) string { return filepath.Join(cfg.DataDir, "demo-logins.json") }

// saveDemoLogins keeps the demo's generated passwords in the data folder, readable only by its
// owner, so later runs can print them again.
func saveDemoLogins(cfg config.Config, logins []synth.Login) error {
	b, err := json.MarshalIndent(logins, "", "  ")
	if err != nil {
		return err
	}
	if err := os.MkdirAll(cfg.DataDir, 0o750); err != nil {
		return err
	}
	return os.WriteFile(demoLoginsPath(cfg), b, 0o600)
}

func loadDemoLogins(cfg config.Config) ([]synth.Login, error) {
	b, err := os.ReadFile(demoLoginsPath(cfg))
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	var logins []synth.Login
	if err := json.Unmarshal(b, &logins); err != nil {
		return nil, fmt.Errorf("%s: %w", demoLoginsPath(cfg), err)
	}
	return logins, nil
}
