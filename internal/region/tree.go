package region

import (
	"context"
	"fmt"
	"slices"
	"strings"

	"github.com/minzheng/minzheng/internal/db"
)

// Tree is a subtree of divisions held in memory, for the look-ups a page does dozens of times per
// request (a name for every household row, a breadcrumb, a filter's options) without a query each.
// It is read-only after LoadTree, so one Tree may be shared by all goroutines. It is a snapshot:
// reload it when divisions change (rarely: a re-zoning or a community import).
type Tree struct {
	root     string
	byCode   map[string]Division
	children map[string][]string // parent code → child codes, sorted
}

// LoadTree loads the division root (a whole code, or "" for all of China) and everything below
// it. A non-empty root that is not in the table is ErrNotFound, since a tree without its root
// would silently show nothing.
func LoadTree(ctx context.Context, q db.Querier, root string) (*Tree, error) {
	sql, args := `SELECT code, name, parent_code, level, synthetic, source FROM regions ORDER BY code`, []any(nil)
	if root != "" {
		if err := ValidCode(root); err != nil {
			return nil, err
		}
		sql = `SELECT code, name, parent_code, level, synthetic, source FROM regions
			WHERE substr(code, 1, ?) = ? ORDER BY code`
		args = []any{len(root), root}
	}
	rows, err := q.Query(ctx, sql, args...)
	if err != nil {
		return nil, fmt.Errorf("load regions under %q: %w", root, err)
	}
	defer rows.Close()
	t := &Tree{root: root, byCode: map[string]Division{}, children: map[string][]string{}}
	for rows.Next() {
		var d Division
		var parent *string
		var level int
		if err := rows.Scan(&d.Code, &d.Name, &parent, &level, &d.Synthetic, &d.Source); err != nil {
			return nil, fmt.Errorf("load regions under %q: %w", root, err)
		}
		d.Level = Level(level)
		if parent != nil {
			d.ParentCode = *parent
		}
		t.byCode[d.Code] = d
		if d.Code != root {
			// Rows arrive ordered by code, so each child list is sorted already.
			t.children[d.ParentCode] = append(t.children[d.ParentCode], d.Code)
		}
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("load regions under %q: %w", root, err)
	}
	if _, ok := t.byCode[root]; root != "" && !ok {
		return nil, fmt.Errorf("%w: %s", ErrNotFound, root)
	}
	return t, nil
}

// Root is the code the tree was loaded from, "" for all of China.
func (t *Tree) Root() string { return t.root }

// Len is the number of divisions in the tree.
func (t *Tree) Len() int { return len(t.byCode) }

// Get returns the division with this code, if the tree holds it.
func (t *Tree) Get(code string) (Division, bool) {
	d, ok := t.byCode[code]
	return d, ok
}

// Name returns the division's name, or the code itself when the tree does not hold it, so that a
// list still shows something a clerk can look up rather than a blank cell.
func (t *Tree) Name(code string) string {
	if d, ok := t.byCode[code]; ok {
		return d.Name
	}
	return code
}

// Parent returns the parent of code, if both are in the tree; the tree's root has none.
func (t *Tree) Parent(code string) (Division, bool) {
	d, ok := t.byCode[code]
	if !ok || d.Code == t.root {
		return Division{}, false
	}
	return t.Get(d.ParentCode)
}

// Children returns the direct children of code ("" for the provinces of a nationwide tree),
// sorted by code. The slice is the caller's own.
func (t *Tree) Children(code string) []Division {
	codes := t.children[code]
	out := make([]Division, len(codes))
	for i, c := range codes {
		out[i] = t.byCode[c]
	}
	return out
}

// Path returns the divisions from the tree's root down to code, both included; nil when the tree
// does not hold code.
func (t *Tree) Path(code string) []Division {
	var path []Division
	for {
		d, ok := t.byCode[code]
		if !ok {
			return nil
		}
		path = append(path, d)
		// The length check stops a hand-edited row that names itself or a child as parent.
		if d.Code == t.root || d.ParentCode == "" || len(d.ParentCode) >= len(d.Code) {
			break
		}
		code = d.ParentCode
	}
	slices.Reverse(path)
	return path
}

// PathBelow names code for a user whose scope is scope: the names of the levels below the scope,
// joined by " / ". A 崂山区 officer (scope "370212") reads "中韩街道 / 福安社区居民委员会" where a city
// officer reads "崂山区 / 中韩街道 / 福安社区居民委员会" — what everyone in the scope shares is left
// out. It never returns an empty label for a known code: the scope's own division is named by its
// own name, and a code outside the scope gets its whole path. An unknown code is returned as is,
// as Name does.
func (t *Tree) PathBelow(scope Scope, code string) string {
	path := t.Path(code)
	if len(path) == 0 {
		return code
	}
	inside := scope.Contains(code)
	names := make([]string, 0, len(path))
	for _, d := range path {
		if inside && (!scope.Contains(d.Code) || d.Code == scope.Code()) {
			continue
		}
		names = append(names, d.Name)
	}
	if len(names) == 0 {
		return path[len(path)-1].Name
	}
	return strings.Join(names, " / ")
}
