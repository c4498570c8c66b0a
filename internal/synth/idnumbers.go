package synth

import (
	"fmt"
	"hash/fnv"
	"math/rand/v2"
	"slices"
	"strconv"
	"sync"
	"time"

	"github.com/minzheng/minzheng/internal/civil"
	"github.com/minzheng/minzheng/internal/idcard"
	"github.com/minzheng/minzheng/internal/region"
)

// ID numbers of the synthetic people: valid (GB 11643 check character, sequence parity = sex),
// born in Qingdao with the county code of the time — an old man of 市北 still carries 370205
// 四方区 — or, for some, elsewhere in Shandong; and unique across the whole city for one seed.
//
// Uniqueness without shared state: each community is generated on its own (any order, in
// parallel), so two communities must never be able to draw the same number. For one region code,
// birth year and sex there are 365 × 500 (day, sequence) pairs. Every street that can use the
// code gets a fixed share of them, every community slot of the street a share of that, and the
// k-th person of that code, year and sex in a community takes the k-th slot of its share; a fixed
// permutation then scatters the slots over the days of the year, so birthdays look random. Two
// people can share (code, year, sex) only in different shares or different k, so their numbers
// differ. A community that fills its share (85 to 330 people of one code and sex born in one
// year, depending on how many streets share the code — far beyond even a million households)
// moves the next ones to a neighbouring birth year.

// codeEra: before and in year until (the year a number was issued), a district's people got one
// of codes, weighted.
type codeEra struct {
	until int
	codes []weighted
}

type weighted struct {
	code   string
	weight int
}

// birthCodeHistory is the re-zoning of Qingdao as far as it shows in ID numbers: 台东区 370204
// and 沧口区 370206 were merged in 1994 (into 市北 and the new 李沧, with part of 崂山区 370212,
// which also gave 城阳 370214); 四方区 370205 joined 市北 and 胶南市 370284 joined 黄岛 in 2012;
// 即墨市 370282 became 即墨区 370215 in 2017. Districts absent here kept their code. The weights
// follow the old units' populations roughly. Earlier county codes (before the county-level
// cities of the late 1980s) are left out: approximately right is enough for a demo.
var birthCodeHistory = map[string][]codeEra{
	"370203": {{1993, []weighted{{"370203", 40}, {"370204", 25}, {"370205", 35}}},
		{2012, []weighted{{"370203", 50}, {"370205", 50}}}},
	"370211": {{2012, []weighted{{"370284", 75}, {"370211", 25}}}},
	"370213": {{1993, []weighted{{"370206", 70}, {"370212", 30}}}},
	"370214": {{1993, []weighted{{"370212", 100}}}},
	"370215": {{2016, []weighted{{"370282", 100}}}},
}

// elsewhereCodes are Shandong counties many Qingdao residents come from (Weifang, Rizhao, Linyi,
// Yantai, Weihai, Tai'an), for the members born outside the city.
var elsewhereCodes = []string{
	"370785", "370782", "370784", "370786", "370724", "370702", "370725", "371121", "371122",
	"371102", "371103", "371323", "371327", "371321", "371326", "370682", "370687", "370683",
	"370685", "370681", "370686", "371082", "370983",
}

// issueYear is the year a person's number got its region code: at birth registration since
// 1995, at the first identity card (age 16, the first cards from 1985) before.
func issueYear(birthYear int) int {
	if birthYear >= 1995 {
		return birthYear
	}
	return max(1985, min(birthYear+16, 1995))
}

// homeCode draws the region code of someone of district born in birthYear.
func homeCode(r *rand.Rand, district string, birthYear int) string {
	iy := issueYear(birthYear)
	for _, era := range birthCodeHistory[district] {
		if iy <= era.until {
			n := r.IntN(100)
			for _, c := range era.codes {
				if n -= c.weight; n < 0 {
					return c.code
				}
			}
		}
	}
	return district
}

// Community slots per street: the most committees Communities ever makes below one street
// (25 communities numbered 001–025, 60 villages numbered 201–260). A code used only in the core
// districts, which have no villages, needs only the 25, so its streets get larger shares.
const (
	maxCommunitiesPerStreet = 25
	maxVillagesPerStreet    = 60
	slotsPerStreet          = maxCommunitiesPerStreet + maxVillagesPerStreet
	daysPerYear             = 365 // Dec 31 of leap years is never drawn; nobody notices
	seqsPerSex              = 500
	yearSpace               = daysPerYear * seqsPerSex
	scatter                 = 104729 // a prime, so coprime with yearSpace: the permutation is a bijection
)

// codeShare is where the streets of a region code's share of the year space begin.
type codeShare struct {
	rank    map[string]int // street code → rank among the streets that may use the code
	slots   int            // community slots per street: 25 where only the core districts use the code
	perSlot int            // people per community slot, code, birth year and sex
	streets int
}

var codeShares = sync.OnceValue(buildCodeShares)

// buildCodeShares ranks, for every region code the generator draws, the real streets of the
// districts that may draw it.
func buildCodeShares() map[string]*codeShare {
	all, err := region.Official()
	if err != nil {
		panic(err)
	}
	byDistrict := map[string][]string{}
	for _, d := range all {
		if d.Level == region.Street && len(d.Code) == 9 && d.Code[:4] == CityCode {
			byDistrict[d.ParentCode] = append(byDistrict[d.ParentCode], d.Code)
		}
	}
	users := map[string][]string{} // region code → districts
	var allDistricts []string
	for district := range byDistrict {
		allDistricts = append(allDistricts, district)
		users[district] = append(users[district], district)
		for _, era := range birthCodeHistory[district] {
			for _, c := range era.codes {
				if !slices.Contains(users[c.code], district) {
					users[c.code] = append(users[c.code], district)
				}
			}
		}
	}
	for _, c := range elsewhereCodes {
		users[c] = allDistricts
	}
	out := map[string]*codeShare{}
	for code, ds := range users {
		var streets []string
		slots := maxCommunitiesPerStreet // the core districts have no villages
		for _, d := range ds {
			streets = append(streets, byDistrict[d]...)
			if !coreCounties[d] {
				slots = slotsPerStreet
			}
		}
		slices.Sort(streets)
		s := &codeShare{rank: map[string]int{}, streets: len(streets), slots: slots}
		for i, st := range streets {
			s.rank[st] = i
		}
		s.perSlot = yearSpace / (len(streets) * slots)
		out[code] = s
	}
	return out
}

// communitySlot is the index of a community within its street's share, from its code as
// Communities numbers them. ok is false for a code outside those ranges (a real committee list),
// which still gets a slot but loses the uniqueness guarantee.
func communitySlot(code string) (slot int, ok bool) {
	seq, _ := strconv.Atoi(code[9:])
	switch {
	case seq >= 1 && seq <= maxCommunitiesPerStreet:
		return seq - 1, true
	case seq >= firstVillage && seq < firstVillage+maxVillagesPerStreet:
		return maxCommunitiesPerStreet + seq - firstVillage, true
	}
	return seq % slotsPerStreet, false
}

// idAlloc hands out the ID numbers of one community's people.
type idAlloc struct {
	seed      uint64
	community string
	street    string
	slot      int
	maxYear   int
	taken     map[idKey]int
	fallbacks int // how many people moved to another birth year because a share was full
}

type idKey struct {
	code string
	year int
	male bool
}

func newIDAlloc(seed uint64, community string, asOf civil.Date) *idAlloc {
	slot, _ := communitySlot(community)
	return &idAlloc{seed: seed, community: community, street: community[:9], slot: slot, maxYear: asOf.Year - 1, taken: map[idKey]int{}}
}

// number returns the next free number for someone with region code, birth year and sex.
func (a *idAlloc) number(code string, year int, male bool) idcard.Number {
	share := codeShares()[code]
	if share == nil { // a code the tables do not know: give it a private one-street share
		share = &codeShare{streets: 1, slots: slotsPerStreet, perSlot: yearSpace / slotsPerStreet}
	}
	rank, ok := share.rank[a.street]
	if !ok {
		rank = int(hashString(a.street) % uint64(share.streets))
	}
	for step := 0; step < 400; step++ {
		y := year + (step+1)/2 // year, year-1, year+1, year-2, …
		if step%2 == 1 {
			y = year - (step+1)/2
		}
		if y < 1900 || y > a.maxYear {
			continue
		}
		k := idKey{code, y, male}
		n := a.taken[k]
		if n >= share.perSlot {
			continue
		}
		a.taken[k] = n + 1
		if step > 0 {
			a.fallbacks++
		}
		slot := (rank*share.slots+a.slot%share.slots)*share.perSlot + n
		p := (slot*scatter + int(a.offset(code, y, male))) % yearSpace
		return synthesize(code, y, p/seqsPerSex, p%seqsPerSex*2+boolInt(male))
	}
	panic(fmt.Sprintf("synth: no free ID number for %s born about %d", code, year))
}

// synthesize is idcard.Synthesize for a day of the year, without its formatting and checks:
// numbers are a third of the generator's time, and the tests parse every one it makes.
func synthesize(code string, year, day, seq int) idcard.Number {
	month := time.January
	for ; day >= daysInMonth(year, month); month++ {
		day -= daysInMonth(year, month)
	}
	var b [18]byte
	copy(b[:6], code)
	putDigits(b[6:10], year)
	putDigits(b[10:12], int(month))
	putDigits(b[12:14], day+1)
	putDigits(b[14:17], seq)
	b[17] = idcard.CheckChar(string(b[:17]))
	return idcard.Number(b[:])
}

func daysInMonth(year int, m time.Month) int {
	switch m {
	case time.February:
		return 28 + boolInt(leap(year))
	case time.April, time.June, time.September, time.November:
		return 30
	}
	return 31
}

// putDigits writes n right-aligned in decimal into b, zero-padded.
func putDigits(b []byte, n int) {
	for i := len(b) - 1; i >= 0; i-- {
		b[i] = byte('0' + n%10)
		n /= 10
	}
}

// offset turns the permutation per seed, code, year and sex, so two seeds give different
// numbers and a code's first people are not all born on the same days every year.
func (a *idAlloc) offset(code string, year int, male bool) uint64 {
	x := a.seed ^ hashString(code) ^ uint64(year)<<1 ^ uint64(boolInt(male))
	x ^= x >> 33
	x *= 0xff51afd7ed558ccd
	x ^= x >> 33
	return x % yearSpace
}

func hashString(s string) uint64 {
	h := fnv.New64a()
	h.Write([]byte(s))
	return h.Sum64()
}

func boolInt(b bool) int {
	if b {
		return 1
	}
	return 0
}
