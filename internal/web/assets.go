package web

import (
	"crypto/sha256"
	"embed"
	"encoding/hex"
	"fmt"
	"io/fs"
	"mime"
	"net/http"
	"path"
	"strings"
)

//go:embed static
var staticFiles embed.FS

// assets serves the embedded static files under content-hashed names (app.3f2a9c1b7d.css), so a
// browser may cache them forever and a new release is still picked up at once.
type assets struct {
	hashed map[string]string // "app.css" → "/static/app.3f2a9c1b7d.css"
	byURL  map[string]string // "app.3f2a9c1b7d.css" → "app.css"
	data   map[string][]byte
}

func loadAssets() (*assets, error) {
	a := &assets{hashed: map[string]string{}, byURL: map[string]string{}, data: map[string][]byte{}}
	err := fs.WalkDir(staticFiles, "static", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, err := staticFiles.ReadFile(p)
		if err != nil {
			return err
		}
		name := strings.TrimPrefix(p, "static/")
		sum := sha256.Sum256(b)
		ext := path.Ext(name)
		hashedName := strings.TrimSuffix(name, ext) + "." + hex.EncodeToString(sum[:5]) + ext
		a.hashed[name] = "/static/" + hashedName
		a.byURL[hashedName] = name
		a.data[name] = b
		return nil
	})
	return a, err
}

// url returns the content-hashed URL of a static file; an unknown name is a programming error
// caught when templates are first rendered in tests.
func (a *assets) url(name string) (string, error) {
	u, ok := a.hashed[name]
	if !ok {
		return "", fmt.Errorf("web: no static file %q", name)
	}
	return u, nil
}

func (a *assets) serve(w http.ResponseWriter, r *http.Request) {
	name, ok := a.byURL[r.PathValue("file")]
	if !ok {
		http.NotFound(w, r)
		return
	}
	ctype := mime.TypeByExtension(path.Ext(name))
	if ctype == "" {
		ctype = "application/octet-stream"
	}
	w.Header().Set("Content-Type", ctype)
	w.Header().Set("Cache-Control", "public, max-age=31536000, immutable")
	_, _ = w.Write(a.data[name])
}
