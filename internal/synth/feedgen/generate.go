package feedgen

import (
	"fmt"
	"io"
	"math/rand/v2"
	"time"

	"github.com/minzheng/minzheng/internal/civil"
	"github.com/minzheng/minzheng/internal/money"
	"github.com/minzheng/minzheng/internal/monitor/feed"
)

// Truth is one planted case: the warning a correct run must raise.
type Truth struct {
	Rule   string `json:"rule"`
	Hash   string `json:"hash"`
	Period string `json:"period"`
}

// Options size a generation.
type Options struct {
	Rows    int        // rows across all sources, about
	Planted int        // planted cases per rule
	Today   civil.Date // the day of the run: dates stay on or before it
	Seed    uint64
}

// share is each source's part of the rows: the big feeds (medical claims, income, social
// insurance) dominate as they do in a real month.
var share = []struct {
	source string
	part   float64
}{
	{"medical", .25}, {"income", .20}, {"social_insurance", .15}, {"schooling", .08}, {"disability", .06},
	{"vehicle", .05}, {"real_estate", .05}, {"market_entity", .04}, {"unemployment", .04}, {"marriage", .03},
	{"death", .02}, {"cremation", .015}, {"prison", .015},
}

// Sources lists the sources Generate writes, in the order it writes them (income before the
// disability file, whose discovery noise reuses people the income file shows earning).
func Sources() []string {
	out := make([]string, len(share))
	for i, s := range share {
		out[i] = s.source
	}
	return out
}

// Generate writes one CSV file per source through open (closed by the caller after Generate
// returns) and returns the planted cases and the rows written per source.
func Generate(people []Person, opt Options, open func(source string) (io.Writer, error)) ([]Truth, map[string]int, error) {
	if len(people) == 0 {
		return nil, nil, fmt.Errorf("feedgen: no registered people to plant cases on")
	}
	g := &gen{people: people, opt: opt, rnd: rand.New(rand.NewPCG(opt.Seed, 0x6d6f6e69746f72)), rows: map[string]int{}}
	for _, s := range share {
		w, err := open(s.source)
		if err != nil {
			return nil, nil, err
		}
		src, _ := feed.Lookup(s.source)
		f := &file{g: g, src: src, out: feed.NewCSVWriter(w, src, true), vals: make([]string, len(src.Fields)),
			used: map[string]bool{}}
		n := max(int(float64(opt.Rows)*s.part), 1)
		writers[s.source](f, n)
		if f.err == nil {
			f.err = f.out.Flush()
		}
		if f.err != nil {
			return nil, nil, fmt.Errorf("feedgen: %s: %w", s.source, f.err)
		}
		g.rows[s.source] = f.rows
	}
	return g.truth, g.rows, nil
}

// gen is one generation's state.
type gen struct {
	people []Person
	opt    Options
	rnd    *rand.Rand
	truth  []Truth
	rows   map[string]int
	// earners are people not in the database whom the income file shows earning.
	earners []string
	// deaths are the planted deaths, which the cremation file repeats.
	deaths []string
}

func (g *gen) plant(rule, hash, period string) {
	g.truth = append(g.truth, Truth{Rule: rule, Hash: hash, Period: period})
}

// stranger is a random identity hash: someone not in the database.
func (g *gen) stranger() string {
	return fmt.Sprintf("%016x%016x%016x%016x", g.rnd.Uint64(), g.rnd.Uint64(), g.rnd.Uint64(), g.rnd.Uint64())
}

// any is a random registered person.
func (g *gen) any() *Person { return &g.people[g.rnd.IntN(len(g.people))] }

// pick finds registered people that satisfy ok, each at most once per call of used: random
// tries first, then a scan from a random place. nil when nobody is left.
func (g *gen) pick(used map[string]bool, ok func(*Person) bool) *Person {
	for range 200 {
		p := g.any()
		if !used[p.Hash] && ok(p) {
			used[p.Hash] = true
			return p
		}
	}
	start := g.rnd.IntN(len(g.people))
	for i := range g.people {
		p := &g.people[(start+i)%len(g.people)]
		if !used[p.Hash] && ok(p) {
			used[p.Hash] = true
			return p
		}
	}
	return nil
}

// daysAgo is a date between lo and hi days before today.
func (g *gen) daysAgo(lo, hi int) civil.Date {
	return g.opt.Today.AddDays(-(lo + g.rnd.IntN(hi-lo+1)))
}

// yuan is a random amount between lo and hi yuan, in whole fen.
func (g *gen) yuan(lo, hi int64) money.Fen {
	return money.Fen(lo*100 + g.rnd.Int64N((hi-lo)*100+1))
}

// file writes one source's rows.
type file struct {
	g    *gen
	src  feed.Source
	out  *feed.CSVWriter
	vals []string
	rows int
	err  error
	// used are the registered people this file has written about: nobody twice, so no two
	// rows repeat and no noise row lands on a planted person.
	used map[string]bool
	last *Person
}

// fresh is a registered person this file has not used yet (also kept in last), or nil when
// random tries find none: then the caller writes about a stranger.
func (f *file) fresh() *Person {
	for range 20 {
		if p := f.g.any(); !f.used[p.Hash] {
			f.used[p.Hash] = true
			f.last = p
			return p
		}
	}
	return nil
}

// daysBetween counts the days from a to b.
func daysBetween(a, b civil.Date) int {
	return int(b.Time(time.UTC).Sub(a.Time(time.UTC)).Hours() / 24)
}

// row writes a row of the named values; the identity column is hash.
func (f *file) row(hash string, kv ...string) {
	if f.err != nil {
		return
	}
	clear(f.vals)
	f.vals[f.src.Index("id")] = hash
	for i := 0; i+1 < len(kv); i += 2 {
		f.vals[f.src.Index(kv[i])] = kv[i+1]
	}
	f.err = f.out.Write(f.vals)
	f.rows++
}

// fen writes an amount as yuan with two decimals, in integer arithmetic.
func fen(v money.Fen) string { return fmt.Sprintf("%d.%02d", int64(v)/100, int64(v)%100) }

func in(tier string, tiers ...string) bool {
	for _, t := range tiers {
		if t == tier {
			return true
		}
	}
	return false
}
