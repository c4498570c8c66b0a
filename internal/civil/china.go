package civil

import "time"

// China is China Standard Time (UTC+8, no daylight saving), fixed rather than loaded from the
// time-zone database, which minimal servers may lack. A civil date in Qingdao changes at its
// midnight, not UTC's.
var China = time.FixedZone("CST", 8*3600)

// Today is the civil date in China at the instant t.
func Today(t time.Time) Date { return DateOf(t.In(China)) }
