// Package feedgen writes the synthetic agency files of the demo city and the monitoring
// benchmark: for every source of package feed, rows about registered people and about people
// not in the database, most of them ordinary ("noise") and a known number planted so that a
// warning rule must fire. The planted cases are written down as the ground truth (rule, person
// hash, period), so a run's recall and precision can be measured: every planted case must raise
// its warning and nothing else may.
//
// The generator decides what a planted case needs on its own, from the rules' published
// conditions and the default thresholds (DOMAIN.md §9) — deliberately not by calling the rule
// engine, so the measurement checks the engine rather than repeating it. Noise rows stay clear
// of every threshold by a margin, so a change of a default threshold within reason keeps them
// noise. Identities are keyed hashes (the privacy-preserving form agencies are asked to send);
// people not in the database get random hashes that cannot match anyone.
package feedgen
