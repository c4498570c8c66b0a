// Package meals is elderly meal assistance (老年助餐): canteens, diners, orders at the counter
// and online, the subsidy that splits each meal's price between the diner and the funding
// sources, and monthly settlement with the canteens.
//
// # Subsidy policy as data
//
// Cities write their subsidy rules in very different shapes (DOMAIN.md §10): an amount off per
// age band, a fixed price the diner pays, shares per funding source of which some apply only in
// the diner's home district or street, weekday-only rules, one subsidised meal a day, a subsidy
// taken only when the bill exceeds it. A Policy is one region's rules in force over a period,
// written as JSON (policies.json holds the demo city's [D] default and 市南区's 2023 rules as
// examples); Quote applies the policy in force to one meal. The engine is pure — no I/O — so the
// counter terminal, online orders, settlement and tests all price a meal the same way.
package meals
