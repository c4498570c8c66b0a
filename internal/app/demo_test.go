package app

import (
	"strings"
	"testing"
)

func TestPrintColumnsAlignsChinese(t *testing.T) {
	var b strings.Builder
	printColumns(&b, [][]string{{"市级管理员", "admin"}, {"区（市）审核员", "laoshan"}, {"abc", "x"}})
	lines := strings.Split(strings.TrimRight(b.String(), "\n"), "\n")
	var at []int
	for _, l := range lines {
		i := strings.LastIndexAny(l, " ") + 1
		at = append(at, cells(l[:i]))
	}
	if at[0] != at[1] || at[1] != at[2] {
		t.Fatalf("second column starts at cells %v:\n%s", at, b.String())
	}
	if cells("中韩a") != 5 {
		t.Fatalf("cells(中韩a) = %d, want 5", cells("中韩a"))
	}
}
