package pii

import "testing"

func TestMasks(t *testing.T) {
	tests := []struct {
		name string
		mask func(string) string
		in   string
		want string
	}{
		{"id", MaskID, "370212198001011234", "370212********1234"},
		{"id with X", MaskID, "11010519491231002X", "110105********002X"},
		{"id spaces", MaskID, " 370212198001011234 ", "370212********1234"},
		{"id legacy", MaskID, "370284720815032", "370284******032"},
		{"id empty", MaskID, "", ""},
		{"id short", MaskID, "3702121980", "37********"},
		{"id very short", MaskID, "3702", "****"},
		{"id 17", MaskID, "37021219800101123", "370212********123"},
		{"id 20", MaskID, "37021219800101123456", "370212**********3456"},
		{"id chinese", MaskID, "身份证号码不详", "*******"},
		{"phone", MaskPhone, "13812345678", "138****5678"},
		{"phone +86", MaskPhone, "+86 138-1234-5678", "138****5678"},
		{"phone landline", MaskPhone, "0532-88886666", "053*****6666"},
		{"phone short", MaskPhone, "12345", "1****"},
		{"phone 4 digits", MaskPhone, "1234", "****"},
		{"phone letters", MaskPhone, "unknown", ""},
		{"name three", MaskName, "张三明", "张*明"},
		{"name two", MaskName, "张三", "张*"},
		{"name one", MaskName, "张", "张"},
		{"name four", MaskName, "欧阳春华", "欧**华"},
		{"name long", MaskName, "买买提·艾力", "买****力"},
		{"name spaces", MaskName, " 张三明 ", "张*明"},
		{"name latin", MaskName, "Anna", "A**a"},
		{"name empty", MaskName, "", ""},
		{"name invalid utf-8", MaskName, "\xff\xfe\xfd", "\uFFFD*\uFFFD"},
		{"bank", MaskBank, "6222021234567891234", "6222 **** **** 1234"},
		{"bank 16 with spaces", MaskBank, "6222 0212 3456 7891", "6222 **** **** 7891"},
		{"bank 12", MaskBank, "622202123456", "6222 **** **** 3456"},
		{"bank short", MaskBank, "62220212345", "**** **** **** ****"},
		{"bank empty", MaskBank, "", ""},
		{"bank letters", MaskBank, "none", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := tt.mask(tt.in); got != tt.want {
				t.Errorf("mask(%q) = %q, want %q", tt.in, got, tt.want)
			}
		})
	}
}
