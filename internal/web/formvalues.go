package web

import (
	"net/url"
	"strconv"
	"strings"

	"github.com/minzheng/minzheng/internal/apperr"
	"github.com/minzheng/minzheng/internal/money"
)

// yuanField reads an amount typed in yuan ("1045.5", "1,045.50"); empty is zero. A bad amount is
// an Invalid error naming the field.
func yuanField(v url.Values, name string) (money.Fen, error) {
	s := strings.TrimSpace(v.Get(name))
	if s == "" {
		return 0, nil
	}
	f, err := money.Parse(s)
	if err != nil {
		return 0, apperr.FieldMsg(name, "field.amount_invalid")
	}
	return f, nil
}

// intField reads a whole number; empty is zero.
func intField(v url.Values, name string) (int, error) {
	s := strings.TrimSpace(v.Get(name))
	if s == "" {
		return 0, nil
	}
	n, err := strconv.Atoi(s)
	if err != nil {
		return 0, apperr.FieldMsg(name, "field.number_invalid")
	}
	return n, nil
}
