package monitor

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/minzheng/minzheng/internal/audit"
	"github.com/minzheng/minzheng/internal/auth"
	"github.com/minzheng/minzheng/internal/civil"
	"github.com/minzheng/minzheng/internal/db"
	"github.com/minzheng/minzheng/internal/db/dbtest"
	"github.com/minzheng/minzheng/internal/idcard"
	"github.com/minzheng/minzheng/internal/money"
	"github.com/minzheng/minzheng/internal/pii"
	"github.com/minzheng/minzheng/internal/policy/paramdb"
	"github.com/minzheng/minzheng/internal/registry"
	"github.com/minzheng/minzheng/internal/synth"
	"golang.org/x/text/encoding/simplifiedchinese"
)

// runBed is a monitor store over a small registry: a 低保 household in 崂山区 whose head earns,
// for the ingest tests.
type runBed struct {
	t      *testing.T
	ctx    context.Context
	s      *Store
	feeder *auth.Principal
	head   string // the 低保 household head's ID number
	child  string
	hid    int64
}

func newRunBed(t *testing.T, d *db.DB) *runBed {
	t.Helper()
	ctx := context.Background()
	now := func() time.Time { return time.Date(2024, 6, 3, 10, 0, 0, 0, civil.China) }
	if _, err := synth.Regions(ctx, d, 1); err != nil {
		t.Fatal(err)
	}
	keys, err := pii.GenerateKeyring()
	if err != nil {
		t.Fatal(err)
	}
	log := &audit.Log{Now: now}
	reg := &registry.Store{DB: d, Keys: keys, Audit: log, Now: now}
	params := &paramdb.Store{DB: d, Audit: log, Now: now}
	if err := params.Seed(ctx); err != nil {
		t.Fatal(err)
	}
	b := &runBed{t: t, ctx: ctx, feeder: &auth.Principal{Login: "feed.yibao", Role: auth.AgencyFeed, Scope: "3702"},
		s: &Store{DB: d, Keys: keys, Audit: log, Registry: reg, Params: params, City: "3702", Spool: t.TempDir(), Now: now}}
	b.head = string(idcard.Synthesize("370212", civil.Date{Year: 1975, Month: 4, Day: 9}, 11))
	b.child = string(idcard.Synthesize("370212", civil.Date{Year: 2008, Month: 2, Day: 1}, 12))
	in := registry.HouseholdInput{RegionCode: "370212001001", Address: "测试路 1 号", Hukou: registry.Urban, HukouRegion: "370212",
		Members: []registry.PersonInput{
			{Name: "测试甲", IDNumber: b.head, Relation: registry.Head, WorkCapacity: "partial",
				Incomes: []registry.Income{{Kind: registry.Wage, Monthly: money.Yuan(900)}}},
			{Name: "测试乙", IDNumber: b.child, Relation: registry.Child, InSchool: true},
		},
		Tiers: []registry.TierInput{{Tier: registry.Dibao, MemberIndex: -1, ValidFrom: civil.Date{Year: 2023, Month: 1, Day: 1}}}}
	if b.hid, err = reg.Create(ctx, auth.System(), in); err != nil {
		t.Fatal(err)
	}
	return b
}

func (b *runBed) receive(source, name, body string) *Batch {
	b.t.Helper()
	batch, err := b.s.Receive(b.ctx, b.feeder, source, name, strings.NewReader(body), "")
	if err != nil {
		b.t.Fatal(err)
	}
	return batch
}

func (b *runBed) run() *RunReport {
	b.t.Helper()
	rep, err := b.s.Run(b.ctx, "test", nil)
	if err != nil {
		b.t.Fatal(err)
	}
	return rep
}

func (b *runBed) warnings() []string {
	b.t.Helper()
	rows, err := b.s.DB.Query(b.ctx, `SELECT rule, period, COALESCE(household_id, 0), region_code FROM monitor_warnings ORDER BY rule, period`)
	if err != nil {
		b.t.Fatal(err)
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var rule, period, region string
		var hid int64
		if err := rows.Scan(&rule, &period, &hid, &region); err != nil {
			b.t.Fatal(err)
		}
		out = append(out, fmt.Sprintf("%s %s hh=%d %s", rule, period, hid, region))
	}
	return out
}

// TestRunRaisesWarningsOnce: a medical file and a death file raise the rules' warnings against the
// registry — a covered person's high cost, a stranger's very high cost (discovery, routed to the
// address given), the main earner's death — and the same files sent again, or a run repeated,
// raise nothing more.
func TestRunRaisesWarningsOnce(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		b := newRunBed(t, d)
		stranger := string(idcard.Synthesize("370203", civil.Date{Year: 1960, Month: 1, Day: 1}, 21))
		hashed := b.s.Keys.Hash(pii.IDNumber, b.child)
		medical := "id_number,year,out_of_pocket,total_cost,region\n" +
			b.head + ",2024,6000.00,20000,\n" +
			stranger + ",2024,16000,50000,370203001001\n" +
			idcard.Synthesize("370203", civil.Date{Year: 1961, Month: 1, Day: 1}, 22).String() + ",2024,900,1000,\n"
		first := b.receive("medical", "yibao-2024-05.csv", medical)
		again := b.receive("medical", "copy.csv", medical)
		if !again.Duplicate || again.ID != first.ID {
			t.Fatalf("the same file again made batch %+v", again)
		}
		b.receive("death", "deaths.jsonl", `{"id_number":"`+b.head+`","death_date":"2024-05-20"}`+"\n")
		b.receive("schooling", "xueji.csv", "id_hash,status,date\n"+hashed+",离校,2024-05-31\n")
		rep := b.run()
		if len(rep.Batches) != 3 || rep.Rows != 5 || rep.Matched != 3 {
			t.Fatalf("run %+v", rep)
		}
		want := []string{
			"covered_death once hh=1 370212001001",
			"earner_death once hh=1 370212001001",
			"left_school 2024-05-31 hh=1 370212001001",
			"medical_cost 2024 hh=1 370212001001",
			"medical_cost_discovery 2024 hh=0 370203001001",
		}
		if got := b.warnings(); strings.Join(got, "\n") != strings.Join(want, "\n") {
			t.Fatalf("warnings:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
		}
		if rep := b.run(); len(rep.Batches) != 0 {
			t.Fatalf("a second run processed %+v", rep.Batches)
		}
		// The same facts in another file (another spelling of the date) raise nothing new.
		b.receive("death", "deaths2.csv", "身份证号,死亡日期\n"+b.head+",2024/05/20\n")
		if rep := b.run(); rep.Warnings != 0 || len(b.warnings()) != 5 {
			t.Fatalf("a resent fact raised %d warnings", rep.Warnings)
		}
	})
}

// TestRunRejectsBadFiles: a file with bad rows raises nothing and keeps its row errors with line
// numbers; a GBK file with Chinese headers is read; a duplicate row is an error.
func TestRunRejectsBadFiles(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		b := newRunBed(t, d)
		bad := b.receive("medical", "bad.csv", "id_number,year,out_of_pocket,total_cost\n"+
			b.head+",2024,6000,7000\n"+
			"110101199001011234,2024,abc,1\n"+
			b.head+",2024,6000,7000\n")
		b.run()
		got, errs, err := b.s.BatchDetail(b.ctx, b.feeder, bad.ID)
		if err != nil {
			t.Fatal(err)
		}
		if got.Status != BatchRejected || got.RowErrors < 2 || len(b.warnings()) != 0 {
			t.Fatalf("bad batch %+v, %d warnings", got, len(b.warnings()))
		}
		var lines []string
		for _, e := range errs {
			lines = append(lines, fmt.Sprintf("%d %s", e.Line, e.Message))
		}
		text := strings.Join(lines, "\n")
		if !strings.Contains(text, "3 ") || !strings.Contains(text, "第4行与第2行重复") {
			t.Fatalf("row errors:\n%s", text)
		}
		var gbk bytes.Buffer
		gbk.Write(toGBK(t, "身份证号,年度,个人自付费用（元）,医疗总费用（元）\n"+b.head+",2024,6000,7000\n"))
		if _, err := b.s.Receive(b.ctx, b.feeder, "medical", "gbk.csv", &gbk, ""); err != nil {
			t.Fatal(err)
		}
		if rep := b.run(); rep.Warnings != 1 {
			t.Fatalf("GBK file: %+v", rep.Batches)
		}
		if _, err := b.s.Receive(b.ctx, &auth.Principal{Login: "x", Role: auth.StreetOfficer, Scope: "370212001"}, "medical",
			"a.csv", strings.NewReader("x"), ""); err == nil {
			t.Fatal("a street officer handed in an agency file")
		}
	})
}

// toGBK encodes text as GBK, the encoding older agency systems still write.
func toGBK(t *testing.T, text string) []byte {
	t.Helper()
	out, err := simplifiedchinese.GBK.NewEncoder().String(text)
	if err != nil {
		t.Fatal(err)
	}
	return []byte(out)
}

// TestRunTwoProcesses: two runs at once (two app processes sharing the database) process each
// batch once and raise each warning once.
func TestRunTwoProcesses(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		b := newRunBed(t, d)
		b.receive("medical", "m.csv", "id_number,year,out_of_pocket\n"+b.head+",2024,6000\n")
		b.receive("death", "d.csv", "id_number,death_date\n"+b.head+",2024-05-20\n")
		other := *b.s // a second process: its own store over the same database
		var reports [2]*RunReport
		var errs [2]error
		done := make(chan int)
		for i, s := range []*Store{b.s, &other} {
			go func() {
				reports[i], errs[i] = s.Run(b.ctx, fmt.Sprintf("process-%d", i), nil)
				done <- i
			}()
		}
		<-done
		<-done
		if errs[0] != nil || errs[1] != nil {
			t.Fatal(errs)
		}
		if n := len(reports[0].Batches) + len(reports[1].Batches); n != 2 {
			t.Fatalf("the two runs processed %d batches between them, want 2", n)
		}
		if got := b.warnings(); len(got) != 3 {
			t.Fatalf("warnings %v", got)
		}
	})
}

// TestRunRetriesFailedBatch: a batch whose file could not be read is marked failed, not lost;
// once the file is back, the next run processes it. A batch left "processing" by a process that
// died is taken over after an hour.
func TestRunRetriesFailedBatch(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		b := newRunBed(t, d)
		batch := b.receive("medical", "m.csv", "id_number,year,out_of_pocket\n"+b.head+",2024,6000\n")
		path := b.s.spoolPath(batch.Source, batch.SHA256, batch.Format)
		if err := os.Rename(path, path+".away"); err != nil {
			t.Fatal(err)
		}
		if _, err := b.s.Run(b.ctx, "test", nil); err == nil {
			t.Fatal("a run without the batch's file succeeded")
		}
		if got, _ := b.s.batch(b.ctx, batch.ID); got.Status != BatchFailed {
			t.Fatalf("after the failure: %+v", got)
		}
		if err := os.Rename(path+".away", path); err != nil {
			t.Fatal(err)
		}
		if rep := b.run(); len(rep.Batches) != 1 || rep.Batches[0].Status != BatchDone || rep.Warnings != 1 {
			t.Fatalf("retry: %+v", rep)
		}
		stuck := b.receive("death", "d.csv", "id_number,death_date\n"+b.head+",2024-05-20\n")
		if _, err := b.s.DB.Exec(b.ctx, `UPDATE monitor_batches SET status = 'processing', claimed_by = 'dead', claimed_at = ? WHERE id = ?`,
			db.FormatTime(b.s.now().Add(-10*time.Minute)), stuck.ID); err != nil {
			t.Fatal(err)
		}
		if rep := b.run(); len(rep.Batches) != 0 {
			t.Fatalf("a batch claimed ten minutes ago was taken over: %+v", rep.Batches)
		}
		if _, err := b.s.DB.Exec(b.ctx, `UPDATE monitor_batches SET claimed_at = ? WHERE id = ?`,
			db.FormatTime(b.s.now().Add(-2*time.Hour)), stuck.ID); err != nil {
			t.Fatal(err)
		}
		if rep := b.run(); len(rep.Batches) != 1 || rep.Batches[0].Status != BatchDone {
			t.Fatalf("a batch left by a dead process: %+v", rep.Batches)
		}
	})
}
