// Package synth generates the synthetic demo city: plausible, invented data on top of the real
// division tree of Qingdao, so that the demo, the tests and a training session show a city with
// the shape of the real one (a few thousand communities, later households, people, canteens)
// without a single real person's data in it.
//
// Everything is deterministic. A Generator is built from one seed; each kind of data and each
// place draws from its own random stream, derived from the seed and a key such as
// "communities"/"370212001" (PCG from math/rand/v2, seeded with the demo seed and a hash of the
// key). Two properties follow, and the tests hold them:
//   - the same seed gives the same city, byte for byte, so a screenshot, a bug report or a
//     training script can say "seed 1" and mean one thing;
//   - adding a new kind of data, or a new street, does not change what the existing ones get,
//     because no stream is shared and nothing depends on the order of calls.
//
// Generated rows are marked: divisions carry Synthetic = true and Source = Source, so an export
// can never pass them off as real.
//
// Word lists live in words.go. They hold place-like words, common surnames (as parts of village
// names, the way Chinese villages are named) and road names; no real person's data.
package synth

import (
	"hash/fnv"
	"math/rand/v2"
)

// Source is the source recorded on every synthetic row.
const Source = "synthetic demo"

// CityCode is the demo city, Qingdao. Its real towns and streets (from the embedded NBS data) are
// the frame the synthetic communities hang from.
const CityCode = "3702"

// Generator makes the synthetic data of one demo city. It holds no state besides its seed, so it
// is safe for concurrent use and its methods may be called in any order.
type Generator struct {
	seed uint64
}

// New returns the generator for seed.
func New(seed uint64) *Generator { return &Generator{seed: seed} }

// Seed is the seed the generator was built with, for logs and for the demo's "about" page.
func (g *Generator) Seed() uint64 { return g.seed }

// stream returns the random stream for one kind of data at one place. The key is hashed with
// FNV-1a, a fixed algorithm, so streams do not change between Go releases or machines.
func (g *Generator) stream(kind, key string) *rand.Rand {
	h := fnv.New64a()
	h.Write([]byte(kind))
	h.Write([]byte{0})
	h.Write([]byte(key))
	return rand.New(rand.NewPCG(g.seed, h.Sum64()))
}

// between returns a number in [lo, hi], both included.
func between(r *rand.Rand, lo, hi int) int { return lo + r.IntN(hi-lo+1) }

// pick returns one element of list.
func pick[T any](r *rand.Rand, list []T) T { return list[r.IntN(len(list))] }
