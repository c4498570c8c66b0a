// Package config holds Minzheng's typed configuration. Values come, in rising precedence, from
// defaults in code, MINZHENG_* environment variables (or, for secrets, a file named by
// MINZHENG_*_FILE, so that a DSN with a password need not sit in the environment), and
// command-line flags. Validate rejects a bad value at start-up with one line naming it.
package config

import (
	"errors"
	"flag"
	"fmt"
	"log/slog"
	"net"
	"os"
	"path/filepath"
	"strconv"
	"strings"

	"github.com/minzheng/minzheng/internal/db"
)

// Config is everything a subcommand may need. Not every subcommand uses every field.
type Config struct {
	// Addr is the HTTP listen address for serve and demo.
	Addr string
	// DataDir holds the SQLite database, the demo's generated keys and uploaded files.
	DataDir string
	// DB is a SQLite file path or a postgres:// DSN; empty means DataDir/minzheng.db.
	DB string
	// KeysFile holds the keys that encrypt and hash personal identifiers; empty means
	// DataDir/keys.txt. Losing it makes the stored identifiers unreadable: back it up apart
	// from the database.
	KeysFile string
	// LogLevel is debug, info, warn or error.
	LogLevel string
	// LogFormat is text (for a terminal) or json (for a log collector).
	LogFormat string
	// SecureCookies marks session cookies Secure even when the request arrived over plain HTTP,
	// as it does when a reverse proxy terminates HTTPS in front of Minzheng.
	SecureCookies bool
	// PayoutDay is the day of the month (1–28) on which the server prepares next month's rosters
	// [D: 20]: early enough for the districts to review them before payday.
	PayoutDay int
	// MonitorDay is the day of the month (1–28) of the scheduled monitoring run over the agency
	// files received since the last one [D: 5]: agencies send the previous month's data early
	// in the month. A run can also be started at any time (minzheng monitor run).
	MonitorDay int
	// SettleDay is the day of the month (1–28) on which the server scans the previous month's
	// meals for fraud and draws up each canteen's draft settlement [D: 3]; the districts then
	// review and approve them.
	SettleDay int
}

// Default returns the configuration used when nothing is set.
func Default() Config {
	return Config{
		Addr:       "127.0.0.1:8080",
		DataDir:    "./minzheng-data",
		LogLevel:   "info",
		LogFormat:  "text",
		PayoutDay:  20,
		MonitorDay: 5,
		SettleDay:  3,
	}
}

// FromEnv overlays the MINZHENG_* environment (read through getenv, so tests can pass a map) on c.
// A variable NAME_FILE names a file whose trimmed content is the value; it is an error to set both.
func (c *Config) FromEnv(getenv func(string) string) error {
	fields := []struct {
		name string
		dst  *string
	}{
		{"MINZHENG_ADDR", &c.Addr},
		{"MINZHENG_DATA", &c.DataDir},
		{"MINZHENG_DB", &c.DB},
		{"MINZHENG_KEYS", &c.KeysFile},
		{"MINZHENG_LOG_LEVEL", &c.LogLevel},
		{"MINZHENG_LOG_FORMAT", &c.LogFormat},
	}
	if v, err := lookup(getenv, "MINZHENG_SECURE_COOKIES"); err != nil {
		return err
	} else if v != "" {
		b, err := strconv.ParseBool(v)
		if err != nil {
			return fmt.Errorf("config: MINZHENG_SECURE_COOKIES %q must be true or false", v)
		}
		c.SecureCookies = b
	}
	for _, d := range []struct {
		env string
		dst *int
	}{{"MINZHENG_MONITOR_DAY", &c.MonitorDay}, {"MINZHENG_PAYOUT_DAY", &c.PayoutDay}, {"MINZHENG_SETTLE_DAY", &c.SettleDay}} {
		v, err := lookup(getenv, d.env)
		if err != nil {
			return err
		}
		if v == "" {
			continue
		}
		n, err := strconv.Atoi(v)
		if err != nil {
			return fmt.Errorf("config: %s %q must be a day of the month", d.env, v)
		}
		*d.dst = n
	}
	for _, f := range fields {
		v, err := lookup(getenv, f.name)
		if err != nil {
			return err
		}
		if v != "" {
			*f.dst = v
		}
	}
	return nil
}

func lookup(getenv func(string) string, name string) (string, error) {
	direct, file := getenv(name), getenv(name+"_FILE")
	if file == "" {
		return direct, nil
	}
	if direct != "" {
		return "", fmt.Errorf("config: both %s and %s_FILE are set; choose one", name, name)
	}
	b, err := os.ReadFile(file)
	if err != nil {
		return "", fmt.Errorf("config: %s_FILE: %w", name, err)
	}
	return strings.TrimSpace(string(b)), nil
}

// AddServeFlags registers --addr on fs.
func (c *Config) AddServeFlags(fs *flag.FlagSet) {
	fs.StringVar(&c.Addr, "addr", c.Addr, "HTTP listen `address` (env MINZHENG_ADDR)")
	fs.BoolVar(&c.SecureCookies, "secure-cookies", c.SecureCookies, "mark session cookies Secure (behind an HTTPS reverse proxy; env MINZHENG_SECURE_COOKIES)")
	fs.IntVar(&c.MonitorDay, "monitor-day", c.MonitorDay, "day of the month (1–28) of the scheduled monitoring run (env MINZHENG_MONITOR_DAY)")
	fs.IntVar(&c.PayoutDay, "payout-day", c.PayoutDay, "day of the month (1–28) to prepare next month's payout rosters (env MINZHENG_PAYOUT_DAY)")
	fs.IntVar(&c.SettleDay, "settle-day", c.SettleDay, "day of the month (1–28) to draw up last month's canteen settlements (env MINZHENG_SETTLE_DAY)")
}

// AddDataFlags registers --data and --db on fs: every subcommand that touches data finds the
// database the same way.
func (c *Config) AddDataFlags(fs *flag.FlagSet) {
	fs.StringVar(&c.DataDir, "data", c.DataDir, "data `folder` (env MINZHENG_DATA)")
	fs.StringVar(&c.DB, "db", c.DB, "SQLite file `path` or postgres:// DSN; default DATA/minzheng.db (env MINZHENG_DB or MINZHENG_DB_FILE)")
	fs.StringVar(&c.KeysFile, "keys", c.KeysFile, "personal-data key `file`; default DATA/keys.txt (env MINZHENG_KEYS)")
}

// AddLogFlags registers --log-level and --log-format on fs.
func (c *Config) AddLogFlags(fs *flag.FlagSet) {
	fs.StringVar(&c.LogLevel, "log-level", c.LogLevel, "debug, info, warn or error (env MINZHENG_LOG_LEVEL)")
	fs.StringVar(&c.LogFormat, "log-format", c.LogFormat, "text or json (env MINZHENG_LOG_FORMAT)")
}

// DSN is the database to open: DB if set, else the SQLite file in DataDir.
func (c Config) DSN() string {
	if c.DB != "" {
		return c.DB
	}
	return filepath.Join(c.DataDir, "minzheng.db")
}

// KeysPath is the key file to use: KeysFile if set, else keys.txt in DataDir.
func (c Config) KeysPath() string {
	if c.KeysFile != "" {
		return c.KeysFile
	}
	return filepath.Join(c.DataDir, "keys.txt")
}

// Validate checks every field and returns the first problem as one line naming the setting.
func (c Config) Validate() error {
	if c.DataDir == "" {
		return errors.New("config: --data must not be empty")
	}
	if c.Addr != "" {
		if _, port, err := net.SplitHostPort(c.Addr); err != nil || port == "" {
			return fmt.Errorf("config: --addr %q is not host:port", c.Addr)
		}
	}
	if strings.Contains(c.DB, "://") && !db.IsPostgresDSN(c.DB) {
		return fmt.Errorf("config: --db %q: only SQLite paths and postgres:// DSNs are supported", redact(c.DB))
	}
	if _, err := c.SlogLevel(); err != nil {
		return err
	}
	if c.LogFormat != "text" && c.LogFormat != "json" {
		return fmt.Errorf("config: --log-format %q must be text or json", c.LogFormat)
	}
	if c.MonitorDay < 1 || c.MonitorDay > 28 {
		return fmt.Errorf("config: --monitor-day %d must be between 1 and 28", c.MonitorDay)
	}
	if c.PayoutDay < 1 || c.PayoutDay > 28 {
		return fmt.Errorf("config: --payout-day %d must be between 1 and 28", c.PayoutDay)
	}
	if c.SettleDay < 1 || c.SettleDay > 28 {
		return fmt.Errorf("config: --settle-day %d must be between 1 and 28", c.SettleDay)
	}
	return nil
}

// SlogLevel converts LogLevel.
func (c Config) SlogLevel() (slog.Level, error) {
	var l slog.Level
	if err := l.UnmarshalText([]byte(c.LogLevel)); err != nil {
		return 0, fmt.Errorf("config: --log-level %q must be debug, info, warn or error", c.LogLevel)
	}
	return l, nil
}

// redact hides a password in a DSN before it is printed.
func redact(dsn string) string {
	scheme, rest, ok := strings.Cut(dsn, "://")
	if !ok {
		return dsn
	}
	userinfo, host, ok := strings.Cut(rest, "@")
	if !ok {
		return dsn
	}
	user, _, _ := strings.Cut(userinfo, ":")
	return scheme + "://" + user + ":***@" + host
}
