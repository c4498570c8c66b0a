// Package payout turns entitlements into money each month, exactly once, with every fen
// accounted for by funding source.
//
// A roster is generated per month, program and district from the entitlements that pay that
// month (regular amounts, one-off payments not yet paid, months missed because a decision came
// late) and the pending adjustments (补发 arrears, 追回 recoveries, re-issues of returned
// payments). Generating a month again replaces a draft with the same lines and leaves an approved
// roster alone; the roster is unique per month, program and district, so two processes
// generating at once produce one. The district approves it, which posts the payment to the
// ledger; exporting the bank file locks it. The bank's return file marks failed lines, which are
// reversed in the ledger and queued for re-issue.
//
// The ledger is double-entry: each transaction's entries sum to zero, debiting the program's
// expense account of the district and crediting the funding sources — special funds from higher
// levels of government, the city and the district — in the shares the policy parameters name
// (funding.special_share.<program> and funding.city_share.<program>, effective-dated, per mille;
// the district pays the rest).
// Entries are append-only in the database; Verify proves the ledger balances and matches the
// rosters.
package payout
