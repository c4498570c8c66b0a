package web

import (
	"net/http"
	"strconv"

	"github.com/minzheng/minzheng/internal/auth"
	"github.com/minzheng/minzheng/internal/httpx"
	"github.com/minzheng/minzheng/internal/payout"
	"github.com/minzheng/minzheng/internal/registry"
)

// payeeContent is where a household's assistance is paid: the account on record (masked) and
// the form that changes it.
type payeeContent struct {
	H          *registry.Household
	RegionName string
	Payee      *payout.Payee
	Form       *form
	Saved      bool
}

func payeeURL(hid int64) string { return "/households/" + strconv.FormatInt(hid, 10) + "/payee" }

// loadPayee reads household {id} within the caller's scope and its payee.
func (s *Site) loadPayee(r *http.Request) (*payeeContent, error) {
	p, h, err := lookupPath(r, "registry.notfound", s.deps.Registry.Get)
	if err != nil {
		return nil, err
	}
	pe, err := s.deps.Payout.PayeeOf(r.Context(), p, h.ID)
	if err != nil {
		return nil, err
	}
	return &payeeContent{H: h, RegionName: s.regionBelow(r, p, h.RegionCode), Payee: pe, Form: emptyForm()}, nil
}

func (s *Site) payeeTitle(c *payeeContent) string {
	return c.H.Head().Name + s.msg.T("hh.title_suffix") + " · " + s.msg.T("payout.ui.payee_title")
}

// payeePage shows a household's payee and the form to record or change it.
func (s *Site) payeePage(w http.ResponseWriter, r *http.Request) {
	c, err := s.loadPayee(r)
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	c.Saved = r.URL.Query().Get("done") == "saved"
	if c.Payee != nil {
		c.Form.Values = map[string][]string{"holder_name": {c.Payee.HolderName}, "bank": {c.Payee.Bank}}
	}
	s.render(w, r, http.StatusOK, "payout_payee", s.payeeTitle(c), c)
}

// payeeSave records the household's bank account; the store seals it and keeps only a masked
// form for the screen. The next roster of the household's district carries the new account.
func (s *Site) payeeSave(w http.ResponseWriter, r *http.Request) {
	c, err := s.loadPayee(r)
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	f := newForm(r)
	err = s.deps.Payout.SetPayee(r.Context(), auth.FromContext(r.Context()), c.H.ID, f.Get("holder_name"), f.Get("bank"),
		f.Get("account"), httpx.ClientIP(r))
	if err != nil {
		s.refused(w, r, f, err, func(status int) {
			c.Form = f
			s.render(w, r, status, "payout_payee", s.payeeTitle(c), c)
		})
		return
	}
	http.Redirect(w, r, payeeURL(c.H.ID)+"?done=saved", http.StatusSeeOther)
}
