package roster

import (
	"testing"

	"github.com/google/go-cmp/cmp"
)

// TestParseBadCells changes the valid base household and expects exactly the listed errors.
func TestParseBadCells(t *testing.T) {
	set := func(row int, kv ...string) func([]map[string]string) []map[string]string {
		return func(rows []map[string]string) []map[string]string {
			for i := 0; i < len(kv); i += 2 {
				rows[row][kv[i]] = kv[i+1]
			}
			return rows
		}
	}
	add := func(kv map[string]string) func([]map[string]string) []map[string]string {
		return func(rows []map[string]string) []map[string]string { return append(rows, kv) }
	}
	badCheck := id(2)[:17] + map[bool]string{true: "1", false: "2"}[id(2)[17] != '1']
	tests := []struct {
		name string
		mod  func([]map[string]string) []map[string]string
		want []RowError
	}{
		{"valid", func(r []map[string]string) []map[string]string { return r }, nil},
		{"ID check digit", set(1, "身份证号", badCheck), []RowError{{3, "身份证号", "身份证号码校验位不正确"}}},
		{"ID length", set(1, "身份证号", "3702121"), []RowError{{3, "身份证号", "身份证号码应为18位"}}},
		{"ID birth date", set(1, "身份证号", "370212199902300012"), []RowError{{3, "身份证号", "身份证号码中的出生日期不正确"}}},
		{"ID as Excel number", set(1, "身份证号", "3.70212196001012E+17"), []RowError{{3, "身份证号",
			"身份证号可能被Excel当成数字保存，后几位已经丢失：请把这一列设为“文本”格式后重新填写"}}},
		{"sex disagrees", set(0, "性别", "女"), []RowError{{2, "性别", "性别与身份证号不一致（身份证号第17位单数为男、双数为女）"}}},
		{"birth disagrees", set(0, "出生日期", "1960-01-02"), []RowError{{2, "出生日期", "出生日期与身份证号中的出生日期不一致"}}},
		{"impossible date", set(0, "家庭类别", "低保", "类别起始日期", "2023-02-29"), []RowError{{2, "类别起始日期",
			"“2023-02-29”不是有效的日期：日期不存在或格式不对，应写成2024-03-01"}}},
		{"date forms", set(0, "家庭类别", "低保", "类别起始日期", "2024/3/1 00:00:00", "出生日期", "19600207"), nil},
		{"negative income", set(1, "工资性收入（元/月）", "-5"), []RowError{{3, "工资性收入（元/月）", "金额不能为负数"}}},
		{"malformed amount", set(0, "存款等金融资产（元）", "12.345"), []RowError{{2, "存款等金融资产（元）",
			"“12.345”不是有效的金额：应填以元为单位的数字，最多两位小数，如1045.50"}}},
		{"negative count", set(0, "房产（套）", "-1"), []RowError{{2, "房产（套）", "数量不能为负数"}}},
		{"community code length", set(0, "所在村（社区）代码", "37021290000"), []RowError{{2, "所在村（社区）代码", "村（社区）代码应为12位数字"}}},
		{"county code", set(0, "户籍所在县区代码", "3702"), []RowError{{2, "户籍所在县区代码", "户籍所在县（区、市）代码应为6位数字"}}},
		{"unknown relation", set(1, "与户主关系", "朋友"), []RowError{{3, "与户主关系",
			"“朋友”不是可选的值，应为：户主、配偶、子女、父母、孙子女、兄弟姐妹、其他"}}},
		{"alias relation", set(1, "与户主关系", "妻子"), nil},
		{"bad yes/no", set(1, "是否在校", "也许"), []RowError{{3, "是否在校", "“也许”应填“是”或“否”"}}},
		{"phone", set(1, "联系电话", "1380000"), []RowError{{3, "联系电话", "联系电话应为11位手机号或带区号的固定电话"}}},
		{"name with digits", set(1, "姓名", "李4"), []RowError{{3, "姓名", "姓名中不能有数字或控制字符"}}},
		{"self-care item", set(1, "不能自理项目", "进食、跑步"), []RowError{{3, "不能自理项目",
			"“跑步”不是日常生活活动项目，可填：进食、穿衣、上下床、如厕、室内行走、洗澡（用顿号分隔）"}}},
		{"grade", set(1, "残疾类别", "肢体", "残疾等级", "5"), []RowError{{3, "残疾等级", "“5”不是有效的残疾等级，应为1、2、3或4"}}},
		{"disability incomplete", set(1, "残疾证号", id(2)+"41"), []RowError{
			{3, "残疾类别", "填写了残疾证号或残疾等级，也要填写残疾类别"},
			{3, "残疾等级", "填写了残疾证号或残疾类别，也要填写残疾等级"}}},
		{"certificate of someone else", set(1, "残疾证号", id(1)+"41", "残疾类别", "肢体", "残疾等级", "一级"),
			[]RowError{{3, "残疾证号", "残疾证号的前18位与身份证号不一致"}}},
		{"required person cell", set(1, "姓名", ""), []RowError{{3, "姓名", "必填项，不能为空"}}},
		{"required household cell", set(0, "家庭住址", ""), []RowError{{2, "家庭住址", "家庭信息必填项：户主所在行必须填写"}}},
		{"household conflict", set(1, "家庭住址", "示例路9号"), []RowError{{3, "家庭住址",
			"与户主所在行（第2行）填写的不一致；同一户的家庭信息只能有一个值"}}},
		{"household equal elsewhere", set(1, "家庭住址", "示例路1号", "户籍类型", "非农业"), nil},
		{"household value only below", set(1, "机动车（辆）", "1"), []RowError{{3, "机动车（辆）",
			"家庭信息应填在户主所在行（第2行），那一行这一项是空的"}}},
		{"amounts compare by value", set(1, "存款等金融资产（元）", "0"), nil},
		{"tier without date", set(0, "家庭类别", "低保"), []RowError{{2, "类别起始日期", "填写了家庭类别，也要填写类别起始日期"}}},
		{"date without tier", set(0, "类别起始日期", "2024年3月1日"), []RowError{{2, "家庭类别", "填写了类别起始日期，也要填写家庭类别"}}},
		{"no head", set(0, "与户主关系", "子女"), []RowError{{2, "与户主关系",
			"这一户（户编号相同的2行）没有户主：请把其中一人的“与户主关系”填为“户主”"}}},
		{"two heads", set(1, "与户主关系", "户主"), []RowError{{3, "与户主关系", "同一户已有户主（第2行），一户只能有一位户主"}}},
		{"same ID twice in household", set(1, "身份证号", id(1)), []RowError{{3, "身份证号", "身份证号与第2行重复，同一人只能填一行"}}},
		{"member in two households", add(map[string]string{"户编号": "H2", "所在村（社区）代码": "370212900001",
			"家庭住址": "示例路2号", "户籍类型": "农村", "户籍所在县区代码": "370212", "姓名": "李示例", "身份证号": id(2), "与户主关系": "户主"}),
			[]RowError{{4, "身份证号", "身份证号与第3行相同，但那一行属于另一户：同一人不能同时在两户"}}},
		{"15-digit ID accepted", set(1, "身份证号", "370212600101123"), nil},
		{"15-digit ID is the same person", set(1, "身份证号", id(1)[:6]+id(1)[8:17]),
			[]RowError{{3, "身份证号", "身份证号与第2行重复，同一人只能填一行"}}},
		{"empty key", set(1, "户编号", ""), []RowError{{3, "户编号", "必填项，不能为空"}}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			recs := [][]string{Headers()}
			for _, kv := range tc.mod(base()) {
				recs = append(recs, record(kv))
			}
			res := parseBytes(t, csvOf(t, recs), "roster.csv")
			if diff := cmp.Diff(tc.want, res.Errors); diff != "" {
				t.Errorf("errors (-want +got):\n%s", diff)
			}
			if res.OK() != (len(tc.want) == 0) {
				t.Errorf("OK() = %v with %d errors", res.OK(), len(res.Errors))
			}
		})
	}
}
