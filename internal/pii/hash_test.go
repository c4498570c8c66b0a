package pii

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"testing"
)

// TestHashRecipe is the worked example of the package doc: an agency that follows the recipe
// with the shared key must get exactly these digits. If this test has to change, every stored
// hash and every agency's matching breaks — that is a data migration, not a code change.
func TestHashRecipe(t *testing.T) {
	kr := mustKeyring(t, "aead 1 "+keyB+"\nhmac AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=\n")
	tests := []struct {
		name  string
		kind  Kind
		value string
		want  string
	}{
		// Values computed with openssl dgst -sha256 -mac HMAC -macopt hexkey:000102…1f.
		{"legacy ID number", IDNumber, "370212800101123", "9a3d887beea52acbe34b4615050565309c40cb3cf15b95ef155ae50ef6f16768"},
		{"18-digit ID number", IDNumber, " 370212198001011235 ", "9a3d887beea52acbe34b4615050565309c40cb3cf15b95ef155ae50ef6f16768"},
		{"phone with country code", Phone, "+86 138-1234-5678", "c5b4a5c2e4fc091014dec10e8196ba2033f7e1306f5354d83481a8443a0fd920"},
		{"name with a space", Name, "张 三明", "8eb3299eca759bc65587562ffd7f8ce14ed7ff8826d89b6670508c8e98503e79"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := kr.Hash(tt.kind, tt.value); got != tt.want {
				t.Errorf("Hash(%s, %q) = %s, want %s", tt.kind, tt.value, got, tt.want)
			}
		})
	}
	// The recipe written out with nothing but the standard library, as an agency would.
	mac := hmac.New(sha256.New, seq(0))
	mac.Write([]byte("id_number:370212198001011235"))
	if got := hex.EncodeToString(mac.Sum(nil)); got != tests[0].want {
		t.Errorf("plain HMAC = %s, want %s", got, tests[0].want)
	}
}

func TestNormalize(t *testing.T) {
	tests := []struct {
		name  string
		kind  Kind
		value string
		want  string
	}{
		{"id trimmed", IDNumber, "\t370212198001011235 ", "370212198001011235"},
		{"id lower x", IDNumber, "37021219800101003x", "37021219800101003X"},
		{"id legacy converted", IDNumber, "370284720815032", "370284197208150328"},
		{"id legacy bad date kept", IDNumber, "370284720230032", "370284720230032"},
		{"id legacy bad province kept", IDNumber, "990284720815032", "990284720815032"},
		{"id wrong check kept", IDNumber, "370212198001011234", "370212198001011234"},
		{"id garbage kept", IDNumber, " abc ", "abc"},
		{"id empty", IDNumber, "  ", ""},
		{"mobile", Phone, "13812345678", "13812345678"},
		{"mobile dashes", Phone, "138-1234-5678", "13812345678"},
		{"mobile +86", Phone, "+86 13812345678", "13812345678"},
		{"mobile 0086", Phone, "0086 138 1234 5678", "13812345678"},
		{"mobile 86 no plus", Phone, "8613812345678", "13812345678"},
		{"landline", Phone, "0532-8888 6666", "053288886666"},
		{"landline +86", Phone, "+86 532 8888 6666", "053288886666"},
		{"landline 0086 Beijing", Phone, "0086-10-8888-6666", "01088886666"},
		{"local 8 digits starting 86", Phone, "86123456", "86123456"},
		{"phone letters", Phone, "none", ""},
		{"bank spaces", BankAccount, "6222 0212 3456 7891 234", "6222021234567891234"},
		{"bank dashes", BankAccount, "6222-0212", "62220212"},
		{"name inner space", Name, " 张 三明 ", "张三明"},
		{"name ideographic space", Name, "欧阳\u3000华", "欧阳华"},
		{"name middle dot kept", Name, "买买提·艾力", "买买提·艾力"},
		{"unknown kind trimmed", Kind("other"), " a b ", "a b"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := Normalize(tt.kind, tt.value); got != tt.want {
				t.Errorf("Normalize(%s, %q) = %q, want %q", tt.kind, tt.value, got, tt.want)
			}
		})
	}
}

func TestHashProperties(t *testing.T) {
	kr := testKeyring(t)
	if h := kr.Hash(Phone, "  "); h != "" {
		t.Errorf("Hash of an empty phone = %q, want \"\"", h)
	}
	if kr.Hash(Phone, "6222021234567891234") == kr.Hash(BankAccount, "6222021234567891234") {
		t.Error("the same digits as phone and bank account share a hash")
	}
	other := mustKeyring(t, "aead 1 "+keyA+"\nhmac "+keyB)
	if kr.Hash(Name, "张三") == other.Hash(Name, "张三") {
		t.Error("hashes under different HMAC keys are equal")
	}
	if len(kr.Hash(Name, "张三")) != 64 {
		t.Error("hash is not 64 hex digits")
	}
	defer func() {
		if recover() == nil {
			t.Error("Hash on a zero Keyring did not panic")
		}
	}()
	(&Keyring{}).Hash(Name, "张三")
}
