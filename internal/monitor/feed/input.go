package feed

import (
	"bufio"
	"bytes"
	"errors"
	"io"
	"unicode/utf8"

	"golang.org/x/text/encoding/simplifiedchinese"
	"golang.org/x/text/encoding/unicode"
	"golang.org/x/text/transform"
)

const (
	// sniffSize is how much text the encoding is guessed from: enough for the header and
	// hundreds of rows, so a GBK file whose first rows happen to be ASCII is still recognised.
	sniffSize = 64 << 10
	// bufSize is the read buffer; a line that fits is handed out without copying.
	bufSize = 256 << 10
	// maxLine bounds one physical line (and one CSV record): no feed row comes near it, and a
	// binary or runaway file is refused instead of filling memory.
	maxLine = 1 << 20
)

var utf8BOM = []byte{0xEF, 0xBB, 0xBF}

// input is the decoded text of a CSV or JSONL file, handed out one physical line at a time.
type input struct {
	br     *bufio.Reader // decoded text
	raw    *bufio.Reader // the caller's bytes; the same reader as br when no decoding is needed
	count  *countingReader
	direct bool  // br == raw: consumed is exact
	used   int64 // bytes consumed from raw, when direct
	line   int   // number of the last line handed out
	long   []byte
}

// openInput settles the encoding and positions the reader after any byte-order mark. enc is ""
// (detect), "utf-8" or "gbk"; the caller has validated it.
func openInput(r io.Reader, enc string) (*input, error) {
	in := &input{count: &countingReader{r: r}}
	in.raw = bufio.NewReaderSize(in.count, bufSize)
	peek, err := in.raw.Peek(sniffSize)
	atEOF := err == io.EOF
	if err != nil && !atEOF {
		return nil, readErr(err)
	}
	if enc == "" {
		switch {
		case bytes.HasPrefix(peek, utf8BOM):
			enc = "utf-8"
		case bytes.HasPrefix(peek, []byte{0xFF, 0xFE}), bytes.HasPrefix(peek, []byte{0xFE, 0xFF}):
			enc = "utf-16" // Excel's "Unicode 文本"
		case validUTF8(peek, atEOF):
			enc = "utf-8"
		case gbkText(peek, atEOF):
			enc = "gbk"
		default:
			return nil, fileErr("feed.encoding")
		}
	}
	switch enc {
	case "utf-8":
		if bytes.HasPrefix(peek, utf8BOM) {
			_, _ = in.raw.Discard(len(utf8BOM))
			in.used = int64(len(utf8BOM))
		}
		in.br, in.direct = in.raw, true
	case "gbk": // GB18030 decodes GBK and is its superset, so a rare character is not lost
		in.br = bufio.NewReaderSize(transform.NewReader(in.raw, simplifiedchinese.GB18030.NewDecoder()), bufSize)
	case "utf-16":
		dec := unicode.UTF16(unicode.LittleEndian, unicode.UseBOM).NewDecoder()
		in.br = bufio.NewReaderSize(transform.NewReader(in.raw, dec), bufSize)
	}
	return in, nil
}

// validUTF8 reports whether b is UTF-8, forgiving a character cut in two at the end of a sniff.
func validUTF8(b []byte, atEOF bool) bool {
	if !atEOF {
		for i := len(b) - 1; i >= 0 && i >= len(b)-utf8.UTFMax; i-- {
			if utf8.RuneStart(b[i]) {
				if !utf8.FullRune(b[i:]) {
					b = b[:i]
				}
				break
			}
		}
	}
	return utf8.Valid(b)
}

// gbkText reports whether b decodes as GB18030 without replacement characters; bytes that are
// neither UTF-8 nor GBK are refused rather than turned into question marks.
func gbkText(b []byte, atEOF bool) bool {
	dst := make([]byte, 2*len(b)+16)
	n, _, err := simplifiedchinese.GB18030.NewDecoder().Transform(dst, b, atEOF)
	if err != nil && !errors.Is(err, transform.ErrShortSrc) {
		return false
	}
	return !bytes.ContainsRune(dst[:n], utf8.RuneError)
}

// next returns the next physical line without its line ending, or io.EOF. The slice is valid
// until the following call. A too-long line or a read failure is a *FileError.
func (in *input) next() ([]byte, error) {
	b, err := in.br.ReadSlice('\n')
	if errors.Is(err, bufio.ErrBufferFull) {
		in.long = append(in.long[:0], b...)
		for errors.Is(err, bufio.ErrBufferFull) {
			if len(in.long) > maxLine {
				return nil, fileErr("feed.line_too_long", in.line+1, maxLine>>20)
			}
			b, err = in.br.ReadSlice('\n')
			in.long = append(in.long, b...)
		}
		b = in.long
	}
	switch {
	case err == io.EOF && len(b) == 0:
		return nil, io.EOF
	case err != nil && err != io.EOF:
		return nil, readErr(err)
	case len(b) > maxLine:
		return nil, fileErr("feed.line_too_long", in.line+1, maxLine>>20)
	}
	in.line++
	if in.direct {
		in.used += int64(len(b))
	}
	if n := len(b); n > 0 && b[n-1] == '\n' {
		b = b[:n-1]
	}
	if n := len(b); n > 0 && b[n-1] == '\r' {
		b = b[:n-1]
	}
	return b, nil
}

// offset is the number of input bytes consumed; when decoding, it runs ahead of the lines
// handed out by the decoder's buffers, which is close enough for a progress bar.
func (in *input) offset() int64 {
	if in.direct {
		return in.used
	}
	return in.count.n - int64(in.raw.Buffered())
}

type countingReader struct {
	r io.Reader
	n int64
}

func (c *countingReader) Read(p []byte) (int, error) {
	n, err := c.r.Read(p)
	c.n += int64(n)
	return n, err
}
