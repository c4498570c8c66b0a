package app

import (
	"errors"
	"fmt"
	"io/fs"
	"os"

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
	for _, p := range []string{dsn, dsn + "-wal", dsn + "-shm"} {
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

数据目录 data folder: %s
数据库 database: %s
停止 stop: Ctrl+C    重新生成 start over: go run ./cmd/minzheng demo --reset
`, m.URL(), m.Config.DataDir, m.DB)
}
