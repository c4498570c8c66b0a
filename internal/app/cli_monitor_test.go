package app

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/minzheng/minzheng/internal/civil"
	"github.com/minzheng/minzheng/internal/idcard"
)

// TestCLIMonitor: `minzheng monitor ingest` receives a medical file and runs it — a stranger's
// very high out-of-pocket cost is a discovery warning; the same file again changes nothing; a
// file with a bad row is rejected with its line and the command fails; `monitor sources` lists
// the feeds.
func TestCLIMonitor(t *testing.T) {
	dir := t.TempDir()
	stranger := idcard.Synthesize("370203", civil.Date{Year: 1958, Month: 7, Day: 1}, 31).String()
	good := filepath.Join(dir, "yibao.csv")
	if err := os.WriteFile(good, []byte("身份证号,年度,个人自付费用（元）,医疗总费用（元）,居住地区划代码\n"+stranger+",2024,18000,60000,370203001001\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	code, out, errOut := runCLI(t, dir, "monitor", "ingest", "--source", "medical", good)
	if code != 0 || !strings.Contains(out, "received as batch 1") || !strings.Contains(out, "1 rows, 0 matched, 0 row errors, 1 new warnings") {
		t.Fatalf("ingest: %d %s %s", code, out, errOut)
	}
	code, out, _ = runCLI(t, dir, "monitor", "ingest", "--source", "medical", good)
	if code != 0 || !strings.Contains(out, "already received as batch 1") || !strings.Contains(out, "0 batches") {
		t.Fatalf("ingest again: %d %s", code, out)
	}
	bad := filepath.Join(dir, "bad.csv")
	if err := os.WriteFile(bad, []byte("id_number,year,out_of_pocket\n"+stranger+",2024,1.234\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	code, out, errOut = runCLI(t, dir, "monitor", "ingest", "--source", "medical", bad)
	if code != 1 || !strings.Contains(out, "rejected") || !strings.Contains(out, "第2行") || !strings.Contains(errOut, "rejected") {
		t.Fatalf("bad file: %d %s %s", code, out, errOut)
	}
	if code, out, _ := runCLI(t, dir, "monitor", "sources"); code != 0 || !strings.Contains(out, "medical") || !strings.Contains(out, "id_number | id_hash") {
		t.Fatalf("sources: %d %s", code, out)
	}
}

// TestCLIMonitorDemoFeeds: the demo city's agency files are run when the demo is made, and
// `monitor evaluate` finds every planted case raised and nothing else.
func TestCLIMonitorDemoFeeds(t *testing.T) {
	dir := t.TempDir()
	m := NewMain()
	m.Config.DataDir = dir
	m.DemoHouseholds = 300
	m.Logger = discardLogger()
	ctx := t.Context()
	svc, err := openServices(ctx, m.Config, m.Logger, m.Now)
	if err != nil {
		t.Fatal(err)
	}
	m.svc, m.DB = svc, svc.db
	err = m.generateDemo(ctx)
	svc.db.Close()
	if err != nil {
		t.Fatal(err)
	}
	truths, _ := filepath.Glob(filepath.Join(dir, "demo-feeds", "truth-*.json"))
	if len(truths) != 1 {
		t.Fatalf("truth files %v", truths)
	}
	code, out, errOut := runCLI(t, dir, "monitor", "evaluate", "--truth", truths[0])
	if code != 0 || !strings.Contains(out, "recall 1.000, precision 1.000") {
		t.Fatalf("evaluate: %d %s %s", code, out, errOut)
	}
}
