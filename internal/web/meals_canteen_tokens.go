package web

import (
	"net/http"
	"strings"
	"unicode/utf8"

	"github.com/minzheng/minzheng/internal/apperr"
	"github.com/minzheng/minzheng/internal/auth"
	"github.com/minzheng/minzheng/internal/meals"
)

// mealTokenContent is the page that shows a new terminal token's secret, once: only its hash is
// stored, so whoever issued it copies it into the terminal now or issues another.
type mealTokenContent struct {
	C      *meals.Canteen
	Name   string
	Secret string
}

// maxTokenName bounds a terminal's name ("一号窗口", "送餐平板").
const maxTokenName = 40

// mealTokenIssue issues a terminal token of canteen {id} and shows its secret once.
func (s *Site) mealTokenIssue(w http.ResponseWriter, r *http.Request) {
	c, err := s.loadMealCanteen(r)
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	f := newForm(r)
	name := strings.TrimSpace(f.Get("name"))
	var secret string
	if name == "" || utf8.RuneCountInString(name) > maxTokenName {
		err = apperr.FieldMsg("name", "meals.ui.canteen.token_name_required", maxTokenName)
	} else {
		_, secret, err = s.deps.Meals.IssueTerminalToken(r.Context(), auth.FromContext(r.Context()), c.C.ID, name)
	}
	if err != nil {
		c.TokenForm = f
		s.refused(w, r, f, onlyFields(err, []string{"name"}), func(status int) { s.showMealCanteen(w, r, status, c) })
		return
	}
	w.Header().Set("Cache-Control", "no-store")
	s.render(w, r, http.StatusCreated, "meals_canteen_token", s.msg.T("meals.ui.canteen.token_issued"),
		mealTokenContent{C: c.C, Name: name, Secret: secret})
}

// mealTokenRevoke revokes terminal token {token} of canteen {id}: the terminal holding it is
// refused from then on. It asks for confirmation, since a counter may stop working.
func (s *Site) mealTokenRevoke(w http.ResponseWriter, r *http.Request) {
	c, err := s.loadMealCanteen(r)
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	if err := requireConfirm(r); err != nil {
		s.canteenActionRefused(w, r, c, err)
		return
	}
	tokenID, err := pathNumber(r, "token", "meals.ui.canteen.token_notfound")
	if err == nil && !c.hasToken(tokenID) {
		err = apperr.Msg(apperr.NotFound, "meals.ui.canteen.token_notfound")
	}
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	if err := s.deps.Meals.RevokeTerminalToken(r.Context(), auth.FromContext(r.Context()), tokenID); err != nil {
		s.canteenActionRefused(w, r, c, err)
		return
	}
	http.Redirect(w, r, doneURL(canteenURL(c.C.ID), "token_revoked")+"#tokens", http.StatusSeeOther)
}

// hasToken reports whether token id is one of the canteen's.
func (c *mealCanteenContent) hasToken(id int64) bool {
	for _, t := range c.Tokens {
		if t.ID == id {
			return true
		}
	}
	return false
}
