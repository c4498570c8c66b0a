package roster

import (
	"bytes"
	"fmt"
	"os"
	"runtime"
	"runtime/metrics"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/minzheng/minzheng/internal/civil"
	"github.com/minzheng/minzheng/internal/idcard"
	"github.com/minzheng/minzheng/internal/money"
	"github.com/minzheng/minzheng/internal/registry"
)

// bigRoster is a 100,000-person .xlsx (40,000 households of 2–3), the size the issue sets for
// an import under 60 s and 500 MB.
var bigRoster = sync.OnceValues(func() ([]byte, error) {
	var rows []ExportRow
	for h := 0; len(rows) < 100_000; h++ {
		members := []registry.PersonInput{}
		for m := range 2 + h%2 {
			n := h*3 + m
			birth := civil.Date{Year: 1930, Month: 1, Day: 1}.AddDays(n % 30000)
			rel := registry.Head
			if m > 0 {
				rel = registry.Child
			}
			members = append(members, registry.PersonInput{
				Name: "测" + strings.Map(func(r rune) rune { return []rune("零一二三四五六七八九")[r-'0'] }, strconv.Itoa(n)), IDNumber: idcard.Synthesize("370212", birth, n/30000*7%1000).String(),
				Relation: rel, Phone: fmt.Sprintf("138%08d", n), Marital: "married", Education: "junior",
				Employment: "employed", WorkCapacity: "full",
				Incomes: []registry.Income{{Kind: registry.Wage, Monthly: money.Fen(100000 + n)}},
			})
		}
		in := registry.HouseholdInput{RegionCode: "370212900001", Address: "示例路" + strconv.Itoa(h) + "号",
			Hukou: registry.Urban, HukouRegion: "370212", Members: members,
			Assets: registry.Assets{FinancialAssets: money.Yuan(int64(h % 9000)), Homes: 1, FloorAreaM2: 60},
			Tiers:  []registry.TierInput{{Tier: registry.Dibao, MemberIndex: -1, ValidFrom: civil.Date{Year: 2024, Month: 1, Day: 1}}}}
		rows = append(rows, ExportRows("H"+strconv.Itoa(h), in)...)
	}
	var b bytes.Buffer
	err := WriteXLSX(&b, rows[:100_000], false)
	return b.Bytes(), err
})

// BenchmarkParse100k parses the 100,000-row roster and reports allocations, the peak of live
// heap while parsing (sampled) and the process's peak resident set (VmHWM, which includes
// building the file).
func BenchmarkParse100k(b *testing.B) {
	data, err := bigRoster()
	if err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	b.SetBytes(int64(len(data)))
	runtime.GC()
	stop, peak := sampleHeap()
	for b.Loop() {
		res, err := Parse(bytes.NewReader(data), "big.xlsx", Limits{})
		if err != nil || !res.OK() || res.Rows != 100_000 {
			b.Fatalf("err %v, rows %d, errors %v", err, res.Rows, res.Errors[:min(3, len(res.Errors))])
		}
	}
	stop()
	b.ReportMetric(float64(*peak)/(1<<20), "peak-heap-MB")
	b.ReportMetric(vmHWM(), "peak-RSS-MB")
	b.ReportMetric(float64(len(data))/(1<<20), "file-MB")
}

// sampleHeap polls the live heap every 5 ms until stop is called.
func sampleHeap() (stop func(), peak *uint64) {
	peak = new(uint64)
	done := make(chan struct{})
	finished := make(chan struct{})
	s := []metrics.Sample{{Name: "/memory/classes/heap/objects:bytes"}}
	go func() {
		defer close(finished)
		t := time.NewTicker(5 * time.Millisecond)
		defer t.Stop()
		for {
			metrics.Read(s)
			*peak = max(*peak, s[0].Value.Uint64())
			select {
			case <-done:
				return
			case <-t.C:
			}
		}
	}()
	return func() { close(done); <-finished }, peak
}

func vmHWM() float64 {
	b, err := os.ReadFile("/proc/self/status")
	if err != nil {
		return 0
	}
	for _, line := range strings.Split(string(b), "\n") {
		if v, ok := strings.CutPrefix(line, "VmHWM:"); ok {
			kb, _ := strconv.Atoi(strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(v), "kB")))
			return float64(kb) / 1024
		}
	}
	return 0
}
