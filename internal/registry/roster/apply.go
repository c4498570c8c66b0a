package roster

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"strconv"
	"strings"

	"github.com/minzheng/minzheng/internal/auth"
	"github.com/minzheng/minzheng/internal/registry"
)

// Report is what an import did, or in a dry run would do, with every problem located at a row
// and column of the file.
type Report struct {
	File                        string
	SHA256                      string
	Rows, Households            int
	Created, Updated, Unchanged int
	Errors                      []RowError
	AlreadyImported             bool
	DryRun                      bool
}

// OK reports whether the file had no problems (and, unless a dry run, was committed).
func (r *Report) OK() bool { return len(r.Errors) == 0 }

// Import reads a roster file and writes it to the registry as the caller: all of it or nothing.
// A dry run does every check the commit does — parsing, then the store's own rules (communities
// that exist and lie in the caller's scope, one household per person) — and writes nothing.
// The returned error is for a file that could not be read at all or a fault of ours; problems in
// the rows are in the Report.
func Import(ctx context.Context, store *registry.Store, p *auth.Principal, data []byte, filename string,
	limits Limits, dryRun bool, ip string) (*Report, error) {
	sum := sha256.Sum256(data)
	rep := &Report{File: filename, SHA256: hex.EncodeToString(sum[:]), DryRun: dryRun}
	res, err := Parse(bytes.NewReader(data), filename, limits)
	if err != nil {
		return nil, err
	}
	rep.Rows, rep.Households = res.Rows, len(res.Households)
	if !res.OK() {
		rep.Errors = res.Errors
		return rep, nil
	}
	items := make([]registry.ImportItem, len(res.Households))
	for i, h := range res.Households {
		items[i] = registry.ImportItem{Key: h.Key, Input: h.Input}
	}
	out, err := store.Import(ctx, p, items, registry.ImportFile{Name: filename, SHA256: rep.SHA256, Rows: res.Rows}, dryRun, ip)
	rep.Created, rep.Updated, rep.Unchanged, rep.AlreadyImported = out.Created, out.Updated, out.Unchanged, out.AlreadyImported
	if errors.Is(err, registry.ErrImportRejected) {
		for _, pr := range out.Problems {
			h := res.Households[pr.Item]
			row, col := Locate(h, pr.Field)
			res.Add(RowError{Row: row, Column: col, Message: pr.Message})
		}
		rep.Errors = res.Errors
		rep.Created, rep.Updated, rep.Unchanged = 0, 0, 0
		return rep, nil
	}
	return rep, err
}

// fieldColumns maps the registry's field names to the template's column headers.
var fieldColumns = map[string]string{
	"region_code": "所在村（社区）代码", "address": "家庭住址", "hukou": "户籍类型", "hukou_region": "户籍所在县区代码",
	"assets.financial_assets": "存款等金融资产（元）", "assets.vehicles": "机动车（辆）", "assets.homes": "房产（套）",
	"assets.floor_area_m2": "住房面积（平方米）", "members": "与户主关系", "tiers": "家庭类别",
	"name": "姓名", "id_number": "身份证号", "relation": "与户主关系", "phone": "联系电话", "disability": "残疾等级",
	"spending": "医疗支出（元/近12个月）",
}

// Locate finds the row and column of a household's field as the registry names it
// (members[2].id_number, region_code, …), for reporting a store problem in the file's terms.
func Locate(h Household, field string) (int, string) {
	if rest, ok := strings.CutPrefix(field, "members["); ok {
		idx, tail, _ := strings.Cut(rest, "].")
		i, err := strconv.Atoi(idx)
		row := h.HeadRow()
		if err == nil && i >= 0 && i < len(h.MemberRows) {
			row = h.MemberRows[i]
		}
		name, _, _ := strings.Cut(tail, "[")
		if name == "incomes" {
			return row, ""
		}
		return row, fieldColumns[name]
	}
	name, _, _ := strings.Cut(field, "[")
	if col, ok := fieldColumns[field]; ok {
		return h.HeadRow(), col
	}
	return h.HeadRow(), fieldColumns[name]
}
