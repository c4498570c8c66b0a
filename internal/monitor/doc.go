// Package monitor is dynamic monitoring and active discovery (动态监测, 主动发现): other
// agencies' files are cross-matched against the low-income population database every month,
// rules raise warnings, each warning goes to the street that must verify it on foot (铁脚板) with
// a deadline, and the outcome of the visit is fed back — an application opened, a review
// started, a payment stopped, or the warning dismissed with a reason.
//
// # Batches
//
// An agency file is a batch of one source (package feed defines the sources and reads the
// files). A batch is identified by its source and the SHA-256 of its content, so a file sent
// twice is the same batch and changes nothing. A batch is processed whole: every row is read
// and validated first; a file with any bad row is rejected with its row errors (the first
// thousand kept) and raises nothing, so nothing is ever half-ingested and the corrected file can
// simply be sent again. A batch left "processing" by a process that died is taken up again by
// the next run.
//
// # Matching
//
// Rows identify people by the keyed hash of the ID number (pii's recipe; an agency that holds
// the key sends hashes, one that does not sends numbers and the reader hashes them). The run
// loads a snapshot of the registry — every person's hash, household, area, tier, registered
// income and disability — into memory once and matches each row by a map look-up: one pass over
// the files, no temporary tables, no join. Only the warnings are written.
//
// # Rules
//
// Rules are data (rules.json): which source a rule reads, whom it concerns (people in the
// database of certain tiers, or people not in it), the conditions on the row and on the
// registry's facts, the thresholds (policy parameters named in the rule, effective-dated, the
// defaults of DOMAIN.md §9 marked [D]), and what identifies one occurrence (the period): a
// warning is unique per rule, person and period, which is also what keeps two processes
// running at once from raising it twice.
//
// # Warnings
//
// A warning is routed to the street of the household (or, for someone not in the database, of
// the address the agency gave) with a deadline in working days; the street assigns a grid
// worker, the visit is recorded from a phone, and the outcome closes it. Overdue warnings are
// escalated to the district by the scheduled sweep.
package monitor
