package auth_test

import (
	"fmt"
	"strings"
	"testing"

	"github.com/minzheng/minzheng/internal/auth"
)

func TestHashPassword(t *testing.T) {
	const password = "Zhonghan2024!"
	h1, err := auth.HashPassword(password, cheap)
	if err != nil {
		t.Fatal(err)
	}
	h2, err := auth.HashPassword(password, cheap)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(h1, "$argon2id$v=19$m=64,t=1,p=1$") {
		t.Errorf("hash %q does not record its parameters", h1)
	}
	if h1 == h2 {
		t.Error("two hashes of one password are equal: the salt is not random")
	}
	tests := []struct {
		name     string
		password string
		want     bool
	}{
		{"right", password, true},
		{"wrong", "Zhonghan2024?", false},
		{"empty", "", false},
		{"case", strings.ToLower(password), false},
		{"prefix", password[:len(password)-1], false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			for _, h := range []string{h1, h2} {
				got, err := auth.CheckPassword(h, tc.password)
				if err != nil || got != tc.want {
					t.Errorf("CheckPassword(%q) = %v, %v; want %v, nil", tc.password, got, err, tc.want)
				}
			}
		})
	}
}

// checkNoPanic runs CheckPassword and turns a panic into a test failure, so that one bad hash does
// not stop the whole test binary.
func checkNoPanic(t *testing.T, encoded, password string) (ok bool, err error) {
	t.Helper()
	defer func() {
		if r := recover(); r != nil {
			t.Errorf("CheckPassword(%q) panicked: %v", encoded, r)
			ok, err = false, fmt.Errorf("panic: %v", r)
		}
	}()
	return auth.CheckPassword(encoded, password)
}

func TestCheckPasswordMalformed(t *testing.T) {
	good, err := auth.HashPassword("Shinan2024pw", cheap)
	if err != nil {
		t.Fatal(err)
	}
	parts := strings.Split(good, "$")
	salt, key := parts[4], parts[5]
	tests := map[string]string{
		"empty":            "",
		"plain text":       "Shinan2024pw",
		"bcrypt":           "$2a$10$N9qo8uLOickgx2ZMRZoMyeIjZAgcfl7p92ldGxad68LJZdL17lhWy",
		"argon2i":          "$argon2i$v=19$m=64,t=1,p=1$" + salt + "$" + key,
		"too few parts":    "$argon2id$v=19$m=64,t=1,p=1$" + salt,
		"too many parts":   good + "$x",
		"old version":      "$argon2id$v=16$m=64,t=1,p=1$" + salt + "$" + key,
		"no version":       "$argon2id$$m=64,t=1,p=1$" + salt + "$" + key,
		"no params":        "$argon2id$v=19$$" + salt + "$" + key,
		"zero threads":     "$argon2id$v=19$m=64,t=1,p=0$" + salt + "$" + key,
		"zero passes":      "$argon2id$v=19$m=64,t=0,p=1$" + salt + "$" + key,
		"huge memory":      "$argon2id$v=19$m=4194304,t=1,p=1$" + salt + "$" + key,
		"many passes":      "$argon2id$v=19$m=64,t=100,p=1$" + salt + "$" + key,
		"threads overflow": "$argon2id$v=19$m=64,t=1,p=256$" + salt + "$" + key,
		"negative memory":  "$argon2id$v=19$m=-64,t=1,p=1$" + salt + "$" + key,
		"salt not base64":  "$argon2id$v=19$m=64,t=1,p=1$!!!$" + key,
		"padded salt":      "$argon2id$v=19$m=64,t=1,p=1$" + salt + "==$" + key,
		"empty key":        "$argon2id$v=19$m=64,t=1,p=1$" + salt + "$",
		"key not base64":   "$argon2id$v=19$m=64,t=1,p=1$" + salt + "$%%%",
	}
	for name, encoded := range tests {
		t.Run(name, func(t *testing.T) {
			ok, err := checkNoPanic(t, encoded, "Shinan2024pw")
			if ok || err == nil {
				t.Errorf("CheckPassword(%q) = %v, %v; want false and an error", encoded, ok, err)
			}
		})
	}
}

func TestPasswordProblem(t *testing.T) {
	tests := []struct {
		name, login, password, want string
	}{
		{"good", "zhangsan", "Qingdao2024", ""},
		{"good chinese", "zhangsan", "崂山区中韩街道1号楼", ""},
		{"empty", "zhangsan", "", "password.too_short"},
		{"nine", "zhangsan", "abcde1234", "password.too_short"},
		{"ten", "zhangsan", "abcde12345", ""},
		{"nine runes of many bytes", "zhangsan", "崂山区中韩街道12", "password.too_short"},
		{"letters only", "zhangsan", "abcdefghijkl", "password.too_simple"},
		{"digits only", "zhangsan", "123456789012", "password.too_simple"},
		{"symbols and digits", "zhangsan", "!@#$%^&*()12", "password.too_simple"},
		{"login", "zhang.san2024", "zhang.san2024", "password.is_login"},
		{"login other case", "zhang.san2024", "ZHANG.SAN2024", "password.is_login"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if got := auth.PasswordProblem(tc.login, tc.password); got != tc.want {
				t.Errorf("PasswordProblem(%q, %q) = %q, want %q", tc.login, tc.password, got, tc.want)
			}
		})
	}
}

func TestRandomPassword(t *testing.T) {
	seen := map[string]bool{}
	for range 200 {
		p := auth.RandomPassword()
		if problem := auth.PasswordProblem("someone", p); problem != "" {
			t.Fatalf("RandomPassword() = %q: %s", p, problem)
		}
		if strings.ContainsAny(p, "0O1lI") {
			t.Errorf("RandomPassword() = %q has a look-alike character", p)
		}
		if seen[p] {
			t.Fatalf("RandomPassword() repeated %q", p)
		}
		seen[p] = true
	}
}
