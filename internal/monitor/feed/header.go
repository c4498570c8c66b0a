package feed

import (
	"strings"
	"unicode/utf8"
)

// column says what one column of a file holds.
type column struct {
	field int  // index into Source.Fields; -1 for an unnamed trailing column, which must stay empty
	rawID bool // the identity column holds raw ID numbers rather than hashes
}

// headerNorm makes header matching forgive what differs between agencies' spreadsheets and ours
// without changing the meaning: case, spaces and half- or full-width parentheses.
var headerNorm = strings.NewReplacer(" ", "", "\u3000", "", "\u00a0", "", "(", "（", ")", "）")

func normHeader(h string) string { return strings.ToLower(headerNorm.Replace(strings.TrimSpace(h))) }

// headerIndex maps every accepted header spelling of src to its column meaning.
func headerIndex(src *Source) map[string]column {
	m := map[string]column{}
	for i, f := range src.Fields {
		if f.Type == TypeID {
			m[normHeader(ColIDNumber)] = column{i, true}
			m[normHeader(ColIDNumberLabel)] = column{i, true}
			m[normHeader(ColIDHash)] = column{i, false}
			m[normHeader(ColIDHashLabel)] = column{i, false}
			continue
		}
		m[normHeader(f.Name)] = column{field: i}
		m[normHeader(f.Label)] = column{field: i}
	}
	return m
}

// mapHeader matches a header row against src. Unknown, repeated and missing columns refuse the
// file: a column silently ignored is data silently lost, and a wrong header usually means the
// agency sent a different feed than the one it was uploaded as.
func mapHeader(src *Source, cells []string) ([]column, *FileError) {
	last := len(cells)
	for last > 0 && strings.TrimSpace(cells[last-1]) == "" {
		last--
	}
	index := headerIndex(src)
	cols := make([]column, len(cells))
	seen := make([]bool, len(src.Fields))
	var unknown []string
	for i, h := range cells {
		if i >= last {
			cols[i] = column{field: -1}
			continue
		}
		c, ok := index[normHeader(h)]
		switch {
		case strings.TrimSpace(h) == "":
			return nil, fileErr("feed.empty_header", i+1)
		case !ok:
			unknown = append(unknown, "“"+clip(strings.TrimSpace(h))+"”")
			continue
		case seen[c.field] && src.Fields[c.field].Type == TypeID:
			return nil, fileErr("feed.both_id")
		case seen[c.field]:
			return nil, fileErr("feed.duplicate_column", src.Fields[c.field].Label)
		}
		seen[c.field] = true
		cols[i] = c
	}
	if len(unknown) > 0 {
		return nil, fileErr("feed.unknown_columns", src.Label, listOf(unknown))
	}
	var missing []string
	for i, f := range src.Fields {
		if f.Required && !seen[i] {
			label := "“" + f.Label + "”"
			if f.Type == TypeID {
				label = t("feed.id_column")
			}
			missing = append(missing, label)
		}
	}
	if len(missing) > 0 {
		return nil, fileErr("feed.missing_columns", src.Label, listOf(missing))
	}
	return cols, nil
}

// listOf joins names for a message, naming at most ten.
func listOf(names []string) string {
	if len(names) > 10 {
		return strings.Join(names[:10], "、") + t("feed.and_more", len(names)-10)
	}
	return strings.Join(names, "、")
}

// clip shortens a header for a message.
func clip(s string) string {
	if utf8.RuneCountInString(s) > 30 {
		return string([]rune(s)[:30]) + "…"
	}
	return s
}
