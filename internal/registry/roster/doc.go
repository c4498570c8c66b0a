// Package roster reads and writes the household roster (低收入家庭花名册): the spreadsheet in
// which streets and communities keep their households in hardship, one row per person, the rows
// of a household sharing a 户编号. It turns an uploaded file into registry.HouseholdInput values
// plus a report of every bad row and cell, and turns households back into a file of the same
// layout, so an export can be corrected in Excel and imported again. docs/roster-template.md
// describes the template for the people who fill it in.
//
// The package is pure: no database, no clock beyond idcard's, no I/O but the reader and writer it
// is given. What only the database knows — whether a region code exists, whether an ID number is
// already in another household, whether a re-import changes anything — is the store's to check
// after Parse; Result.RegionRefs says where each code was written and Result.Add merges the
// store's findings into the same row-by-row report.
//
// Decisions, and why:
//
//   - One column table (columns.go) drives the parser, the template, both exports and the docs
//     (a test regenerates the doc's table and fails when it is stale). Header order in a file is
//     free; required columns must be present; unknown and repeated headers are errors, because
//     a silently ignored column is data silently lost.
//   - Household columns are read from the 户主's row. Other rows may leave them empty or repeat
//     the same value (exports repeat it, so sorting in Excel keeps a person with their household);
//     a different value is an error rather than a guess at which row is right.
//   - The format is recognised from the content, never trusted from the name: .xlsx is a zip,
//     anything else is text in UTF-8 (with or without BOM), GBK/GB18030 or UTF-16. A file called
//     .xlsx that is not a zip is refused as a renamed file; .xls and encrypted workbooks (OLE
//     containers) are refused with how to resave them.
//   - Limits are enforced before work: the upload's size (before reading when the reader knows it,
//     otherwise after MaxBytes+1 bytes), the unzipped size (40 × MaxBytes, against zip bombs) and
//     the number of data rows.
//   - .xlsx is read with github.com/xuri/excelize/v2, the maintained pure-Go library for the
//     format (the standard library has none), through its streaming row iterator so that 100,000
//     rows stay well under 500 MB. Merged cells are found by scanning the sheet's XML for
//     <mergeCell> tags, because excelize's GetMergeCells loads the whole sheet model. Cells are
//     read raw (stored values, not displayed ones), so a date is its serial number and an amount
//     its full value whatever the number format shows; float noise such as 0.30000000000000004 is
//     taken as the 0.30 the user sees. Exports use excelize's StreamWriter.
//   - Every error is reported, not the first (up to MaxErrors, then a note with the total), as
//     the row number Excel shows, the header text and a Chinese reason. Identifiers never appear
//     in messages. The messages live here rather than in the msg catalogue because they are built
//     from the column table; they move with it when an English catalogue is added.
//   - Blank cells and zero amounts mean the same thing, and zero incomes and spending are left out
//     of the inputs, so an export re-imported gives back exactly the same inputs.
//   - Masked exports (pii.MaskName, MaskID, MaskPhone; birth dates left out) are for reading; their
//     ID numbers fail validation, so they cannot be imported by mistake.
package roster
