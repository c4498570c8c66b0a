package web

import (
	"context"
	"net/http"
	"strings"

	"github.com/minzheng/minzheng/internal/apperr"
	"github.com/minzheng/minzheng/internal/assistance"
	"github.com/minzheng/minzheng/internal/auth"
	"github.com/minzheng/minzheng/internal/civil"
	"github.com/minzheng/minzheng/internal/httpx"
	"github.com/minzheng/minzheng/internal/region"
)

// The public notice (公示) is read by neighbours on their phones and printed for the community's
// notice board, so its pages follow the 适老化 rules (large type, high contrast, one task per page)
// and show only what the law says must be posted: names and ID numbers masked.
//
// noticeContent is the list of one district or street, with the area select above it.
type noticeContent struct {
	Options    []noticeGroup
	Region     string
	RegionName string
	Rows       []noticeRow
	From, To   string // the period the list covers, 2024年3月1日
	Error      string
}

// noticeGroup is one district in the area select, with its streets.
type noticeGroup struct {
	Code, Name string
	Streets    []region.Division
}

// noticeRow is one posted case, with its place named below the chosen area.
type noticeRow struct {
	assistance.NoticeRow
	Place      string
	From, To   string
	AmountText string
}

// noticeCaseContent is one posted case with the objection form, or the thanks after it.
type noticeCaseContent struct {
	Row    noticeRow
	Form   *form
	Thanks bool
}

func (s *Site) registerNotice() {
	s.page("GET", "/notice", auth.Public, s.noticePage, nil)
	s.page("GET", "/notice/{id}", auth.Public, s.noticeCasePage, nil)
	s.page("POST", "/notice/{id}/objections", auth.Public, s.noticeObjection, nil)
}

// noticeOptions lists the city's districts and their streets for the area select. One read of
// the city's tree is several times cheaper than counting each district, which matters on a page
// anyone may open.
func (s *Site) noticeOptions(ctx context.Context) ([]noticeGroup, *region.Tree, error) {
	tree, err := region.LoadTree(ctx, s.deps.DB, s.deps.Root)
	if err != nil {
		return nil, nil, err
	}
	var out []noticeGroup
	for _, d := range tree.Children(s.deps.Root) {
		out = append(out, noticeGroup{Code: d.Code, Name: d.Name, Streets: tree.Children(d.Code)})
	}
	return out, tree, nil
}

// placeName names code by the divisions below the city, as a neighbour reads it.
func (s *Site) placeName(ctx context.Context, code string) string {
	path, err := region.PathTo(ctx, s.deps.DB, code)
	if err != nil {
		return code
	}
	var names []string
	for _, d := range path {
		if len(d.Code) > len(s.deps.Root) {
			names = append(names, d.Name)
		}
	}
	if len(names) == 0 {
		return path[len(path)-1].Name
	}
	return strings.Join(names, " / ")
}

// noticeRowOf writes a posted case as a notice does: dates 2024年3月1日, amounts 1045.00元.
func (s *Site) noticeRowOf(r assistance.NoticeRow, place string) noticeRow {
	amount := r.Amount.Notice()
	if r.Amount == 0 {
		amount = "—" // a recognition (低保边缘 and the like) pays nothing by itself
	} else if r.OneOff {
		amount = s.msg.T("pubnotice.one_off", amount)
	} else {
		amount = s.msg.T("pubnotice.monthly", amount)
	}
	return noticeRow{NoticeRow: r, Place: place, From: r.From.Chinese(), To: r.To.Chinese(), AmountText: amount}
}

// noticePage lists the cases on public notice in the chosen district or street, for anyone, and
// prints as the list posted on the notice board.
func (s *Site) noticePage(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	opts, tree, err := s.noticeOptions(ctx)
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	c := noticeContent{Options: opts, Region: strings.TrimSpace(r.URL.Query().Get("region"))}
	status := http.StatusOK
	if c.Region != "" {
		if _, ok := tree.Get(c.Region); !ok || c.Region == s.deps.Root {
			c.Error, c.Region, status = s.msg.T("pubnotice.bad_region"), "", http.StatusNotFound
		} else {
			c.RegionName = tree.PathBelow(region.Scope(s.deps.Root), c.Region)
		}
	}
	if c.Region != "" {
		rows, err := s.deps.Cases.PublicNotice(ctx, c.Region)
		if err != nil {
			s.renderError(w, r, err)
			return
		}
		var from, to civil.Date
		for _, row := range rows {
			c.Rows = append(c.Rows, s.noticeRowOf(row, tree.PathBelow(region.Scope(c.Region), row.RegionCode)))
			if from.IsZero() || row.From.Before(from) {
				from = row.From
			}
			if row.To.After(to) {
				to = row.To
			}
		}
		c.From, c.To = from.Chinese(), to.Chinese()
	}
	s.render(w, r, status, "notice", s.msg.T("pubnotice.title"), c)
}

// loadNoticeCase finds case {id} while its notice runs; afterwards, or for any other case, the
// public sees nothing.
func (s *Site) loadNoticeCase(r *http.Request) (*noticeCaseContent, error) {
	id, err := pathNumber(r, "id", "case.notice_notfound")
	if err != nil {
		return nil, err
	}
	row, ok, err := s.deps.Cases.NoticeCase(r.Context(), id)
	if err != nil {
		return nil, err
	}
	if !ok {
		return nil, apperr.Msg(apperr.NotFound, "case.notice_notfound")
	}
	place := s.placeName(r.Context(), row.RegionCode)
	return &noticeCaseContent{Row: s.noticeRowOf(row, place), Form: &form{Errors: map[string]string{}}}, nil
}

// noticeCasePage shows one posted case and the form to object to it, which needs no account.
func (s *Site) noticeCasePage(w http.ResponseWriter, r *http.Request) {
	c, err := s.loadNoticeCase(r)
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	s.render(w, r, http.StatusOK, "notice_case", s.msg.T("pubnotice.object_title"), c)
}

// noticeObjection files a neighbour's objection; the street must settle it before the notice
// may end, and an upheld one reopens the case.
func (s *Site) noticeObjection(w http.ResponseWriter, r *http.Request) {
	c, err := s.loadNoticeCase(r)
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	f := newForm(r)
	_, err = s.deps.Cases.FileObjection(r.Context(), c.Row.ApplicationID, f.Get("name"), f.Get("contact"), f.Get("content"),
		httpx.ClientIP(r))
	if err != nil {
		s.refused(w, r, f, err, func(status int) {
			if msg, ok := f.Errors["filer"]; ok {
				f.Errors["name"] = msg
			}
			c.Form = f
			s.render(w, r, status, "notice_case", s.msg.T("pubnotice.object_title"), c)
		})
		return
	}
	c.Thanks = true
	s.render(w, r, http.StatusOK, "notice_case", s.msg.T("pubnotice.thanks_title"), c)
}
