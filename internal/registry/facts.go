package registry

import (
	"context"
	"encoding/binary"
	"encoding/hex"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/minzheng/minzheng/internal/civil"
	"github.com/minzheng/minzheng/internal/db"
	"github.com/minzheng/minzheng/internal/money"
)

// factsVersion is the first byte of an encoded fact row; a new layout gets a new number.
const factsVersion = 1

// tierRank orders tiers when a person holds several: the most protective one counts.
var tierRank = map[Tier]int{Tekun: 6, Dibao: 5, DibaoEdge: 4, RigidExpense: 3, RelapseWatch: 2, OtherTier: 1}

// encodeFacts packs a person's monitoring facts into the bytes stored in person_facts.facts:
// one column, because reading a million rows costs per column far more than per byte.
func encodeFacts(p *MonitorPerson) ([]byte, error) {
	hash, err := hex.DecodeString(p.IDHash)
	if err != nil || len(hash) != 32 {
		return nil, fmt.Errorf("registry: person %d has no 32-byte identity hash", p.PersonID)
	}
	b := make([]byte, 0, 96)
	b = append(b, factsVersion)
	b = binary.LittleEndian.AppendUint64(b, uint64(p.PersonID))
	b = binary.LittleEndian.AppendUint64(b, uint64(p.HouseholdID))
	b = append(b, hash...)
	b = append(b, byte(len(p.RegionCode)))
	b = append(b, p.RegionCode...)
	b = append(b, byte(p.DisabilityGrade), boolByte(p.InSchool), boolByte(p.MainEarner))
	b = binary.LittleEndian.AppendUint64(b, uint64(p.Income))
	b = append(b, byte(len(p.Tier)))
	b = append(b, p.Tier...)
	since := 0
	if !p.TierSince.IsZero() {
		since = p.TierSince.Year*10000 + int(p.TierSince.Month)*100 + p.TierSince.Day
	}
	return binary.LittleEndian.AppendUint32(b, uint32(since)), nil
}

// factsDecoder unpacks what encodeFacts packed, sharing one string per area and per tier among
// the million rows it reads.
type factsDecoder struct {
	withHash bool
	regions  map[string]string
}

func (d *factsDecoder) decode(b []byte, p *MonitorPerson) error {
	bad := errors.New("registry: a person_facts row is damaged; delete the table's rows and restart to rebuild it")
	if len(b) < 1+8+8+32+1 || b[0] != factsVersion {
		return bad
	}
	p.PersonID = int64(binary.LittleEndian.Uint64(b[1:]))
	p.HouseholdID = int64(binary.LittleEndian.Uint64(b[9:]))
	p.IDKey = [2]uint64{binary.BigEndian.Uint64(b[17:]), binary.BigEndian.Uint64(b[25:])}
	p.IDHash = ""
	if d.withHash {
		p.IDHash = hex.EncodeToString(b[17:49])
	}
	b = b[49:]
	n := int(b[0])
	if len(b) < 1+n+3+8+1 {
		return bad
	}
	region, ok := d.regions[string(b[1:1+n])]
	if !ok {
		region = string(b[1 : 1+n])
		d.regions[region] = region
	}
	p.RegionCode, b = region, b[1+n:]
	p.DisabilityGrade, p.InSchool, p.MainEarner = int(b[0]), b[1] == 1, b[2] == 1
	p.Income, b = money.Fen(binary.LittleEndian.Uint64(b[3:])), b[11:]
	n = int(b[0])
	if len(b) != 1+n+4 {
		return bad
	}
	p.Tier, b = internTier(b[1:1+n]), b[1+n:]
	p.TierSince = civil.Date{}
	if since := int(binary.LittleEndian.Uint32(b)); since != 0 {
		p.TierSince = civil.Date{Year: since / 10000, Month: time.Month(since / 100 % 100), Day: since % 100}
	}
	return nil
}

func boolByte(v bool) byte {
	if v {
		return 1
	}
	return 0
}

// refreshFacts rewrites the person_facts rows of the households with ids lo to hi from the
// registry as it now is, inside the caller's transaction: each person's income summed, the best
// current personal tier else the best household tier, and the main earner as the highest income
// above zero (the lowest person id first on a tie).
func refreshFacts(ctx context.Context, tx *db.Tx, lo, hi int64) error {
	type tierOf struct {
		tier  Tier
		since civil.Date
	}
	byHousehold, byPerson := map[int64]tierOf{}, map[int64]tierOf{}
	rows, err := tx.Query(ctx, `SELECT household_id, COALESCE(person_id, 0), tier, valid_from FROM tiers
		WHERE valid_to = '' AND household_id BETWEEN ? AND ? ORDER BY id`, lo, hi)
	if err != nil {
		return err
	}
	for rows.Next() {
		var hid, pid int64
		var tier, from string
		if err := rows.Scan(&hid, &pid, &tier, &from); err != nil {
			rows.Close()
			return err
		}
		since, _ := civil.ParseDate(from)
		m, key := byHousehold, hid
		if pid != 0 {
			m, key = byPerson, pid
		}
		if old, ok := m[key]; !ok || tierRank[Tier(tier)] > tierRank[old.tier] {
			m[key] = tierOf{Tier(tier), since}
		}
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return err
	}
	incomes := map[int64]money.Fen{}
	rows, err = tx.Query(ctx, `SELECT i.person_id, i.monthly_fen FROM incomes i JOIN persons p ON p.id = i.person_id
		WHERE p.household_id BETWEEN ? AND ?`, lo, hi)
	if err != nil {
		return err
	}
	for rows.Next() {
		var id, v int64
		if err := rows.Scan(&id, &v); err != nil {
			rows.Close()
			return err
		}
		incomes[id] += money.Fen(v)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return err
	}
	rows, err = tx.Query(ctx, `SELECT id, household_id, id_hash, region_code, disability_grade, in_school FROM persons
		WHERE household_id BETWEEN ? AND ? ORDER BY id`, lo, hi)
	if err != nil {
		return err
	}
	var people []MonitorPerson
	earner := map[int64]int{}
	for rows.Next() {
		var p MonitorPerson
		if err := rows.Scan(&p.PersonID, &p.HouseholdID, &p.IDHash, &p.RegionCode, &p.DisabilityGrade, &p.InSchool); err != nil {
			rows.Close()
			return err
		}
		p.Income = incomes[p.PersonID]
		t, ok := byPerson[p.PersonID]
		if !ok {
			t = byHousehold[p.HouseholdID]
		}
		p.Tier, p.TierSince = t.tier, t.since
		people = append(people, p)
		if i := len(people) - 1; p.Income > 0 {
			if j, ok := earner[p.HouseholdID]; !ok || people[j].Income < p.Income {
				earner[p.HouseholdID] = i
			}
		}
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return err
	}
	for _, i := range earner {
		people[i].MainEarner = true
	}
	if _, err := tx.Exec(ctx, `DELETE FROM person_facts WHERE household_id BETWEEN ? AND ?`, lo, hi); err != nil {
		return err
	}
	const perInsert = 300
	for start := 0; start < len(people); start += perInsert {
		chunk := people[start:min(start+perInsert, len(people))]
		args := make([]any, 0, 3*len(chunk))
		for i := range chunk {
			b, err := encodeFacts(&chunk[i])
			if err != nil {
				return err
			}
			args = append(args, chunk[i].PersonID, chunk[i].HouseholdID, b)
		}
		q := `INSERT INTO person_facts (person_id, household_id, facts) VALUES ` +
			strings.TrimSuffix(strings.Repeat("(?, ?, ?), ", len(chunk)), ", ")
		if _, err := tx.Exec(ctx, q, args...); err != nil {
			return err
		}
	}
	return nil
}

// EnsureFacts fills person_facts for a database registered before the table existed, or whose
// filling was interrupted (the counts differ): every household, in ranges of ids, each range
// rewritten in its own transaction, so an interrupted fill is finished by the next start.
func EnsureFacts(ctx context.Context, d *db.DB) error {
	var facts, persons int64
	if err := d.QueryRow(ctx, `SELECT (SELECT COUNT(*) FROM person_facts), (SELECT COUNT(*) FROM persons)`).Scan(&facts, &persons); err != nil {
		return err
	}
	if facts == persons {
		return nil
	}
	var maxID int64
	if err := d.QueryRow(ctx, `SELECT COALESCE(MAX(id), 0) FROM households`).Scan(&maxID); err != nil {
		return err
	}
	const step = 20000
	for lo := int64(1); lo <= maxID; lo += step {
		if err := d.InTx(ctx, func(tx *db.Tx) error { return refreshFacts(ctx, tx, lo, lo+step-1) }); err != nil {
			return err
		}
	}
	return nil
}

// internTier is the Tier constant spelled b, without a new string for the known ones.
func internTier(b []byte) Tier {
	for _, t := range [...]Tier{Dibao, Tekun, DibaoEdge, RigidExpense, RelapseWatch, OtherTier} {
		if string(t) == string(b) {
			return t
		}
	}
	return Tier(b)
}
