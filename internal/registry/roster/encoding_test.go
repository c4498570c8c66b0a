package roster

import (
	"bytes"
	"testing"

	"github.com/google/go-cmp/cmp"
	"golang.org/x/text/encoding/simplifiedchinese"
	"golang.org/x/text/encoding/unicode"
)

// TestParseTextEncodings reads the same roster saved the ways Excel and WPS save text files.
func TestParseTextEncodings(t *testing.T) {
	var plain bytes.Buffer
	if err := WriteCSV(&plain, sampleRows(), false); err != nil {
		t.Fatal(err)
	}
	utf8NoBOM := bytes.TrimPrefix(plain.Bytes(), []byte("\xEF\xBB\xBF"))
	gbk, err := simplifiedchinese.GBK.NewEncoder().Bytes(utf8NoBOM)
	if err != nil {
		t.Fatal(err)
	}
	tsv := bytes.ReplaceAll(utf8NoBOM, []byte(","), []byte("\t"))
	utf16, err := unicode.UTF16(unicode.LittleEndian, unicode.UseBOM).NewEncoder().Bytes(tsv)
	if err != nil {
		t.Fatal(err)
	}
	want := sampleHouseholds()
	for name, data := range map[string][]byte{
		"UTF-8 with BOM": plain.Bytes(), "UTF-8 without BOM": utf8NoBOM, "GBK": gbk, "UTF-16 tab-separated": utf16,
	} {
		t.Run(name, func(t *testing.T) {
			if bytes.Equal(data, gbk) && bytes.Equal(gbk, utf8NoBOM) {
				t.Fatal("GBK encoding changed nothing")
			}
			res := parseBytes(t, data, "roster.csv")
			if !res.OK() {
				t.Fatalf("errors: %v", res.Errors)
			}
			if diff := cmp.Diff(want, inputs(res)); diff != "" {
				t.Errorf("households (-want +got):\n%s", diff)
			}
		})
	}
}

func TestParseUnreadableText(t *testing.T) {
	// 0xFF never occurs in GB18030 text.
	_, err := Parse(bytes.NewReader([]byte("户编号,\xff\xff\n")), "r.csv", Limits{})
	assertFileError(t, err, "roster_format", "无法识别文件的文字编码：请另存为.xlsx文件，或UTF-8、GBK编码的CSV文件")
	_, err = Parse(bytes.NewReader([]byte("%PDF-1.7\n\x00\x01")), "r.csv", Limits{})
	assertFileError(t, err, "roster_format", "无法识别的文件格式：请上传Excel（.xlsx）或CSV文件")
}
