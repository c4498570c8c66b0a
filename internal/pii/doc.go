// Package pii protects personal identifiers — ID numbers, phone numbers, bank accounts — where
// they rest in the database, and masks them where they are shown.
//
// Why: the platform holds the identities, incomes and bank accounts of the city's poorest
// households. A copied database file or backup must not hand those over, and a clerk's screen
// should show only what the clerk's role needs. Three tools do this:
//
//   - Seal/Open encrypt a value with AES-256-GCM under a key from a Keyring, binding it to its
//     column ("persons.id_number") as additional data so a ciphertext copied into another
//     column (a phone number into a name, say) fails to open there. The sealed text names its key version, so
//     keys can be rotated (Keyring.AddKey, then Rotate) without downtime.
//   - Hash computes a keyed hash (HMAC-SHA256) stored beside the sealed value. Equality look-ups
//     ("is this ID number already registered?") search the hash, never decrypt every row; other
//     agencies holding the same HMAC key can send hashes instead of raw ID numbers for matching.
//   - MaskID, MaskPhone, MaskName and MaskBank produce the masked forms of UI.md for roles that
//     may not reveal; a reveal is an audit event recorded by the caller.
//
// Only the standard library's crypto is used: AES-GCM and HMAC-SHA256 are there, well reviewed,
// and need no dependency. Nonces are 96 random bits per seal; with a fresh key per rotation the
// number of values sealed under one key stays far below the 2^32 limit for random GCM nonces.
//
// # Key file
//
// Keys live in a text file, one per line, '#' starting a comment line:
//
//	# Minzheng personal-data keys
//	aead 1 <base64 of 32 random bytes>
//	aead 2 <base64 of 32 random bytes>
//	hmac <base64 of 32 random bytes>
//
// The highest aead version seals new values; older versions stay to open old values until Rotate
// has re-sealed them. Every application process must load the new file before a rotation starts,
// or a process still on the old key set would seal new values under the old version.
//
// # Hash recipe for outside agencies
//
// An agency that shares the HMAC key (the 32 bytes in the "hmac" line, base64-decoded) computes
// the same hash as this package, and can therefore send or compare hashes instead of ID numbers:
//
//  1. Normalise the value by its kind (see Normalize):
//     - "id_number": remove leading and trailing white space (Unicode White_Space) and change
//     every lower-case "x" to "X". If the result is 15 ASCII digits whose first two form a
//     province code (11–15, 21–23, 31–37, 41–46, 50–54, 61–65, 71, 81, 82) and whose digits
//     7–12 are a real date YYMMDD in 19YY, convert it to 18 characters: insert "19" before the
//     2-digit year and append the ISO 7064 MOD 11-2 check character (GB 11643-1999). Anything
//     else, including an 18-character number with a wrong check character, is used as it is.
//     - "phone": keep only the digits 0–9. If they start with "0086", drop those four. Otherwise,
//     if they start with "86" and either the text (after trimming white space) began with "+"
//     or there are exactly 13 digits with "1" as the third, drop the "86". If a country code
//     was dropped and what remains is not a mobile number (11 digits starting with "1"), it is
//     a landline: put the trunk prefix "0" in front.
//     - "bank_account": keep only the digits 0–9.
//     - "name": remove every white-space character (Unicode White_Space, including the
//     ideographic space U+3000) anywhere in the name.
//  2. If the normalised value is empty, there is no hash (the empty string); skip the record.
//  3. Build the message as UTF-8 bytes: the kind, a colon, the normalised value, for example
//     "id_number:370212198001011235".
//  4. Compute HMAC-SHA256(key, message) and write it as 64 lower-case hexadecimal digits.
//
// Example, checked by TestHashRecipe: with the key bytes 0x00, 0x01, …, 0x1f (key file line
// "hmac AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=") and the legacy number "370212800101123",
// the normalised value is "370212198001011235", the message "id_number:370212198001011235", and
// the hash 9a3d887beea52acbe34b4615050565309c40cb3cf15b95ef155ae50ef6f16768. In a shell:
//
//	printf '%s' 'id_number:370212198001011235' | openssl dgst -sha256 -mac HMAC \
//	  -macopt hexkey:000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f
//
// The ID-number space is small (about 10^11 valid numbers), so anyone holding the HMAC key can
// recover a number from its hash by trying them all: the hash is pseudonymisation among trusted
// holders of the key, not anonymisation. Give the key only to agencies under a data-sharing
// agreement, and never publish hashes.
package pii
