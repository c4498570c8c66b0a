package synth

import (
	"testing"
)

// BenchmarkHouseholds generates the demo city community by community, as the gen command does,
// and reports households and persons per second on one core.
func BenchmarkHouseholds(b *testing.B) {
	places := cityPlaces(b, 1)
	g := New(1)
	const perCommunity = 100
	households, persons := 0, 0
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		p := places[i%len(places)]
		for _, h := range g.Households(p.community, p.district, perCommunity, asOf2025) {
			households++
			persons += len(h.Members)
		}
	}
	s := b.Elapsed().Seconds()
	b.ReportMetric(float64(households)/s, "households/s")
	b.ReportMetric(float64(persons)/s, "persons/s")
	b.ReportMetric(b.Elapsed().Seconds()*1e9/float64(households), "ns/household")
}
