package meals

import (
	"context"
	"fmt"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/minzheng/minzheng/internal/audit"
	"github.com/minzheng/minzheng/internal/db"
	"github.com/minzheng/minzheng/internal/db/dbtest"
	"github.com/minzheng/minzheng/internal/pii"
	"github.com/minzheng/minzheng/internal/synth"
)

// BenchmarkScanFraudMonth scans a month of a city: 1,224 canteens, 13,000 diners eating about
// twenty lunches each, some 260,000 meals. Run with -bench ScanFraud -benchtime 3x; with
// MINZHENG_TEST_POSTGRES set it runs on PostgreSQL instead of SQLite.
func BenchmarkScanFraudMonth(b *testing.B) {
	var d *db.DB
	if os.Getenv(dbtest.PostgresEnv) != "" {
		d = dbtest.Postgres(b)
	} else {
		d = dbtest.SQLite(b)
	}
	ctx := context.Background()
	if _, err := synth.Regions(ctx, d, 1); err != nil {
		b.Fatal(err)
	}
	keys, err := pii.GenerateKeyring()
	if err != nil {
		b.Fatal(err)
	}
	clock := func() time.Time { return at(31, 22, 0) }
	s := &Store{DB: d, Keys: keys, Audit: &audit.Log{Now: clock}, Policies: DefaultPolicies(), Now: clock}
	var community string
	if err := d.QueryRow(ctx, `SELECT MIN(code) FROM regions WHERE code >= '370212000000' AND code < '370213' AND level = 5`).Scan(&community); err != nil {
		b.Fatal(err)
	}
	const canteens, diners, perDiner = 1224, 13000, 20
	now := s.stamp()
	err = d.InTx(ctx, func(tx *db.Tx) error {
		for i := range canteens {
			if _, err := tx.Exec(ctx, `INSERT INTO canteens (name, operator, address, region_code, created_at, updated_at)
				VALUES (?, '运营方', '地址', ?, ?, ?)`, fmt.Sprintf("食堂%d", i), community, now, now); err != nil {
				return err
			}
			if _, err := tx.Exec(ctx, `INSERT INTO menu_items (canteen_id, name, meal_type, price_fen, created_at, updated_at)
				VALUES (?, '套餐', 'lunch', 1200, ?, ?)`, i+1, now, now); err != nil {
				return err
			}
		}
		for i := range diners {
			if _, err := tx.Exec(ctx, `INSERT INTO diners (name, id_sealed, id_hash, id_masked, birth_date, home_region,
				card_no, qr_token_hash, created_by, created_at, updated_at) VALUES ('用餐人', '', ?, '', '1950-01-01', ?, ?, ?, 'bench', ?, ?)`,
				fmt.Sprintf("h%d", i), community, fmt.Sprintf("C%d", i), fmt.Sprintf("q%d", i), now, now); err != nil {
				return err
			}
		}
		const row = "(?, ?, ?, ?, 'lunch', ?, 1200, 600, 300, 300, 0, '', 'counter', 'served', ?, ?)"
		var args []any
		n := 0
		flush := func() error {
			if n == 0 {
				return nil
			}
			_, err := tx.Exec(ctx, `INSERT INTO meal_transactions (canteen_id, diner_id, menu_item_id, region_code, meal_type,
				served_on, price_fen, diner_pays_fen, city_fen, district_fen, street_fen, flags, channel, status, idempotency_key,
				created_at) VALUES `+strings.TrimSuffix(strings.Repeat(row+", ", n), ", "), args...)
			args, n = args[:0], 0
			return err
		}
		for i := range diners {
			c := i%canteens + 1
			for k := range perDiner {
				when := at(1+k, 11, i%60).Add(time.Duration(i%7) * time.Second)
				if i%500 == 0 && k == 3 {
					c = c%canteens + 1 // a few wander to another canteen
				}
				args = append(args, c, i+1, c, community, when.Format("2006-01-02"), fmt.Sprintf("b-%d-%d", i, k), db.FormatTime(when))
				if n++; n == 400 {
					if err := flush(); err != nil {
						return err
					}
				}
			}
		}
		return flush()
	})
	if err != nil {
		b.Fatal(err)
	}
	b.ResetTimer()
	for range b.N {
		rep, err := s.ScanFraud(ctx, day(2024, 3, 1), day(2024, 3, 31))
		if err != nil {
			b.Fatal(err)
		}
		b.ReportMetric(float64(rep.Meals), "meals")
	}
}
