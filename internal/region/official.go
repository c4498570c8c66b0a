package region

import (
	"embed"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"slices"
	"strings"
	"sync"
)

// OfficialSource is the Source of every division loaded from the embedded NBS files, so a row can
// always be traced to the data release it came from.
const OfficialSource = "NBS 2022-10-31"

//go:embed data/*.csv
var dataFiles embed.FS

// officialFile describes one embedded CSV: its columns, the level of its rows and which column
// names the parent (or, for counties, the preferred parent and the fallback).
type officialFile struct {
	name     string
	level    Level
	header   []string
	parent   int // column of the preferred parent code, -1 for provinces
	fallback int // column used when the preferred parent is unknown, -1 for none
}

// errSkip marks a row that repeats a division of a higher level; parseFile drops it.
var errSkip = errors.New("row repeats a known division")

var officialFiles = []officialFile{
	{"provinces.csv", Province, []string{"code", "name"}, -1, -1},
	{"cities.csv", City, []string{"code", "name", "provinceCode"}, 2, -1},
	// A county administered directly by its province may name a prefecture code that is not a
	// prefecture; it then hangs under the province.
	{"counties.csv", County, []string{"code", "name", "cityCode", "provinceCode"}, 2, 3},
	{"qingdao-streets.csv", Street, []string{"code", "name", "areaCode", "provinceCode", "cityCode"}, 2, -1},
}

// officialOnce parses the embedded files once per process; they cannot change while it runs.
var officialOnce = sync.OnceValues(parseOfficial)

// Official returns the embedded official divisions, parents before children (by level, then
// code). The slice is the caller's own copy. An error means the embedded files are broken, which
// the tests catch before a release.
func Official() ([]Division, error) {
	divs, err := officialOnce()
	if err != nil {
		return nil, err
	}
	return slices.Clone(divs), nil
}

func parseOfficial() ([]Division, error) {
	known := map[string]bool{}
	var all []Division
	for _, f := range officialFiles {
		r, err := dataFiles.Open("data/" + f.name)
		if err != nil {
			return nil, err
		}
		divs, err := parseFile(r, f, known)
		r.Close()
		if err != nil {
			return nil, err
		}
		for _, d := range divs {
			known[d.Code] = true
		}
		all = append(all, divs...)
	}
	return all, nil
}

// parseFile reads one CSV of level f.level. Codes may be padded; they are normalised. known holds
// the codes of the levels above, so that every parent exists. Errors name the file and the row
// (the header is row 1) as a spreadsheet shows it.
func parseFile(r io.Reader, f officialFile, known map[string]bool) ([]Division, error) {
	cr := csv.NewReader(r)
	cr.FieldsPerRecord = len(f.header)
	header, err := cr.Read()
	if err != nil {
		return nil, fmt.Errorf("%s row 1: %w", f.name, err)
	}
	header[0] = strings.TrimPrefix(header[0], "\uFEFF") // spreadsheet byte-order mark
	if !slices.Equal(header, f.header) {
		return nil, fmt.Errorf("%s row 1: header %v, want %v", f.name, header, f.header)
	}
	var out []Division
	seen := map[string]bool{}
	for row := 2; ; row++ {
		rec, err := cr.Read()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return nil, fmt.Errorf("%s row %d: %w", f.name, row, err)
		}
		d, err := parseRecord(rec, f, known)
		if errors.Is(err, errSkip) {
			continue
		}
		if err != nil {
			return nil, fmt.Errorf("%s row %d: %w", f.name, row, err)
		}
		if seen[d.Code] {
			return nil, fmt.Errorf("%s row %d: duplicate code %s", f.name, row, d.Code)
		}
		seen[d.Code] = true
		out = append(out, d)
	}
	slices.SortFunc(out, func(a, b Division) int { return strings.Compare(a.Code, b.Code) })
	return out, nil
}

func parseRecord(rec []string, f officialFile, known map[string]bool) (Division, error) {
	code, err := Normalize(rec[0])
	if err != nil {
		return Division{}, err
	}
	if LevelOf(code) != f.level {
		if LevelOf(code) < f.level && known[code] {
			// A prefecture without counties (东莞 441900 = 4419) is listed again as its own
			// county; it exists already.
			return Division{}, errSkip
		}
		return Division{}, fmt.Errorf("code %s is not a %s code", code, f.level)
	}
	name := strings.TrimSpace(rec[1])
	if name == "" {
		return Division{}, fmt.Errorf("code %s has no name", code)
	}
	d := Division{Code: code, Name: name, Level: f.level, Source: OfficialSource}
	if f.parent < 0 {
		return d, nil
	}
	parent, err := parentColumn(rec, f.parent, known)
	if err == nil && parent == "" && f.fallback >= 0 {
		parent, err = parentColumn(rec, f.fallback, known)
	}
	if err != nil {
		return Division{}, err
	}
	if parent == "" {
		return Division{}, fmt.Errorf("code %s: parent %q is not a known division", code, rec[f.parent])
	}
	if !strings.HasPrefix(code, parent) {
		return Division{}, fmt.Errorf("code %s does not lie under its parent %s", code, parent)
	}
	d.ParentCode = parent
	return d, nil
}

// parentColumn returns the normalised parent code in column i, or "" when it is not a known
// division or is empty (so the caller may fall back).
func parentColumn(rec []string, i int, known map[string]bool) (string, error) {
	if strings.TrimSpace(rec[i]) == "" {
		return "", nil
	}
	p, err := Normalize(rec[i])
	if err != nil {
		return "", fmt.Errorf("parent: %w", err)
	}
	if !known[p] {
		return "", nil
	}
	return p, nil
}
