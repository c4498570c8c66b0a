package app

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"

	"github.com/minzheng/minzheng/internal/civil"
	"github.com/minzheng/minzheng/internal/config"
	"github.com/minzheng/minzheng/internal/db"
	"github.com/minzheng/minzheng/internal/meals"
	"github.com/minzheng/minzheng/internal/msg"
	"github.com/minzheng/minzheng/internal/synth"
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
	var rows [][]string
	for _, l := range m.DemoLogins {
		secret := l.Password
		if secret == "" {
			secret = "API token: " + l.Token
		}
		rows = append(rows, []string{msg.Default().T(l.Role.MessageKey()), l.Where, l.Login, secret})
	}
	printColumns(m.Stdout, rows)
	if phone := demoRelativePhone(context.Background(), m); phone != "" {
		fmt.Fprintf(m.Stdout, `
亲属代订餐 relatives' meal orders: %s/m/meals — 手机号 phone %s, 验证码见日志 (the code is in the log)
`, m.URL(), phone)
	}
	fmt.Fprintf(m.Stdout, `
数据目录 data folder: %s
数据库 database: %s
停止 stop: Ctrl+C    重新生成 start over: go run ./cmd/minzheng demo --reset
`, m.Config.DataDir, m.DB)
}

// printColumns lines up rows in columns on a terminal, where a Chinese character takes two
// cells (text/tabwriter counts it as one and misaligns Chinese text).
func printColumns(w io.Writer, rows [][]string) {
	var widths []int
	for _, r := range rows {
		for i, c := range r {
			if i >= len(widths) {
				widths = append(widths, 0)
			}
			widths[i] = max(widths[i], cells(c))
		}
	}
	for _, r := range rows {
		var b strings.Builder
		b.WriteString("  ")
		for i, c := range r {
			b.WriteString(c)
			if i < len(r)-1 {
				b.WriteString(strings.Repeat(" ", widths[i]-cells(c)+2))
			}
		}
		fmt.Fprintln(w, b.String())
	}
}

// cells is the number of terminal cells s takes: two for wide (East Asian) characters.
func cells(s string) int {
	n := 0
	for _, r := range s {
		if r >= 0x1100 && (r <= 0x115f || (r >= 0x2e80 && r <= 0xa4cf) || (r >= 0xac00 && r <= 0xd7a3) ||
			(r >= 0xf900 && r <= 0xfaff) || (r >= 0xfe30 && r <= 0xfe4f) || (r >= 0xff00 && r <= 0xff60) || (r >= 0xffe0 && r <= 0xffe6)) {
			n += 2
		} else {
			n++
		}
	}
	return n
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

// demoRelativePhone is the phone of a relative linked to a diner with a paid order still to serve
// at the demo canteen operator's canteen, so that whoever tries the demo can sign in on the phone
// pages as a relative and find orders to look at and cancel; "" when there is none (or on error,
// which only loses the hint).
func demoRelativePhone(ctx context.Context, m *Main) string {
	var sealed string
	err := m.DB.QueryRow(ctx, `SELECT r.phone_sealed FROM diner_relatives r
		JOIN meal_orders o ON o.diner_id = r.diner_id
		JOIN users u ON u.login = 'canteen' AND u.org_id = o.canteen_id
		WHERE o.status = ? AND o.meal_day >= ? ORDER BY o.meal_day, r.id LIMIT 1`,
		meals.OrderPaid, civil.Today(m.Now())).Scan(&sealed)
	if err != nil {
		return ""
	}
	phone, err := m.svc.keys.Open(sealed, meals.RelativePhoneField)
	if err != nil {
		return ""
	}
	return phone
}
