package roster

import (
	"strconv"

	"github.com/minzheng/minzheng/internal/civil"
	"github.com/minzheng/minzheng/internal/idcard"
	"github.com/minzheng/minzheng/internal/money"
	"github.com/minzheng/minzheng/internal/registry"
)

// column is one column of the roster template. The table below is the only description of the
// layout: Parse reads by it, WriteTemplate and the exports write by it, and docs/roster-template.md
// is checked against it by a test, so the four can never disagree.
type column struct {
	header   string   // header text, as written in row 1 and named in RowError.Column
	aliases  []string // other header spellings accepted on import (unit suffix left off)
	required bool     // the header must be present and the cell filled (on the head's row for household columns)
	house    bool     // a household column: read from the head's row, empty or equal elsewhere
	number   bool     // written as a number cell in .xlsx exports
	derived  bool     // derived from the ID number: optional on import, cross-checked when filled
	values   *enum    // closed list of values, offered as a drop-down in the template
	hint     string   // what to write, for the template's 说明 sheet and the docs
	width    float64  // column width in the .xlsx files
	parse    func(s *rowState, v string) error
	format   func(r *ExportRow) string
	mask     func(string) string // applied to exported text when identifiers are masked
}

func (c column) req() column                         { c.required = true; return c }
func (c column) household() column                   { c.house = true; return c }
func (c column) w(width float64) column              { c.width = width; return c }
func (c column) masked(m func(string) string) column { c.mask = m; return c }
func (c column) alias(a ...string) column            { c.aliases = append(c.aliases, a...); return c }

func textCol(header, hint string, maxRunes int, f func(*ExportRow) *string) column {
	return column{header: header, hint: hint, width: 16,
		parse: func(s *rowState, v string) error {
			if err := checkLen(v, maxRunes); err != nil {
				return err
			}
			*f(&s.ExportRow) = v
			return nil
		},
		format: func(r *ExportRow) string { return *f(r) }}
}

func codeCol(header, what string, digits int, f func(*ExportRow) *string) column {
	c := textCol(header, strconv.Itoa(digits)+"位数字的"+what+"行政区划代码", digits, f)
	c.parse = func(s *rowState, v string) error {
		if err := checkCode(v, digits, what+"代码"); err != nil {
			return err
		}
		*f(&s.ExportRow) = v
		return nil
	}
	return c
}

func enumCol[T ~string](header, hint string, e *enum, f func(*ExportRow) *T) column {
	return column{header: header, hint: hint, values: e, width: 12,
		parse: func(s *rowState, v string) error {
			k, ok := e.key(v)
			if !ok {
				return errf("%s不是可选的值，应为：%s", quote(v), e.list())
			}
			*f(&s.ExportRow) = T(k)
			return nil
		},
		format: func(r *ExportRow) string { return e.label(string(*f(r))) }}
}

func boolCol(header, hint string, f func(*ExportRow) *bool) column {
	return column{header: header, hint: hint + "；不填视为“否”", values: yesNoEnum, width: 10,
		parse: func(s *rowState, v string) error {
			k, ok := yesNoEnum.key(v)
			if !ok {
				return errf("%s应填“是”或“否”", quote(v))
			}
			*f(&s.ExportRow) = k == "yes"
			return nil
		},
		format: func(r *ExportRow) string { return map[bool]string{true: "是", false: "否"}[*f(r)] }}
}

func moneyCol(header, hint string, f func(*ExportRow) *money.Fen) column {
	return column{header: header, hint: hint + "；以元为单位，最多两位小数，不填视为0", number: true, width: 14,
		parse: func(s *rowState, v string) (err error) {
			*f(&s.ExportRow), err = parseAmount(v, s.xlsx)
			return err
		},
		format: func(r *ExportRow) string { return yuan(*f(r)) }}
}

func countCol(header, hint string, f func(*ExportRow) *int) column {
	return column{header: header, hint: hint + "；整数，不填视为0", number: true, width: 10,
		parse: func(s *rowState, v string) (err error) {
			*f(&s.ExportRow), err = parseCount(v, s.xlsx)
			return err
		},
		format: func(r *ExportRow) string { return whole(*f(r)) }}
}

func incomeCol(kind registry.IncomeKind, name string) column {
	hint := "本人每月" + name
	if !kind.Counted() {
		hint += "（不计入家庭收入）"
	}
	c := moneyCol(name+"（元/月）", hint, nil).alias(name)
	c.parse = func(s *rowState, v string) error {
		f, err := parseAmount(v, s.xlsx)
		if err == nil && f != 0 {
			s.Person.Incomes = append(s.Person.Incomes, registry.Income{Kind: kind, Monthly: f})
		}
		return err
	}
	c.format = func(r *ExportRow) string {
		var sum money.Fen
		for _, in := range r.Person.Incomes {
			if in.Kind == kind {
				sum += in.Monthly
			}
		}
		return yuan(sum)
	}
	return c
}

// yuan writes an amount as the file does: "" for zero, which reads back as zero.
func yuan(f money.Fen) string {
	if f == 0 {
		return ""
	}
	return f.Plain()
}

func whole(n int) string {
	if n == 0 {
		return ""
	}
	return strconv.Itoa(n)
}

// incomeNames are the income columns' names, in registry.IncomeKinds order.
var incomeNames = map[registry.IncomeKind]string{
	registry.Wage: "工资性收入", registry.Business: "经营净收入", registry.Property: "财产净收入",
	registry.Transfer: "转移净收入", registry.BasicPension: "基础养老金", registry.SpecialCare: "优抚金",
	registry.FamilyPlanningReward: "计划生育奖励", registry.Scholarship: "奖助学金",
	registry.HeroismAward: "见义勇为奖金", registry.SocialAssistance: "社会救助金",
}

// columns is the template, in the order the template and the exports write it.
var columns = buildColumns()

func buildColumns() []column {
	p := func(r *ExportRow) *registry.PersonInput { return &r.Person }
	h := func(r *ExportRow) *HouseholdFields { return &r.Household }
	cols := []column{
		textCol("户编号", "同一户的每位成员填同一个编号，如户主身份证号或街道自编的序号", 40,
			func(r *ExportRow) *string { return &r.Key }).req().masked(maskKey),
		codeCol("所在村（社区）代码", "村（社区）", 12, func(r *ExportRow) *string { return &h(r).RegionCode }).req().household().w(16),
		textCol("家庭住址", "实际居住地址", 200, func(r *ExportRow) *string { return &h(r).Address }).req().household().w(30),
		enumCol("户籍类型", "决定适用城镇还是农村标准", hukouEnum, func(r *ExportRow) *registry.HukouType { return &h(r).Hukou }).req().household(),
		codeCol("户籍所在县区代码", "户籍所在县（区、市）", 6, func(r *ExportRow) *string { return &h(r).HukouRegion }).req().household().w(14),
		nameColumn(),
		idColumn(),
		sexColumn(),
		birthColumn(),
		enumCol("与户主关系", "每户有且只有一位“户主”", relationEnum, func(r *ExportRow) *registry.Relation { return &p(r).Relation }).req(),
		phoneColumn(),
		enumCol("婚姻状况", "", maritalEnum, func(r *ExportRow) *string { return &p(r).Marital }),
		enumCol("文化程度", "最高学历", educationEnum, func(r *ExportRow) *string { return &p(r).Education }),
		boolCol("是否在校", "是否全日制在校就读", func(r *ExportRow) *bool { return &p(r).InSchool }),
		enumCol("就业状况", "", employmentEnum, func(r *ExportRow) *string { return &p(r).Employment }),
		enumCol("劳动能力", "完全、部分或无劳动能力", capacityEnum, func(r *ExportRow) *string { return &p(r).WorkCapacity }),
		textCol("残疾证号", "第二代残疾人证号（20位）的前18位应与身份证号相同", 30,
			func(r *ExportRow) *string { return &p(r).Disability.Certificate }).masked(maskID).w(22),
		enumCol("残疾类别", "有残疾证时必填", disabilityEnum, func(r *ExportRow) *registry.DisabilityKind { return &p(r).Disability.Kind }),
		gradeColumn(),
		boolCol("是否重病", "是否患有认定的重特大疾病", func(r *ExportRow) *bool { return &p(r).SeriousIllness }),
		textCol("疾病名称", "重病或慢性病的名称", 100, func(r *ExportRow) *string { return &p(r).Illness }).w(16),
		selfCareColumn(),
	}
	for _, k := range registry.IncomeKinds() {
		cols = append(cols, incomeCol(k, incomeNames[k]))
	}
	return append(cols,
		moneyCol("存款等金融资产（元）", "全家存款、有价证券、商业保险现金价值合计", func(r *ExportRow) *money.Fen { return &h(r).Assets.FinancialAssets }).household().alias("存款等金融资产"),
		countCol("机动车（辆）", "全家机动车数量，不含残疾人功能性补偿代步机动车", func(r *ExportRow) *int { return &h(r).Assets.Vehicles }).household().alias("机动车"),
		countCol("房产（套）", "全家房产套数", func(r *ExportRow) *int { return &h(r).Assets.Homes }).household().alias("房产"),
		areaColumn(),
		boolCol("工商登记", "家庭成员是否有工商（市场主体）登记", func(r *ExportRow) *bool { return &h(r).Assets.BusinessRegistered }).household(),
		moneyCol("医疗支出（元/近12个月）", "近12个月医保报销后个人负担的医疗费", func(r *ExportRow) *money.Fen { return &h(r).Medical }).household().alias("医疗支出").w(16),
		moneyCol("教育支出（元/近12个月）", "近12个月必需的教育费用", func(r *ExportRow) *money.Fen { return &h(r).Education }).household().alias("教育支出").w(16),
		moneyCol("康复支出（元/近12个月）", "近12个月残疾或疾病康复费用", func(r *ExportRow) *money.Fen { return &h(r).Rehabilitation }).household().alias("康复支出").w(16),
		enumCol("家庭类别", "家庭当前所属的低收入人口类别；填写时须同时填类别起始日期", tierEnum, func(r *ExportRow) *registry.Tier { return &h(r).Tier }).household().w(14),
		dateColumn("类别起始日期", "家庭类别从哪一天起算，如2024-03-01", func(r *ExportRow) *civil.Date { return &h(r).TierFrom }).household().w(14),
	)
}

// maskKey masks a household key that is an ID number (streets often use the head's); a running
// number is not personal and stays as it is.
func maskKey(v string) string {
	if _, err := idcard.Parse(v); err == nil {
		return maskID(v)
	}
	return v
}
