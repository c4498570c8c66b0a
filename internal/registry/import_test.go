package registry

import (
	"context"
	"errors"
	"testing"

	"github.com/minzheng/minzheng/internal/auth"
	"github.com/minzheng/minzheng/internal/db"
	"github.com/minzheng/minzheng/internal/db/dbtest"
)

func TestImportDryRunCommitIdempotent(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		s, ctx := newStore(t, d), context.Background()
		p := principal("370212001")
		p.Role = auth.StreetOfficer
		items := []ImportItem{{Key: "1", Input: household(zhonghanCommunity, 100)}, {Key: "2", Input: household(zhonghanCommunity, 200)}}
		file := ImportFile{Name: "roster.xlsx", SHA256: "abc123", Rows: 4}
		count := func() int {
			var n int
			if err := d.QueryRow(ctx, `SELECT COUNT(*) FROM households`).Scan(&n); err != nil {
				t.Fatal(err)
			}
			return n
		}
		res, err := s.Import(ctx, p, items, file, true, "")
		if err != nil || res.Created != 2 || count() != 0 {
			t.Fatalf("dry run: %+v err %v, %d households stored", res, err, count())
		}
		res, err = s.Import(ctx, p, items, file, false, "")
		if err != nil || res.Created != 2 || count() != 2 {
			t.Fatalf("commit: %+v err %v, %d stored", res, err, count())
		}
		var hist int
		d.QueryRow(ctx, `SELECT COUNT(*) FROM registry_history`).Scan(&hist)
		res, err = s.Import(ctx, p, items, file, false, "")
		var hist2 int
		d.QueryRow(ctx, `SELECT COUNT(*) FROM registry_history`).Scan(&hist2)
		if err != nil || res.Unchanged != 2 || res.Created+res.Updated != 0 || !res.AlreadyImported || hist2 != hist || count() != 2 {
			t.Fatalf("re-import: %+v err %v, history %d→%d", res, err, hist, hist2)
		}
		// A changed file updates; a bad row rejects everything.
		items[0].Input.Address = "新地址"
		bad := household(zhonghanCommunity, 300)
		bad.Members[1].IDNumber = "123"
		items = append(items, ImportItem{Key: "3", Input: bad})
		res, err = s.Import(ctx, p, items, ImportFile{Name: "v2.xlsx", SHA256: "def456", Rows: 6}, false, "")
		if !errors.Is(err, ErrImportRejected) || len(res.Problems) != 1 || res.Problems[0].Item != 2 || res.Problems[0].Field != "members[1].id_number" {
			t.Fatalf("bad file: %+v err %v", res, err)
		}
		var addr string
		d.QueryRow(ctx, `SELECT address FROM households ORDER BY id LIMIT 1`).Scan(&addr)
		if addr == "新地址" || count() != 2 {
			t.Fatalf("a rejected import wrote data: address %q, %d households", addr, count())
		}
	})
}
