package pii

import (
	"bytes"
	"strings"
	"testing"
	"unicode/utf8"
)

func FuzzParseKeyring(f *testing.F) {
	f.Add([]byte("aead 1 " + keyA + "\nhmac " + keyH + "\n"))
	f.Add([]byte("# c\r\naead 2 " + keyB + "\r\naead 1 " + keyA + "\r\nhmac " + keyH))
	f.Add([]byte("aead 01 " + keyA))
	f.Add([]byte("hmac ===="))
	f.Add([]byte(""))
	f.Fuzz(func(t *testing.T, data []byte) {
		kr, err := ParseKeyring(data)
		if err != nil {
			if kr != nil {
				t.Fatal("keyring returned with an error")
			}
			return
		}
		again, err := ParseKeyring(kr.Marshal())
		if err != nil {
			t.Fatalf("Marshal of an accepted keyring does not parse: %v", err)
		}
		if !bytes.Equal(again.Marshal(), kr.Marshal()) {
			t.Fatal("Marshal does not round-trip")
		}
		sealed, err := kr.Seal("370212198001011235", field)
		if err != nil {
			t.Fatal(err)
		}
		if plain, err := again.Open(sealed, field); err != nil || plain != "370212198001011235" {
			t.Fatalf("Open after round trip = %q, %v", plain, err)
		}
	})
}

func FuzzOpen(f *testing.F) {
	kr := testKeyring(f)
	good, _ := kr.Seal("13812345678", field)
	for _, s := range []string{good, "", "v1:", "v0:AAAA", "v2:" + good[3:], "v1:" + strings.Repeat("A", 40), "v9999999:x", "vv"} {
		f.Add(s, field)
	}
	f.Add(good, "persons.phone")
	f.Fuzz(func(t *testing.T, sealed, fld string) {
		plain, err := kr.Open(sealed, fld)
		if err != nil && plain != "" {
			t.Fatalf("Open returned %q with error %v", plain, err)
		}
		if err == nil && sealed != "" && (plain != "13812345678" || fld != field) {
			// Only the seeds authenticate (each fuzz worker seals its own copy, hence no
			// comparison with good): forging a value is the one thing that must never happen.
			t.Fatalf("Open accepted forged %q for field %q: %q", sealed, fld, plain)
		}
		if v := Version(sealed); v != 0 && !strings.HasPrefix(sealed, "v") {
			t.Fatalf("Version(%q) = %d", sealed, v)
		}
	})
}

// checkKept verifies a head/tail mask of in: same length, valid UTF-8, only the first head and
// last tail characters shown (and shown unchanged), everything between them a star, and at most
// maxShown characters shown in all.
func checkKept(t *testing.T, in, out string, head, tail, maxShown int) {
	t.Helper()
	if !utf8.ValidString(out) {
		t.Fatalf("mask(%q) = %q is not valid UTF-8", in, out)
	}
	a, b := []rune(in), []rune(out)
	if len(a) != len(b) {
		t.Fatalf("mask(%q) = %q changes the length", in, out)
	}
	shown := 0
	for i := range b {
		if b[i] == '*' {
			continue
		}
		shown++
		if (i >= head && i < len(b)-tail) || b[i] != a[i] {
			t.Fatalf("mask(%q) = %q shows position %d", in, out, i)
		}
	}
	if shown > maxShown {
		t.Fatalf("mask(%q) = %q shows %d characters, at most %d allowed", in, out, shown, maxShown)
	}
}

func FuzzMaskID(f *testing.F) {
	for _, s := range []string{"370212198001011234", "370284720815032", "", "3702", " 身份证 ", "\xff", "**"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		in := string([]rune(strings.TrimSpace(s))) // invalid bytes become U+FFFD, as in MaskID
		n := utf8.RuneCountInString(in)
		if n == 15 {
			checkKept(t, in, MaskID(s), 6, 3, 9)
			return
		}
		checkKept(t, in, MaskID(s), 6, 4, min(10, max(0, n-8)))
	})
}

func FuzzMaskPhone(f *testing.F) {
	for _, s := range []string{"13812345678", "+86 138-1234-5678", "0532-88886666", "", "1", "+86", "00860086"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		d := normalizePhone(s)
		out := MaskPhone(s)
		if strings.Trim(out, "0123456789*") != "" {
			t.Fatalf("MaskPhone(%q) = %q has other than digits and stars", s, out)
		}
		checkKept(t, d, out, 3, 4, min(7, max(0, len(d)-4)))
	})
}

func FuzzMaskName(f *testing.F) {
	for _, s := range []string{"张三明", "张三", "张", "欧阳春华", " 买买提·艾力 ", "", "\xff\xfe", "**"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		in := string([]rune(strings.TrimSpace(s)))
		if utf8.RuneCountInString(in) <= 2 {
			checkKept(t, in, MaskName(s), 1, 0, 1)
		} else {
			checkKept(t, in, MaskName(s), 1, 1, 2)
		}
	})
}

func FuzzMaskBank(f *testing.F) {
	for _, s := range []string{"6222021234567891234", "6222 0212 3456 7891", "62220212345", "", "abc", "1234-5678-9012"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		out := MaskBank(s)
		d := digitsOnly(s)
		switch {
		case d == "":
			if out != "" {
				t.Fatalf("MaskBank(%q) = %q, want empty", s, out)
			}
		case len(d) < 12:
			if out != "**** **** **** ****" {
				t.Fatalf("MaskBank(%q) = %q, want all stars", s, out)
			}
		default:
			want := d[:4] + " **** **** " + d[len(d)-4:]
			if out != want {
				t.Fatalf("MaskBank(%q) = %q, want %q", s, out, want)
			}
		}
	})
}

func FuzzNormalize(f *testing.F) {
	for _, s := range []string{"370284720815032", "37021219800101003x", "+86 532 8888 6666", "0086", " 张 三 ", "\xff"} {
		f.Add(s)
	}
	kr := testKeyring(f)
	f.Fuzz(func(t *testing.T, s string) {
		for _, k := range []Kind{IDNumber, Phone, BankAccount, Name} {
			n := Normalize(k, s)
			h := kr.Hash(k, s)
			if (n == "") != (h == "") || (h != "" && len(h) != 64) {
				t.Fatalf("Hash(%s, %q) = %q for normalised %q", k, s, h, n)
			}
			if (k == Phone || k == BankAccount) && strings.Trim(n, "0123456789") != "" {
				t.Fatalf("Normalize(%s, %q) = %q is not all digits", k, s, n)
			}
		}
	})
}
