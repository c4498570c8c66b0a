package web

import (
	"bytes"
	"encoding/csv"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"github.com/minzheng/minzheng/internal/apperr"
	"github.com/minzheng/minzheng/internal/monitor/feed"
)

// monitorSourcesContent lists the feeds an agency may send, with their columns, so that staff
// can tell an agency what its file must hold. The reference for agencies is
// docs/agency-feeds.md; this page is the same list as the running server knows it.
type monitorSourcesContent struct {
	Sources []sourceView
}

// sourceView is a feed with its columns described.
type sourceView struct {
	feed.Source
	Columns []columnView
}

// columnView is one column as an agency writes it: the header (the name or the Chinese label;
// the identity column has two spellings for raw numbers and for hashes), its type in words,
// whether it is required, and what values it allows.
type columnView struct {
	Name, Label, Type, Rule string
	Required                bool
}

func (s *Site) monitorSourcesPage(w http.ResponseWriter, r *http.Request) {
	var c monitorSourcesContent
	for _, src := range feed.Sources() {
		v := sourceView{Source: src}
		for _, f := range src.Fields {
			v.Columns = append(v.Columns, s.columnOf(f))
		}
		c.Sources = append(c.Sources, v)
	}
	s.render(w, r, http.StatusOK, "monitor_sources", s.msg.T("monitor.batches.ui.sources_title"), c)
}

// columnOf describes a field for the sources page.
func (s *Site) columnOf(f feed.Field) columnView {
	c := columnView{Name: f.Name, Label: f.Label, Required: f.Required, Type: s.msg.T("monitor.batches.ui.type." + string(f.Type))}
	switch f.Type {
	case feed.TypeID:
		c.Name = feed.ColIDNumber + " / " + feed.ColIDHash
		c.Label = feed.ColIDNumberLabel + " / " + feed.ColIDHashLabel
		c.Rule = s.msg.T("monitor.batches.ui.rule.id")
	case feed.TypeEnum:
		vals := make([]string, len(f.Values))
		for i, v := range f.Values {
			vals[i] = v
			if i < len(f.ValueLabels) {
				vals[i] += "（" + f.ValueLabels[i] + "）"
			}
		}
		c.Rule = strings.Join(vals, "、")
	case feed.TypeInt:
		c.Rule = strconv.FormatInt(f.Min, 10) + "–" + strconv.FormatInt(f.Max, 10)
	case feed.TypeText:
		if f.MaxLen > 0 {
			c.Rule = s.msg.T("monitor.batches.ui.rule.max_len", f.MaxLen)
		}
	case feed.TypeMoney:
		c.Rule = s.msg.T("monitor.batches.ui.rule.money")
		if f.Negative {
			c.Rule += "；" + s.msg.T("monitor.batches.ui.rule.negative")
		}
	case feed.TypeDate, feed.TypeMonth:
		c.Rule = s.msg.T("monitor.batches.ui.rule."+string(f.Type)) + "；" + s.msg.T("monitor.batches.ui.rule.not_future")
		if f.Future {
			c.Rule = s.msg.T("monitor.batches.ui.rule."+string(f.Type)) + "；" + s.msg.T("monitor.batches.ui.rule.future")
		}
	case feed.TypeRegion:
		c.Rule = s.msg.T("monitor.batches.ui.rule.region")
	}
	return c
}

// monitorSourceTemplate downloads the header row of a source as CSV, in the Chinese labels the
// agency's staff read, UTF-8 with a byte-order mark so that Excel opens it as it is. The
// identity column is headed 身份证号; an agency sending hashes renames it 身份证号哈希.
func (s *Site) monitorSourceTemplate(w http.ResponseWriter, r *http.Request) {
	src, ok := feed.Lookup(r.PathValue("name"))
	if !ok {
		s.renderError(w, r, apperr.Msg(apperr.NotFound, "monitor.batches.ui.source_notfound"))
		return
	}
	head := make([]string, len(src.Fields))
	for i, f := range src.Fields {
		head[i] = f.Label
	}
	var buf bytes.Buffer
	buf.WriteString("\uFEFF")
	cw := csv.NewWriter(&buf)
	cw.UseCRLF = true
	_ = cw.Write(head)
	cw.Flush()
	w.Header().Set("Content-Type", "text/csv; charset=utf-8")
	w.Header().Set("Content-Disposition", `attachment; filename="`+src.Name+`-template.csv"; filename*=UTF-8''`+
		url.PathEscape(src.Label+"模板.csv"))
	_, _ = w.Write(buf.Bytes())
}
