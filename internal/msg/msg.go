// Package msg is the message catalogue: every string a person reads in the UI or in an API error
// comes from here by key, so that the Simplified Chinese catalogue (the default) can be joined by
// an English one without touching pages. Catalogues are plain "key = text" files embedded in the
// binary; text may hold fmt verbs filled by T's arguments.
package msg

import (
	"bufio"
	"bytes"
	"embed"
	"fmt"
	"io/fs"
	"path"
	"sort"
	"strings"
	"sync"
)

// A language's catalogue is catalog/<lang>.txt together with every catalog/<lang>/*.txt: one file
// per area of the platform keeps a change to one area from touching the others' texts.
//
//go:embed catalog
var files embed.FS

// DefaultLang is the language served when none is chosen.
const DefaultLang = "zh-CN"

// Catalog maps message keys to text in one language.
type Catalog struct {
	Lang string
	m    map[string]string
}

// Load reads the embedded catalogue for lang (for example "zh-CN"): catalog/<lang>.txt and the
// area files in catalog/<lang>/. A key given twice, in one file or in two, is an error.
func Load(lang string) (*Catalog, error) {
	b, err := files.ReadFile("catalog/" + lang + ".txt")
	if err != nil {
		return nil, fmt.Errorf("msg: no catalogue for %q", lang)
	}
	c := &Catalog{Lang: lang, m: map[string]string{}}
	if err := c.parse(lang+".txt", b); err != nil {
		return nil, err
	}
	areas, _ := fs.Glob(files, "catalog/"+lang+"/*.txt") // the pattern is well formed
	for _, name := range areas {
		b, err := files.ReadFile(name)
		if err != nil {
			return nil, err
		}
		if err := c.parse(path.Base(name), b); err != nil {
			return nil, err
		}
	}
	return c, nil
}

// Parse reads a catalogue in "key = text" form; blank lines and lines starting with # are skipped.
// A malformed or repeated key is an error naming the line.
func Parse(lang string, data []byte) (*Catalog, error) {
	c := &Catalog{Lang: lang, m: map[string]string{}}
	if err := c.parse(lang, data); err != nil {
		return nil, err
	}
	return c, nil
}

// parse adds the "key = text" lines of data, from the file named name, to c.
func (c *Catalog) parse(name string, data []byte) error {
	sc := bufio.NewScanner(bytes.NewReader(data))
	for n := 1; sc.Scan(); n++ {
		line := strings.TrimSpace(sc.Text())
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		key, text, ok := strings.Cut(line, "=")
		key, text = strings.TrimSpace(key), strings.TrimSpace(text)
		if !ok || key == "" || strings.ContainsAny(key, " \t") {
			return fmt.Errorf("msg: %s line %d: want \"key = text\"", name, n)
		}
		if _, dup := c.m[key]; dup {
			return fmt.Errorf("msg: %s line %d: key %q repeated", name, n, key)
		}
		c.m[key] = text
	}
	return sc.Err()
}

// Default returns the zh-CN catalogue; it panics only if the embedded file is broken, which a
// test rules out.
func Default() *Catalog {
	defaultOnce.Do(func() {
		c, err := Load(DefaultLang)
		if err != nil {
			panic(err)
		}
		defaultCatalog = c
	})
	return defaultCatalog
}

var (
	defaultOnce    sync.Once
	defaultCatalog *Catalog
)

// T returns the text for key, formatted with args when given. A missing key returns "«key»" so
// that it is visible on the page and caught by tests, never a blank.
func (c *Catalog) T(key string, args ...any) string {
	text, ok := c.m[key]
	if !ok {
		return "«" + key + "»"
	}
	if len(args) > 0 {
		return fmt.Sprintf(text, args...)
	}
	return text
}

// Has reports whether key is in the catalogue.
func (c *Catalog) Has(key string) bool {
	_, ok := c.m[key]
	return ok
}

// Keys lists every key, sorted.
func (c *Catalog) Keys() []string {
	keys := make([]string, 0, len(c.m))
	for k := range c.m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}
