package msg

import (
	"strings"
	"testing"
)

func TestDefaultCatalogLoads(t *testing.T) {
	c := Default()
	if !c.Has("app.name") {
		t.Fatal("zh-CN catalogue lacks app.name")
	}
	if got := c.T("no.such.key"); got != "«no.such.key»" {
		t.Fatalf("missing key rendered as %q", got)
	}
}

func TestParseErrors(t *testing.T) {
	tests := []struct{ name, in, want string }{
		{"no equals", "a.b\n", "line 1"},
		{"space in key", "# c\na b = x\n", "line 2"},
		{"repeated", "a = 1\na = 2\n", "repeated"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Parse("x", []byte(tt.in))
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("err = %v, want mention of %q", err, tt.want)
			}
		})
	}
}

func TestFormatArgs(t *testing.T) {
	c, err := Parse("x", []byte("n = 共 %d 条\n"))
	if err != nil {
		t.Fatal(err)
	}
	if got := c.T("n", 3); got != "共 3 条" {
		t.Fatalf("got %q", got)
	}
}
