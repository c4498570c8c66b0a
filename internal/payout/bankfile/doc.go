// Package bankfile writes the bank file of an approved roster (代发文件) and reads the bank's
// return file (回盘文件). docs/bank-files.md describes both for the people who set up a bank.
//
// Decisions, and why:
//
//   - Banks differ in the columns they want, so the column layout is data: a Layout names each
//     column's header and the field it holds (Fields lists them). DefaultLayout is what most
//     代发 systems accept; ParseLayout reads a bank's own from a small JSON or CSV file.
//   - One row per household, not per roster line: a household may have several lines in a roster
//     (its monthly amount, 补发 arrears, a re-issue, and a 追回 recovery, which is negative), and
//     a bank transfers one positive amount to an account. The row carries the household's net
//     amount and the id of its first line as 明细号; a verdict on that row in the return file
//     applies to all the household's lines. The generator never lets a recovery exceed what the
//     household is paid in the same roster, so a net amount is never negative; a household whose
//     net is exactly zero has nothing to transfer, is left out of the file, and its lines stay
//     pending. A layout may ask for one row per line ("rows": "line") for banks that want the
//     lines as they are; a negative line then refuses the export.
//   - Nothing reaches the writer until everything is known to be writable: Write reads the roster
//     once, checking each row (an account, a net amount that is not negative, text the chosen
//     encoding can hold) while it writes into a spool — memory, then a temporary file once past
//     8 MB — or excelize's stream, and copies the file out only when every row has passed. So a
//     web handler may stream the file to the response and still answer with an error page on
//     refusal, which lists every household concerned, in Chinese. One pass instead of a checking
//     pass and a writing pass saves a third of an export's time on a large roster. The control
//     totals (rows and amount) go in a trailer row and back to the caller, and the amount must
//     equal the roster's total.
//   - Full account numbers leave the database only here: each export is an audit event naming the
//     roster, the format, the rows and the amount, and the roster is locked (Store.Lock) once the
//     file is written — it cannot change after the bank may have seen it.
//   - CSV has CRLF line ends and is UTF-8 (optionally with a byte-order mark, which Excel needs)
//     or GBK, which older bank systems still require. Text that GBK cannot represent (rare
//     characters in a name) refuses the export with the row, rather than being replaced by "?".
//     Values are written as they are — no apostrophe before a leading "-" or "=": the file is for
//     a bank's system, and an apostrophe would change a name or an amount there.
//   - .xlsx is written with github.com/xuri/excelize/v2's StreamWriter (the dependency the roster
//     import already uses), so a district's roster never sits in memory as a sheet model.
//     Account numbers, codes and amounts in yuan are text cells, exact as written; counts and
//     amounts in fen are numbers. A sheet holds at most 1,048,576 rows; a larger roster must be
//     exported as CSV.
//   - A return file is read whole before anything is applied: .xlsx (first sheet) or CSV in UTF-8
//     or GBK, with a header row naming the 明细号, 状态 and 原因 columns (English names accepted);
//     other columns are ignored, so the bank may return our own file with its verdict added.
//     Every bad row is reported with the row number Excel shows, and one bad row applies nothing.
//     Store.ApplyReturns then applies the verdicts in one transaction.
//   - Messages come from the catalogue (payout.bankfile.*); household ids, never names or account
//     numbers, identify rows in them.
package bankfile
