package feed

import (
	"bytes"
	"encoding/json"
	"io"
)

// jsonlRecords reads JSON Lines: one object per line, keys are field names (the identity as
// "id_number" or "id_hash"), values strings, numbers or null. Each line names its own columns, so
// what a CSV header would refuse (an unknown or repeated key) is an error of that line. Machine
// feeds that send JSONL are small next to the bulk CSV files, so encoding/json's token reader,
// which keeps numbers as written, is fast enough and strict about syntax.
type jsonlRecords struct {
	in    *input
	src   *Source
	index map[string]column
	seen  []bool
	cols  []column
	cells [][]byte
	buf   []byte
	ends  []int
}

func openJSONL(src *Source, r io.Reader, enc string) (*jsonlRecords, error) {
	in, err := openInput(r, enc)
	if err != nil {
		return nil, err
	}
	index := map[string]column{}
	for i, f := range src.Fields {
		if f.Type == TypeID {
			index[ColIDNumber] = column{i, true}
			index[ColIDHash] = column{i, false}
			continue
		}
		index[f.Name] = column{field: i}
	}
	return &jsonlRecords{in: in, src: src, index: index, seen: make([]bool, len(src.Fields))}, nil
}

func (j *jsonlRecords) next() (int, []column, [][]byte, error) {
	for {
		b, err := j.in.next()
		if err != nil {
			return 0, nil, nil, err
		}
		if b = bytes.TrimSpace(b); len(b) == 0 {
			continue
		}
		if err := j.object(b, j.in.line); err != nil {
			return 0, nil, nil, err
		}
		return j.in.line, j.cols, j.cells, nil
	}
}

// object decodes one line into cols and cells.
func (j *jsonlRecords) object(b []byte, line int) *RowError {
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.UseNumber()
	if tok, err := dec.Token(); err != nil || tok != json.Delim('{') {
		return rowErr(line, "feed.json")
	}
	j.cols, j.buf, j.ends = j.cols[:0], j.buf[:0], j.ends[:0]
	clear(j.seen)
	for dec.More() {
		ktok, err := dec.Token()
		if err != nil {
			return rowErr(line, "feed.json")
		}
		key, _ := ktok.(string)
		vtok, err := dec.Token()
		if err != nil {
			return rowErr(line, "feed.json")
		}
		col, ok := j.index[key]
		if !ok {
			return rowErr(line, "feed.json_key", quote([]byte(key)))
		}
		f := &j.src.Fields[col.field]
		switch v := vtok.(type) {
		case string:
			j.buf = append(j.buf, v...)
		case json.Number:
			j.buf = append(j.buf, v...)
		case nil:
		default: // true, false, or the start of an object or array
			return cellErr(line, f, "feed.json_value")
		}
		switch {
		case j.seen[col.field] && f.Type == TypeID:
			return rowErr(line, "feed.both_id")
		case j.seen[col.field]:
			return cellErr(line, f, "feed.json_repeated")
		}
		j.seen[col.field] = true
		j.cols = append(j.cols, col)
		j.ends = append(j.ends, len(j.buf))
	}
	if tok, err := dec.Token(); err != nil || tok != json.Delim('}') {
		return rowErr(line, "feed.json")
	}
	if _, err := dec.Token(); err != io.EOF { // something after the object
		return rowErr(line, "feed.json")
	}
	j.cells = j.cells[:0]
	from := 0
	for _, end := range j.ends {
		j.cells = append(j.cells, j.buf[from:end])
		from = end
	}
	return nil
}

func (j *jsonlRecords) offset() int64 { return j.in.offset() }
func (j *jsonlRecords) close() error  { return nil }
