package registry

import (
	"context"
	"fmt"
	"strings"

	"github.com/minzheng/minzheng/internal/apperr"
	"github.com/minzheng/minzheng/internal/audit"
	"github.com/minzheng/minzheng/internal/auth"
	"github.com/minzheng/minzheng/internal/civil"
	"github.com/minzheng/minzheng/internal/db"
	"github.com/minzheng/minzheng/internal/idcard"
	"github.com/minzheng/minzheng/internal/pii"
)

// Query selects persons. Empty fields match everything; set fields must all match.
type Query struct {
	Name      string // part of a name; exact when NameExact
	NameExact bool
	IDNumber  string // whole ID number (15 or 18 digits), matched through its keyed hash
	Phone     string // whole phone number, matched through its keyed hash
	Address   string // part of the household address
	Region    string // region code prefix, narrowed to the caller's scope
	Tier      Tier   // current tier of the household or the person
	Disabled  bool
	Elderly   bool // 60 and over
	Minor     bool // under 18
	Ill       bool // seriously ill
	Sort      string
	Page      int
	PerPage   int
}

// Row is one person found, with the household's address and region.
type Row struct {
	Person
	Address    string
	RegionCode string
}

// sorts maps the sort keys the UI offers to ORDER BY clauses; the id breaks ties so pages are stable.
var sorts = map[string]string{
	"":       "p.region_code, p.household_id, p.position, p.id",
	"name":   "p.name, p.id",
	"birth":  "p.birth_date, p.id",
	"-birth": "p.birth_date DESC, p.id",
	"region": "p.region_code, p.id",
}

// Search finds persons within the caller's scope, with the total number of matches for paging.
func (s *Store) Search(ctx context.Context, p *auth.Principal, q Query) ([]Row, int, error) {
	where, args, err := s.where(p, q)
	if err != nil {
		return nil, 0, err
	}
	order, ok := sorts[q.Sort]
	if !ok {
		return nil, 0, apperr.FieldMsg("sort", "registry.sort_invalid")
	}
	from := ` FROM persons p WHERE ` + where
	if strings.Contains(where, "h.") {
		from = ` FROM persons p JOIN households h ON h.id = p.household_id WHERE ` + where
	}
	if q.PerPage <= 0 {
		q.PerPage = 50
	}
	q.PerPage = min(q.PerPage, 1000)
	q.Page = max(q.Page, 1)
	// First the page's ids and, through the window, the number of all matches, in one pass that
	// touches only persons; then the page's rows in full. A search for one or two characters of a
	// name and nothing else is answered by the name-piece index alone, listed by region.
	idQuery := `SELECT p.id, COUNT(*) OVER ()` + from + ` ORDER BY ` + order + ` LIMIT ? OFFSET ?`
	idArgs := append(args, q.PerPage, (q.Page-1)*q.PerPage)
	if g, prefix, ok := gramOnly(p, q); ok {
		cond, a := db.PrefixRange("g.region_code", prefix)
		idQuery = `SELECT g.person_id, COUNT(*) OVER () FROM person_name_grams g WHERE g.gram = ? AND ` + cond +
			` ORDER BY g.region_code, g.person_id LIMIT ? OFFSET ?`
		idArgs = append(append([]any{g}, a...), q.PerPage, (q.Page-1)*q.PerPage)
	}
	idRows, err := s.DB.Query(ctx, idQuery, idArgs...)
	if err != nil {
		return nil, 0, err
	}
	var ids []any
	total := 0
	for idRows.Next() {
		var id int64
		if err := idRows.Scan(&id, &total); err != nil {
			idRows.Close()
			return nil, 0, err
		}
		ids = append(ids, id)
	}
	idRows.Close()
	if err := idRows.Err(); err != nil {
		return nil, 0, err
	}
	if len(ids) == 0 {
		if q.Page > 1 {
			// Past the last page the window has no row to report the total on.
			err := s.DB.QueryRow(ctx, `SELECT COUNT(*)`+from, args...).Scan(&total)
			return nil, total, err
		}
		return nil, 0, nil
	}
	rows, err := s.DB.Query(ctx, `SELECT `+prefixedPerson("p")+`, h.address, p.region_code FROM persons p
		JOIN households h ON h.id = p.household_id WHERE p.id IN (?`+strings.Repeat(", ?", len(ids)-1)+`)`, ids...)
	if err != nil {
		return nil, 0, err
	}
	defer rows.Close()
	byID := map[int64]Row{}
	for rows.Next() {
		var r Row
		var birth, selfcare string
		if err := rows.Scan(append(personDest(&r.Person, &birth, &selfcare), &r.Address, &r.RegionCode)...); err != nil {
			return nil, 0, err
		}
		finishPerson(&r.Person, birth, selfcare)
		byID[r.ID] = r
	}
	out := make([]Row, 0, len(ids))
	for _, id := range ids {
		out = append(out, byID[id.(int64)])
	}
	return out, total, rows.Err()
}

// yearsBefore is the date n years before d, as text; 29 February falls back to 28 February.
func yearsBefore(d civil.Date, n int) string {
	y := civil.Date{Year: d.Year - n, Month: d.Month, Day: d.Day}
	if d.Month == 2 && d.Day == 29 {
		y.Day = 28
	}
	return y.String()
}

// gramOnly says whether q is a search for one or two characters of a name within an area and
// nothing else, which the name-piece index answers exactly; it returns the piece and the area.
func gramOnly(p *auth.Principal, q Query) (string, string, bool) {
	name := strings.TrimSpace(q.Name)
	if name == "" || q.NameExact || len([]rune(name)) > 2 || strings.ContainsAny(name, " \t") ||
		q.IDNumber != "" || q.Phone != "" || q.Address != "" || q.Tier != "" || q.Disabled || q.Elderly || q.Minor || q.Ill ||
		(q.Sort != "" && q.Sort != "region") || (p.Scope != "" && p.Scope.Level() == 0) {
		return "", "", false
	}
	prefix := p.Scope.Code()
	if r := strings.TrimSpace(q.Region); r != "" {
		if !strings.HasPrefix(r, prefix) {
			return "", "", false // the general path reports an empty result or a bad filter
		}
		prefix = r
	}
	return queryGram(name), prefix, true
}

func likeContains(s string) string {
	return "%" + strings.NewReplacer("!", "!!", "%", "!%", "_", "!_").Replace(s) + "%"
}

func (s *Store) where(p *auth.Principal, q Query) (string, []any, error) {
	// The scope and the region filter become one range, so the index narrows to the smaller area.
	prefix := p.Scope.Code()
	if r := strings.TrimSpace(q.Region); r != "" {
		if strings.Trim(r, "0123456789") != "" {
			return "", nil, apperr.FieldMsg("region", "registry.region_filter")
		}
		switch {
		case strings.HasPrefix(r, prefix):
			prefix = r
		case !strings.HasPrefix(prefix, r):
			return "1 = 0", nil, nil // a region outside the scope: nothing to see
		}
	}
	where, args := db.PrefixRange("p.region_code", prefix)
	if p.Scope.Level() == 0 && p.Scope != "" {
		where, args = "1 = 0", nil // a malformed scope sees nothing
	}
	add := func(clause string, a ...any) {
		where += " AND " + clause
		args = append(args, a...)
	}
	if n := strings.TrimSpace(q.Name); n != "" {
		if q.NameExact {
			add("p.name = ?", n)
		} else {
			if cond, a, ok := gramFilter(n, prefix); ok {
				add(cond, a...)
			}
			add("p.name LIKE ? ESCAPE '!'", likeContains(n))
		}
	}
	if v := strings.TrimSpace(q.IDNumber); v != "" {
		id, err := idcard.Parse(v)
		if err != nil {
			return "", nil, apperr.FieldMsg("id_number", "registry.id_invalid", err.Error())
		}
		add("p.id_hash = ?", s.Keys.Hash(pii.IDNumber, string(id)))
	}
	if v := strings.TrimSpace(q.Phone); v != "" {
		add("p.phone_hash = ?", s.Keys.Hash(pii.Phone, v))
	}
	if v := strings.TrimSpace(q.Address); v != "" {
		add("h.address LIKE ? ESCAPE '!'", likeContains(v))
	}
	if q.Tier != "" {
		if !validTier(q.Tier) {
			return "", nil, apperr.FieldMsg("tier", "registry.tier_invalid")
		}
		add("EXISTS (SELECT 1 FROM tiers t WHERE t.household_id = p.household_id AND t.tier = ? AND t.valid_to = '')", string(q.Tier))
	}
	today := s.today()
	if q.Disabled {
		add("p.disability_grade > 0")
	}
	if q.Elderly {
		add("p.birth_date <= ?", yearsBefore(today, 60))
	}
	if q.Minor {
		add("p.birth_date > ?", yearsBefore(today, 18))
	}
	if q.Ill {
		add("p.serious_illness = ?", true)
	}
	return where, args, nil
}

// RevealID returns a person's full ID number to a caller allowed to reveal personal data, after
// writing the reveal to the audit log.
func (s *Store) RevealID(ctx context.Context, p *auth.Principal, personID int64, ip string) (string, error) {
	if !p.Can(auth.PIIReveal) {
		return "", apperr.Msg(apperr.Forbidden, "pii.reveal_forbidden")
	}
	var sealed, region string
	var householdID int64
	err := s.DB.QueryRow(ctx, `SELECT id_sealed, region_code, household_id FROM persons WHERE id = ?`, personID).Scan(&sealed, &region, &householdID)
	if err != nil || !p.Sees(region) {
		return "", apperr.Msg(apperr.NotFound, "registry.person_notfound")
	}
	id, err := s.Keys.Open(sealed, IDField)
	if err != nil {
		return "", fmt.Errorf("open person %d: %w", personID, err)
	}
	if _, err := s.Audit.Record(ctx, s.DB, audit.Event{ActorID: p.UserID, Actor: p.Login, Role: string(p.Role), IP: ip,
		Action: "pii.reveal", TargetType: "person", TargetID: fmt.Sprint(personID), RegionCode: region,
		Detail: map[string]any{"field": "id_number", "household": householdID}}); err != nil {
		return "", err
	}
	return id, nil
}
