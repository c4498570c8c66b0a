package civil

import (
	"embed"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"strings"
	"sync"
	"time"
)

// Kind says how an official notice changes a day from its ordinary
// Monday-to-Friday status.
type Kind string

// The two kinds of calendar entry, spelled as in the CSV files.
const (
	// Holiday is an official day off (放假), on a weekday or a weekend day
	// inside a holiday block.
	Holiday Kind = "holiday"
	// Workday is a make-up working day (调休上班) on a Saturday or Sunday.
	Workday Kind = "workday"
)

// Entry is one row of a holiday calendar: the day, what it is, the festival it
// belongs to and the notice that made it so, which screens show to explain a
// deadline and auditors check against the notice.
type Entry struct {
	Date   Date
	Kind   Kind
	Name   string
	Source string
}

// Calendar tells working days from days off, following the State Council
// notices it was loaded from. It is read-only once loaded, so one Calendar can
// be shared by all goroutines.
//
// For years it has no rows for (see Covers) it falls back to plain
// Monday-to-Friday, which is wrong around festivals; callers computing legal
// deadlines in such years should warn, and the data should be added as soon as
// the notice for the next year is published (usually in November).
type Calendar struct {
	entries map[Date]Entry
	years   map[int]bool
}

// CalendarError reports a bad row in holiday calendar data, by file (empty for
// LoadCalendar) and 1-based line number, so that whoever edits the CSV can
// find it: "第3行: 日期格式不正确: "2024-13-01"".
type CalendarError struct {
	File string
	Line int
	Err  error
}

func (e *CalendarError) Error() string {
	return fmt.Sprintf("%s第%d行: %v", e.File, e.Line, e.Err)
}

func (e *CalendarError) Unwrap() error { return e.Err }

// LoadCalendar reads CSV rows "date,kind,name,source" such as
// "2024-10-01,holiday,国庆节,国办发明电〔2023〕7号". A header row with those column
// names, blank lines and lines starting with "#" are skipped. Every row must
// have all four fields, a Workday must fall on a Saturday or Sunday, and no
// date may appear twice; the first bad row is reported as a *CalendarError.
func LoadCalendar(r io.Reader) (*Calendar, error) {
	c := &Calendar{entries: map[Date]Entry{}, years: map[int]bool{}}
	if err := c.load(r, ""); err != nil {
		return nil, err
	}
	return c, nil
}

//go:embed calendar/*.csv
var calendarFiles embed.FS

// DefaultCalendar returns the calendar built from the notices embedded under
// calendar/ (one file per year), merged. It is loaded once and shared; the
// embedded data is checked by the tests, so a failure here is a build defect
// and panics.
func DefaultCalendar() *Calendar { return defaultCalendar() }

var defaultCalendar = sync.OnceValue(func() *Calendar {
	c := &Calendar{entries: map[Date]Entry{}, years: map[int]bool{}}
	names, err := fs.Glob(calendarFiles, "calendar/*.csv")
	if err != nil {
		panic(err)
	}
	for _, name := range names {
		f, err := calendarFiles.Open(name)
		if err != nil {
			panic(err)
		}
		err = c.load(f, name+" ")
		f.Close()
		if err != nil {
			panic(fmt.Sprintf("civil: embedded calendar: %v", err))
		}
	}
	return c
})

// load adds the rows read from r, naming file in errors.
func (c *Calendar) load(r io.Reader, file string) error {
	cr := csv.NewReader(r)
	cr.Comment = '#'
	cr.FieldsPerRecord = -1 // checked below, with a clearer message
	first := true
	for {
		rec, err := cr.Read()
		if err == io.EOF {
			return nil
		}
		if pe, ok := errors.AsType[*csv.ParseError](err); ok {
			return &CalendarError{file, pe.StartLine, pe.Err}
		} else if err != nil {
			return fmt.Errorf("读取日历数据: %w", err)
		}
		line, _ := cr.FieldPos(0)
		for i := range rec {
			rec[i] = strings.TrimSpace(rec[i])
		}
		if first {
			first = false
			rec[0] = strings.TrimPrefix(rec[0], "\uFEFF") // Excel's byte order mark
			if strings.Join(rec, ",") == "date,kind,name,source" {
				continue
			}
		}
		e, err := c.entry(rec)
		if err != nil {
			return &CalendarError{file, line, err}
		}
		c.entries[e.Date] = e
		c.years[e.Date.Year] = true
	}
}

// entry validates one record against the rows loaded so far.
func (c *Calendar) entry(rec []string) (Entry, error) {
	if len(rec) != 4 {
		return Entry{}, fmt.Errorf("应有4列（date,kind,name,source），实有%d列", len(rec))
	}
	d, err := ParseDate(rec[0])
	if err != nil {
		return Entry{}, err
	}
	e := Entry{Date: d, Kind: Kind(rec[1]), Name: rec[2], Source: rec[3]}
	switch {
	case e.Kind != Holiday && e.Kind != Workday:
		return Entry{}, fmt.Errorf("类别应为 holiday 或 workday: %q", rec[1])
	case e.Kind == Workday && !weekend(d):
		return Entry{}, fmt.Errorf("调休上班日应为周六或周日: %s", d)
	case e.Name == "":
		return Entry{}, errors.New("缺少节日名称")
	case e.Source == "":
		return Entry{}, errors.New("缺少依据文件")
	}
	if _, dup := c.entries[d]; dup {
		return Entry{}, fmt.Errorf("日期重复: %s", d)
	}
	return e, nil
}

// Covers reports whether the calendar has data for d's year. Outside covered
// years every method treats Monday to Friday as working days and nothing else.
func (c *Calendar) Covers(d Date) bool { return c.years[d.Year] }

// Lookup returns the calendar row for d, if any, to explain why a day is or is
// not a working day.
func (c *Calendar) Lookup(d Date) (Entry, bool) {
	e, ok := c.entries[d]
	return e, ok
}

// IsWorkingDay reports whether government offices work on d: Monday to Friday
// unless listed as a Holiday, and Saturday or Sunday only if listed as a
// Workday.
func (c *Calendar) IsWorkingDay(d Date) bool {
	if e, ok := c.entries[d]; ok {
		return e.Kind == Workday
	}
	return !weekend(d)
}

// AddWorkingDays returns the n-th working day after start, not counting start
// itself, which is how a statutory period such as "自受理之日起10个工作日内"
// is counted (民法典第二百零一条: the starting day is not included). The result
// is the last day of that period. A negative n counts back from start; n == 0
// returns start even if it is not a working day.
func (c *Calendar) AddWorkingDays(start Date, n int) Date {
	step := 1
	if n < 0 {
		step, n = -1, -n
	}
	d := start
	for n > 0 {
		d = d.AddDays(step)
		if c.IsWorkingDay(d) {
			n--
		}
	}
	return d
}

// WorkingDaysBetween counts the working days after a up to and including b,
// the same convention as AddWorkingDays, so that for n >= 0
// WorkingDaysBetween(a, AddWorkingDays(a, n)) == n; it is how many working
// days of a period have elapsed by day b. If b is before a the result is the
// negated count from b to a.
func (c *Calendar) WorkingDaysBetween(a, b Date) int {
	if b.Before(a) {
		return -c.WorkingDaysBetween(b, a)
	}
	n := 0
	for d := a; d.Before(b); {
		d = d.AddDays(1)
		if c.IsWorkingDay(d) {
			n++
		}
	}
	return n
}

func weekend(d Date) bool {
	wd := d.Weekday()
	return wd == time.Saturday || wd == time.Sunday
}
