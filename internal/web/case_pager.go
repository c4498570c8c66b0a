package web

import (
	"net/url"
	"strconv"
)

// pager is what the "pager" template below a paged list shows: the number of rows, the page
// shown out of how many, and the links to the pages either side. Page structs embed it.
type pager struct {
	Total   int
	Page    int
	Pages   int
	PrevURL string
	NextURL string
}

// pageCount is the number of pages total rows fill, at least one.
func pageCount(total, perPage int) int {
	return max(1, (total+perPage-1)/perPage)
}

// paging is the pager of page of a list of total rows; pageURL writes the link to page n.
func paging(total, page, perPage int, pageURL func(n int) string) pager {
	p := pager{Total: total, Page: page, Pages: pageCount(total, perPage)}
	if p.Page > 1 {
		p.PrevURL = pageURL(p.Page - 1)
	}
	if p.Page < p.Pages {
		p.NextURL = pageURL(p.Page + 1)
	}
	return p
}

// pageLink writes the links of a list at path whose filters are q: the same query with another
// page.
func pageLink(path string, q url.Values) func(n int) string {
	return func(n int) string {
		v := url.Values{}
		for k, vs := range q {
			v[k] = vs
		}
		v.Set("page", strconv.Itoa(n))
		return path + "?" + v.Encode()
	}
}
