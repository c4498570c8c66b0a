package feed

import (
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"fmt"
	"hash/maphash"
	"strconv"
	"time"

	"github.com/minzheng/minzheng/internal/civil"
	"github.com/minzheng/minzheng/internal/money"
)

// Row is one good row of a feed file. The Reader reuses a single Row: its values are valid until
// the next call to Next, so a caller copies what it keeps (the accessors return copies, IDHashBytes does not).
//
// Values are read by field index (Source.Index), looked up once outside the row loop, through the
// accessor of the field's type; an accessor reports false for a field left empty. Calling the
// accessor of another type is a programming mistake and panics, like a failed type assertion.
type Row struct {
	Line int // where the row starts in the file, as in RowError
	// id is the person: the keyed hash of the ID number, 64 lower-case hex digits. It is kept
	// as bytes, so that the ten million rows of a month's files make no string each; IDHash
	// makes one when a caller keeps it.
	id [64]byte

	src  *Source
	vals []value
	buf  []byte // text and region values of this row, end to end
	// scratch holds the normalised values while Digest hashes them.
	scratch []byte
}

// value is one parsed cell: a number (date as YYYYMMDD, month as YYYYMM, fen, integer, enum
// index) or a span of Row.buf.
type value struct {
	n      int64
	lo, hi int32
	set    bool
}

// keep copies a text value into the row, so it survives the reader's next buffer refill.
func (r *Row) keep(b []byte, v *value) {
	v.lo = int32(len(r.buf))
	r.buf = append(r.buf, b...)
	v.hi = int32(len(r.buf))
}

func (r *Row) get(i int, want ...Type) value {
	f := &r.src.Fields[i]
	for _, t := range want {
		if f.Type == t {
			return r.vals[i]
		}
	}
	panic(fmt.Sprintf("feed: field %q of %s is %s, not %s", f.Name, r.src.Name, f.Type, want[0]))
}

// Fen returns a money field in fen.
func (r *Row) Fen(i int) (money.Fen, bool) {
	v := r.get(i, TypeMoney)
	return money.Fen(v.n), v.set
}

// Date returns a date field.
func (r *Row) Date(i int) (civil.Date, bool) {
	v := r.get(i, TypeDate)
	if !v.set {
		return civil.Date{}, false
	}
	return civil.Date{Year: int(v.n / 10000), Month: time.Month(v.n / 100 % 100), Day: int(v.n % 100)}, true
}

// Month returns a month field.
func (r *Row) Month(i int) (civil.Month, bool) {
	v := r.get(i, TypeMonth)
	if !v.set {
		return civil.Month{}, false
	}
	return civil.Month{Year: int(v.n / 100), Month: time.Month(v.n % 100)}, true
}

// Int returns an int field, already checked against the field's Min and Max.
func (r *Row) Int(i int) (int64, bool) {
	v := r.get(i, TypeInt)
	return v.n, v.set
}

// Text returns a text or region field as written, an enum field as its canonical value (also
// when the file used the Chinese label), and the identity field as IDHash.
func (r *Row) Text(i int) (string, bool) {
	v := r.get(i, TypeText, TypeRegion, TypeEnum, TypeID)
	switch {
	case !v.set:
		return "", false
	case r.src.Fields[i].Type == TypeEnum:
		return r.src.Fields[i].Values[v.n], true
	case r.src.Fields[i].Type == TypeID:
		return r.IDHash(), true
	}
	return string(r.buf[v.lo:v.hi]), true
}

// Key is a digest of the row's normalised values (not of its spelling): two rows about the same
// person with the same data have the same Key whether the file wrote 2024/03/01 or 20240301, a
// raw ID number or its hash, so a caller can drop repeated rows, within a file and across a
// resent file, by remembering 32 hex characters per row.
func (r *Row) Key() string {
	sum := sha256.Sum256(r.normal(nil))
	return hex.EncodeToString(sum[:16])
}

// Digest is a 64-bit hash of the same normalised values as Key, without allocating: cheap
// enough to take for every row of a ten-million-row feed. Equal rows have equal digests within
// one process; unequal rows collide rarely (one pair in 2^64), so a caller that finds two equal
// digests confirms with Key before calling the rows duplicates.
func (r *Row) Digest() uint64 {
	// The same values as normal, in binary: numbers (dates, months, fen, enum positions) as
	// their eight bytes rather than as text, which costs a conversion per field.
	b := append(r.scratch[:0], r.src.Name...)
	for i, f := range r.src.Fields {
		v := r.vals[i]
		switch {
		case !v.set:
			b = append(b, 0)
		case f.Type == TypeID:
			b = append(b, 1)
			b = append(b, r.id[:]...)
		case f.Type == TypeText || f.Type == TypeRegion:
			b = append(b, 2)
			b = binary.LittleEndian.AppendUint32(b, uint32(v.hi-v.lo))
			b = append(b, r.buf[v.lo:v.hi]...)
		default:
			b = append(b, 3)
			b = binary.LittleEndian.AppendUint64(b, uint64(v.n))
		}
	}
	r.scratch = b
	return maphash.Bytes(digestSeed, b)
}

var digestSeed = maphash.MakeSeed()

// normal appends the row's normalised values to b: source, then each field, separated.
func (r *Row) normal(b []byte) []byte {
	b = append(b, r.src.Name...)
	for i, f := range r.src.Fields {
		b = append(b, 0x1F)
		v := r.vals[i]
		switch {
		case !v.set:
			b = append(b, 0)
		case f.Type == TypeID:
			b = append(b, r.id[:]...)
		case f.Type == TypeText || f.Type == TypeRegion:
			b = append(b, r.buf[v.lo:v.hi]...)
		case f.Type == TypeEnum:
			b = append(b, f.Values[v.n]...)
		default:
			b = strconv.AppendInt(b, v.n, 10)
		}
	}
	return b
}

// IDHash is the person's keyed ID hash as text, a copy the caller may keep.
func (r *Row) IDHash() string { return string(r.id[:]) }

// IDHashBytes is the person's keyed ID hash without a copy: valid until the next call to Next.
func (r *Row) IDHashBytes() []byte { return r.id[:] }
