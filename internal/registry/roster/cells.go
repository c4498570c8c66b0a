package roster

import (
	"errors"
	"fmt"
	"math"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/minzheng/minzheng/internal/civil"
	"github.com/minzheng/minzheng/internal/idcard"
	"github.com/minzheng/minzheng/internal/money"
	"github.com/minzheng/minzheng/internal/pii"
)

// cellError is the Chinese reason a cell was rejected; it becomes RowError.Message as it is.
type cellError string

func (e cellError) Error() string { return string(e) }

func errf(format string, a ...any) error { return cellError(fmt.Sprintf(format, a...)) }

// quote shows a rejected value in a message, cut short so a pasted paragraph does not flood the
// report. Never used for identifiers (ID numbers, phones, names), which stay out of reports.
func quote(v string) string {
	if utf8.RuneCountInString(v) > 20 {
		v = string([]rune(v)[:20]) + "…"
	}
	return "“" + v + "”"
}

// clean trims what spreadsheets add around values (spaces, full-width spaces, non-breaking
// spaces) and the apostrophe our CSV export puts before a value that Excel would otherwise run
// as a formula.
func clean(v string) string {
	v = strings.TrimSpace(v)
	if len(v) > 1 && v[0] == '\'' && strings.ContainsRune("=+-@", rune(v[1])) {
		v = v[1:]
	}
	return v
}

// fixFloat undoes binary floating-point noise in numbers read raw from an .xlsx cell: a cell
// holding =0.1+0.2 stores 0.30000000000000004, which is 0.30 to anyone looking at it. Values
// that are not within a millionth of a whole fen are left alone so money.Parse rejects them.
func fixFloat(v string) string {
	if !strings.ContainsAny(v, ".eE") {
		return v
	}
	f, err := strconv.ParseFloat(v, 64)
	if err != nil || math.IsInf(f*100, 0) {
		return v
	}
	if c := math.Round(f * 100); math.Abs(f*100-c) < 1e-6 {
		return strconv.FormatFloat(c/100, 'f', -1, 64)
	}
	return v
}

// parseAmount reads an amount in 元 that must not be negative.
func parseAmount(v string, xlsx bool) (money.Fen, error) {
	if xlsx {
		v = fixFloat(v)
	}
	f, err := money.Parse(v)
	switch {
	case err != nil:
		return 0, errf("%s不是有效的金额：应填以元为单位的数字，最多两位小数，如1045.50", quote(v))
	case f < 0:
		return 0, errf("金额不能为负数")
	}
	return f, nil
}

// parseCount reads a small whole number (vehicles, homes).
func parseCount(v string, xlsx bool) (int, error) {
	if xlsx {
		v = strings.TrimSuffix(fixFloat(v), ".0")
	}
	n, err := strconv.Atoi(v)
	switch {
	case err != nil || strings.HasPrefix(v, "+"):
		return 0, errf("%s不是整数", quote(v))
	case n < 0:
		return 0, errf("数量不能为负数")
	case n > 999:
		return 0, errf("数量%d超出合理范围（0–999）", n)
	}
	return n, nil
}

// parseArea reads a floor area. registry.Assets keeps whole square metres, so a decimal area is
// rounded half up; a tenth of a square metre never decides eligibility.
func parseArea(v string) (int, error) {
	t := strings.TrimSpace(strings.TrimSuffix(strings.TrimSuffix(v, "平方米"), "㎡"))
	neg := strings.HasPrefix(t, "-")
	f, err := strconv.ParseFloat(strings.TrimPrefix(t, "-"), 64)
	switch {
	case err != nil || !isDecimal(strings.TrimPrefix(t, "-")):
		return 0, errf("%s不是有效的面积：应填数字（平方米）", quote(v))
	case neg && f > 0:
		return 0, errf("面积不能为负数")
	case f > 100000:
		return 0, errf("面积超出合理范围")
	}
	return int(math.Floor(f + 0.5)), nil
}

// excelEpoch is day 0 of Excel's 1900 date system as it counts after February 1900.
var excelEpoch = civil.Date{Year: 1899, Month: 12, Day: 30}

// parseDate reads a date as people type it (2024-03-01, 2024/3/1, 2024.3.1, 2024年3月1日,
// 20240301) and, from .xlsx, as Excel stores a date cell (a day serial or an ISO timestamp).
func parseDate(v string, xlsx bool) (civil.Date, error) {
	bad := errf("%s不是有效的日期：日期不存在或格式不对，应写成2024-03-01", quote(v))
	t := v
	if xlsx {
		if n, err := strconv.ParseFloat(t, 64); err == nil && isDecimal(t) && n >= 1 && n < 2958466 {
			return excelEpoch.AddDays(int(n)), nil
		}
	}
	if i := strings.IndexAny(t, " T"); i > 0 && strings.Contains(t[i:], ":") {
		t = t[:i] // a time of day after the date, as other systems export it
	}
	if len(t) == 8 && strings.Trim(t, "0123456789") == "" {
		t = t[:4] + "-" + t[4:6] + "-" + t[6:]
	}
	t = strings.TrimSuffix(t, "日")
	parts := strings.FieldsFunc(t, func(r rune) bool { return strings.ContainsRune("-/.年月", r) })
	if len(parts) != 3 || len(parts[0]) != 4 || len(parts[1]) > 2 || len(parts[2]) > 2 ||
		strings.Count(t, "-")+strings.Count(t, "/")+strings.Count(t, ".")+strings.Count(t, "年")+strings.Count(t, "月") != 2 {
		return civil.Date{}, bad
	}
	d, err := civil.ParseDate(parts[0] + "-" + pad2(parts[1]) + "-" + pad2(parts[2]))
	if err != nil {
		return civil.Date{}, bad
	}
	if d.Year < 1900 || d.Year > 2100 {
		return civil.Date{}, errf("日期%s超出合理范围（1900–2100年）", quote(v))
	}
	return d, nil
}

// isDecimal reports whether s is digits with at most one decimal point, the only number shape
// accepted where strconv would also take exponents, hex, "Inf" or "NaN".
func isDecimal(s string) bool {
	return s != "" && s != "." && strings.Trim(s, "0123456789.") == "" && strings.Count(s, ".") <= 1
}

func pad2(s string) string {
	if len(s) == 1 {
		return "0" + s
	}
	return s
}

// parseID checks an ID number with idcard.Parse (15-digit numbers are converted). The message
// never repeats the number, as idcard's own messages do not.
func parseID(v string) (idcard.Number, error) {
	n, err := idcard.Parse(v)
	if err == nil {
		return n, nil
	}
	// Excel keeps 15 significant digits of a number: an ID number typed into a General cell
	// comes back as 3.70212E+17 or with its last three digits zeroed.
	scientific := strings.ContainsAny(v, "Ee") && strings.Contains(v, "+")
	if scientific || (len(v) == 18 && strings.HasSuffix(v, "000") && strings.Trim(v, "0123456789") == "") {
		return "", errf("身份证号可能被Excel当成数字保存，后几位已经丢失：请把这一列设为“文本”格式后重新填写")
	}
	var ie *idcard.Error
	if errors.As(err, &ie) {
		return "", cellError(ie.Message)
	}
	return "", errf("身份证号不正确")
}

// checkName accepts 1–40 characters without digits, the limit the registry's form uses.
func checkName(v string) error {
	n := utf8.RuneCountInString(v)
	if n > 40 {
		return errf("姓名不能超过40个字")
	}
	for _, r := range v {
		if unicode.IsDigit(r) || unicode.IsControl(r) {
			return errf("姓名中不能有数字或控制字符")
		}
	}
	return nil
}

// checkPhone accepts a mobile number or a landline with its area code, written with the usual
// punctuation; the registry stores pii.Normalize's digits.
func checkPhone(v string) error {
	if strings.Trim(v, "0123456789 -+()（）") != "" {
		return errf("联系电话只能包含数字、空格、“-”、“+”和括号")
	}
	d := pii.Normalize(pii.Phone, v)
	if len(d) < 7 || len(d) > 12 || (d[0] == '1' && len(d) != 11) {
		return errf("联系电话应为11位手机号或带区号的固定电话")
	}
	return nil
}

// checkCode checks a division code's shape; whether it exists is the store's check.
func checkCode(v string, digits int, what string) error {
	if len(v) != digits || strings.Trim(v, "0123456789") != "" {
		return errf("%s应为%d位数字", what, digits)
	}
	return nil
}

// checkLen bounds free text.
func checkLen(v string, maxRunes int) error {
	if utf8.RuneCountInString(v) > maxRunes {
		return errf("内容不能超过%d个字", maxRunes)
	}
	return nil
}

// parseSelfCare reads the activities a person cannot do alone, separated by 、 ， , ; or spaces.
// "无" means none.
func parseSelfCare(v string) (s [6]bool, err error) {
	if v == "无" {
		return s, nil
	}
	items := strings.FieldsFunc(v, func(r rune) bool { return strings.ContainsRune("、，,；;/ \u3000", r) })
	for _, it := range items {
		i := indexOf(selfCareItems, it)
		if i < 0 {
			return s, errf("%s不是日常生活活动项目，可填：%s（用顿号分隔）", quote(it), strings.Join(selfCareItems, "、"))
		}
		s[i] = true
	}
	return s, nil
}

func indexOf(list []string, v string) int {
	for i, x := range list {
		if x == v {
			return i
		}
	}
	return -1
}
