package app

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/minzheng/minzheng/internal/civil"
	"github.com/minzheng/minzheng/internal/monitor/feed"
	"github.com/minzheng/minzheng/internal/synth/feedgen"
)

// runMonitorBaseline does the benchmark's matching the way an analyst would with PostgreSQL
// alone: the registry as a table (loaded untimed, as it would already be there), then, timed,
// each feed file COPYed into a typed table and one JOIN-and-filter query per rule with the
// same default thresholds. It returns the seconds taken and the rule hits found.
func runMonitorBaseline(ctx context.Context, dsn string, people []feedgen.Person, files []benchFile, today civil.Date, progress func(string)) (float64, int64, error) {
	conn, err := pgx.Connect(ctx, dsn)
	if err != nil {
		return 0, 0, err
	}
	defer conn.Close(context.WithoutCancel(ctx))
	if err := loadBaselinePersons(ctx, conn, people); err != nil {
		return 0, 0, err
	}
	progress(fmt.Sprintf("baseline: %d persons loaded into bench_persons (untimed)", len(people)))
	start := time.Now()
	for _, f := range files {
		src, _ := feed.Lookup(f.source)
		table := "bench_feed_" + f.source
		if _, err := conn.Exec(ctx, `DROP TABLE IF EXISTS `+table+`; CREATE UNLOGGED TABLE `+table+` (`+baselineColumns(src)+`)`); err != nil {
			return 0, 0, err
		}
		r, err := os.Open(f.path)
		if err != nil {
			return 0, 0, err
		}
		_, err = conn.PgConn().CopyFrom(ctx, r, `COPY `+table+` FROM STDIN WITH (FORMAT csv, HEADER true)`)
		r.Close()
		if err != nil {
			return 0, 0, fmt.Errorf("COPY %s: %w", f.source, err)
		}
	}
	progress(fmt.Sprintf("baseline: files copied in %.1f s", time.Since(start).Seconds()))
	var hits int64
	for _, q := range baselineQueries(today) {
		var n int64
		if err := conn.QueryRow(ctx, q).Scan(&n); err != nil {
			return 0, 0, fmt.Errorf("%w\n%s", err, q)
		}
		hits += n
	}
	secs := time.Since(start).Seconds()
	// The baseline's tables go when it is done, so that the server's autovacuum of ten million
	// copied rows does not run into the next measurement.
	for _, f := range files {
		if _, err := conn.Exec(ctx, `DROP TABLE IF EXISTS bench_feed_`+f.source); err != nil {
			return 0, 0, err
		}
	}
	if _, err := conn.Exec(ctx, `DROP TABLE IF EXISTS bench_persons`); err != nil {
		return 0, 0, err
	}
	return secs, hits, nil
}

// baselineColumns types a feed's columns as an analyst would.
func baselineColumns(src feed.Source) string {
	var cols []string
	for _, f := range src.Fields {
		name, typ := `"`+f.Name+`"`, "text"
		switch f.Type {
		case feed.TypeID:
			name = "id_hash"
		case feed.TypeMoney:
			typ = "numeric(14,2)"
		case feed.TypeDate:
			typ = "date"
		case feed.TypeInt:
			typ = "integer"
		}
		cols = append(cols, name+" "+typ)
	}
	return strings.Join(cols, ", ")
}

// loadBaselinePersons writes the registry facts the rules read into bench_persons.
func loadBaselinePersons(ctx context.Context, conn *pgx.Conn, people []feedgen.Person) error {
	if _, err := conn.Exec(ctx, `DROP TABLE IF EXISTS bench_persons; CREATE UNLOGGED TABLE bench_persons (id_hash text PRIMARY KEY,
		household_id bigint, tier text, tier_since date, income_fen bigint, grade integer, in_school boolean, main_earner boolean)`); err != nil {
		return err
	}
	var b bytes.Buffer
	for _, p := range people {
		since := `\N`
		if !p.TierSince.IsZero() {
			since = p.TierSince.String()
		}
		fmt.Fprintf(&b, "%s\t%d\t%s\t%s\t%d\t%d\t%t\t%t\n", p.Hash, p.Household, p.Tier, since, int64(p.Income), p.Grade, p.InSchool, p.MainEarner)
	}
	if _, err := conn.PgConn().CopyFrom(ctx, &b, `COPY bench_persons FROM STDIN`); err != nil {
		return err
	}
	_, err := conn.Exec(ctx, `ANALYZE bench_persons`)
	return err
}

// baselineQueries are the rules as SQL, one count per rule, with the default thresholds.
func baselineQueries(today civil.Date) []string {
	d := "DATE '" + today.String() + "'"
	recent := "DATE '" + today.AddDays(-360).String() + "'"
	acq := func(table string) string {
		return `SELECT count(*) FROM bench_feed_` + table + ` f JOIN bench_persons p USING (id_hash)
			WHERE p.tier IN ('tekun', 'dibao', 'dibao_edge') AND f.registered_on >= p.tier_since`
	}
	deaths := `(SELECT id_hash FROM bench_feed_death UNION SELECT id_hash FROM bench_feed_cremation)`
	return []string{
		`SELECT count(*) FROM bench_feed_medical f JOIN bench_persons p USING (id_hash) WHERE f.out_of_pocket >=
			CASE p.tier WHEN 'tekun' THEN 1000 WHEN 'dibao' THEN 5000 WHEN 'dibao_edge' THEN 10000 WHEN 'rigid_expense' THEN 10000
			WHEN 'relapse_watch' THEN 10000 END`,
		`SELECT count(*) FROM bench_feed_medical f LEFT JOIN bench_persons p USING (id_hash) WHERE p.id_hash IS NULL AND f.out_of_pocket >= 15000`,
		`SELECT count(*) FROM ` + deaths + ` f JOIN bench_persons p USING (id_hash) WHERE p.tier <> ''`,
		`SELECT count(*) FROM ` + deaths + ` f JOIN bench_persons p USING (id_hash) WHERE p.main_earner AND p.tier NOT IN ('', 'tekun')`,
		acq("vehicle"), acq("real_estate"), acq("market_entity"),
		`SELECT count(*) FROM bench_feed_prison f JOIN bench_persons p USING (id_hash)
			WHERE p.tier IN ('tekun', 'dibao', 'dibao_edge', 'rigid_expense') AND (f."to" IS NULL OR f."to" >= ` + d + `)`,
		`SELECT count(*) FROM bench_feed_income f JOIN bench_persons p USING (id_hash)
			WHERE p.tier IN ('dibao_edge', 'rigid_expense', 'relapse_watch', 'other') AND p.income_fen > 0 AND f.income * 100 <= p.income_fen * 0.5`,
		`SELECT count(*) FROM bench_feed_disability f JOIN bench_persons p USING (id_hash)
			WHERE p.tier <> '' AND f.grade <= 2 AND (p.grade = 0 OR p.grade > f.grade)`,
		`SELECT count(*) FROM bench_feed_disability f LEFT JOIN bench_persons p USING (id_hash)
			WHERE p.id_hash IS NULL AND f.grade <= 2 AND f.issued_on >= ` + recent + `
			AND NOT EXISTS (SELECT 1 FROM bench_feed_income i WHERE i.id_hash = f.id_hash AND i.income > 0)
			AND NOT EXISTS (SELECT 1 FROM bench_feed_social_insurance s WHERE s.id_hash = f.id_hash AND s.base > 0)`,
		`SELECT count(*) FROM bench_feed_schooling f JOIN bench_persons p USING (id_hash)
			WHERE f.status = 'left' AND p.in_school AND p.tier IN ('tekun', 'dibao', 'dibao_edge', 'other')`,
	}
}
