package assistance

import (
	"context"

	"github.com/minzheng/minzheng/internal/civil"
	"github.com/minzheng/minzheng/internal/db"
	"github.com/minzheng/minzheng/internal/money"
	"github.com/minzheng/minzheng/internal/pii"
	"github.com/minzheng/minzheng/internal/region"
)

// NoticeRow is one case on the public notice (公示): the applicant's name and ID masked, so that
// neighbours can recognise a family and object without the notice exposing anyone.
type NoticeRow struct {
	ApplicationID int64
	Program       string
	RegionCode    string
	NameMasked    string
	IDMasked      string
	Amount        money.Fen
	OneOff        bool
	From, To      civil.Date
}

// PublicNotice lists the cases whose notice is running in the area of region code prefix (a
// district or a street), for the public page and the printable list. It needs no principal:
// what it shows is what the law says must be posted.
func (s *Store) PublicNotice(ctx context.Context, prefix string) ([]NoticeRow, error) {
	if region.ValidCode(prefix) != nil {
		return nil, nil
	}
	today := s.today()
	cond, args := db.PrefixRange("a.region_code", prefix)
	rows, err := s.DB.Query(ctx, `SELECT a.id, a.program, a.region_code, a.applicant_name, a.applicant_id_masked, st.data
		FROM case_steps st JOIN applications a ON a.id = st.application_id
		WHERE st.step = 'notice' AND st.status = 'open' AND a.status = 'open' AND `+cond+` ORDER BY a.region_code, a.id`, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []NoticeRow
	var ids []int64
	for rows.Next() {
		var r NoticeRow
		var name, data string
		if err := rows.Scan(&r.ApplicationID, &r.Program, &r.RegionCode, &name, &r.IDMasked, &data); err != nil {
			return nil, err
		}
		var sd StepData
		if err := unmarshal(data, &sd); err != nil {
			return nil, err
		}
		if sd.Notice != nil {
			r.From, r.To = sd.Notice.From, sd.Notice.To
			// Posted for its days only (both ends included), not until the street closes it.
			if !sd.Notice.Running(today) {
				continue
			}
		}
		r.NameMasked = pii.MaskName(name)
		out = append(out, r)
		ids = append(ids, r.ApplicationID)
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	rows.Close()
	for i := range out {
		steps, err := s.steps(ctx, s.DB, ids[i])
		if err != nil {
			return nil, err
		}
		if ch, ok := lastDone(steps, StepCheck); ok && ch.Data.Check != nil {
			out[i].Amount, out[i].OneOff = ch.Data.Check.MonthlyAmount, ch.Data.Check.OneOff > 0
			if out[i].OneOff {
				out[i].Amount = ch.Data.Check.OneOff
			}
		}
	}
	return out, nil
}

// NoticeCase returns the notice row of case id while its notice runs, for the objection form.
func (s *Store) NoticeCase(ctx context.Context, id int64) (NoticeRow, bool, error) {
	var code string
	if err := s.DB.QueryRow(ctx, `SELECT region_code FROM applications WHERE id = ?`, id).Scan(&code); err != nil {
		return NoticeRow{}, false, nil
	}
	rows, err := s.PublicNotice(ctx, code)
	if err != nil {
		return NoticeRow{}, false, err
	}
	for _, r := range rows {
		if r.ApplicationID == id {
			return r, true, nil
		}
	}
	return NoticeRow{}, false, nil
}
