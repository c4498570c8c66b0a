package web

import (
	"sort"
	"strings"

	"github.com/minzheng/minzheng/internal/auth"
)

// NavEntry places a page in the left navigation. Pages register their own entry when they
// register their route, so the navigation can never link to a page that does not exist.
type NavEntry struct {
	// Section is the message key of the module heading, e.g. "nav.section.base".
	Section string
	// Label is the message key of the link text.
	Label string
	// Order sorts entries within a section and sections by their first entry.
	Order int
	// Perm is the page's permission, filled in by Site.page; the entry shows only to holders.
	Perm auth.Permission
}

type navItem struct {
	NavEntry
	Path   string
	Active bool
}

type navSection struct {
	Title string
	Items []navItem
}

// nav collects registered entries; it is filled while the site is built and read-only after.
type nav struct {
	items []navItem
}

func (n *nav) add(path string, e NavEntry) {
	n.items = append(n.items, navItem{NavEntry: e, Path: path})
}

// sections groups the entries p may use for rendering, marking the one whose path best matches
// current.
func (n *nav) sections(p *auth.Principal, current string) []navSection {
	var items []navItem
	for _, it := range n.items {
		if it.Perm == auth.Public || p.Can(it.Perm) {
			items = append(items, it)
		}
	}
	sort.SliceStable(items, func(i, j int) bool { return items[i].Order < items[j].Order })
	best := -1
	for i, it := range items {
		if it.Path == current || (it.Path != "/" && strings.HasPrefix(current, it.Path+"/")) {
			if best < 0 || len(it.Path) > len(items[best].Path) {
				best = i
			}
		}
	}
	var out []navSection
	index := map[string]int{}
	for i, it := range items {
		it.Active = i == best
		k, ok := index[it.Section]
		if !ok {
			k = len(out)
			index[it.Section] = k
			out = append(out, navSection{Title: it.Section})
		}
		out[k].Items = append(out[k].Items, it)
	}
	return out
}
