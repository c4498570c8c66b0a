// Package feed defines the data feeds other agencies send for dynamic monitoring (公安 deaths,
// 医保 out-of-pocket costs, 人社 unemployment and contributions, vehicles, real estate, business
// registrations, prison, schooling, marriage, tax income, …) and reads their files strictly and
// fast. It is pure: no database, no clock (Options.Today), no key (Options.Hasher). Matching rows
// to households and raising warnings is the monitoring pipeline's job, on top of this package.
//
// Decisions, and why:
//
//   - Feeds are data. sources.json (embedded) lists each source's fields with a type, a Chinese
//     label and whether it is required; adding a column an agency starts sending is a reviewed
//     edit of that file, checked at start-up and by the tests. Every source has one identity
//     field ("id") and may carry "name" and "region", which route a person who is not in the
//     database to the street that should look at them.
//   - Identity. A file carries either raw ID numbers (column id_number / 身份证号) or their keyed
//     hashes (id_hash / 身份证号哈希, 64 hex digits), because some agencies may not hand raw
//     numbers to another department and compute the hash with the recipe of internal/pii
//     instead. A raw number is checked with internal/idcard (the same rules as every other entry
//     point) and hashed by the caller's Hasher at once: Row has only the hash, so raw numbers
//     never reach logs, queues or tables, and matching is by hash on both sides.
//   - Strict, row by row. Unknown, repeated or missing required columns refuse the file (a
//     *FileError from NewReader): a silently ignored column is data silently lost, and a wrong
//     header usually means the wrong feed was uploaded. Inside a good file each bad row is a
//     *RowError — line, field, message key, Chinese message — and reading goes on, so one typo
//     does not hold up ten million good rows. Values are never guessed: an amount with three
//     decimals, a date that does not exist or lies in the future, an enum value not listed are
//     errors. A truncated file (a cut-off last line, an unterminated quote, half a JSON object)
//     is an error of its last row, never a panic; fuzz tests hold that.
//   - Fast CSV. Bulk feeds are CSV, and the monitoring run must get through 10,000,000 rows in a
//     few seconds on two cores. encoding/csv allocates a string per cell and a slice per row, so
//     the CSV reader is written by hand: an unquoted line is cut into sub-slices of the read
//     buffer, each cell is parsed from bytes straight into a reused Row (dates, months, amounts
//     and integers without strconv or strings), and a row costs one allocation, the hash string
//     (none when consecutive rows are about the same person). Quoted cells take a slower path
//     that unescapes into a reused buffer. Plain amounts are parsed inline; any other spelling
//     ("1,234.56", "￥1234.56") goes to money.Parse, the one parser of amounts people type.
//     BenchmarkReadCSV records the speed.
//   - Encodings. Agencies export from Excel on Chinese Windows, which saves "CSV" in GBK and
//     "CSV UTF-8" with a byte-order mark. By default the encoding is detected from the first
//     64 KB: a BOM decides, else valid UTF-8 is UTF-8, else text that decodes as GBK (read as
//     GB18030, its superset) is GBK, else the file is refused rather than read as mojibake. A
//     caller who knows better sets Options.Encoding.
//   - .xlsx files are read with github.com/xuri/excelize/v2 (the maintained pure-Go library for
//     the format; the standard library has none) through its streaming row iterator, first sheet
//     only, cells raw: date serials become dates and float noise such as 0.30000000000000004
//     becomes the 0.30 the user sees. JSONL (one object per line, keys are field names) is read
//     with encoding/json's token reader, which keeps numbers as written and rejects repeated keys.
//   - Messages come from the msg catalogue (keys "feed.*") and name the row and the field's
//     Chinese label, never an identifier's value.
package feed
