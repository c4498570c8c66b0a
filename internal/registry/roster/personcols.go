package roster

import (
	"strconv"
	"strings"

	"github.com/minzheng/minzheng/internal/civil"
	"github.com/minzheng/minzheng/internal/idcard"
	"github.com/minzheng/minzheng/internal/pii"
	"github.com/minzheng/minzheng/internal/registry"
)

// rowState is one data row while it is being read: the values parsed so far, plus what the
// cross-checks after the last cell need (the parsed ID number, the optional sex and birth date
// to compare with it, and which columns were filled or rejected, as bit sets over columns).
type rowState struct {
	ExportRow
	row     int
	xlsx    bool
	id      idcard.Number
	sex     string
	birth   civil.Date
	present uint64
	bad     uint64
}

func (s *rowState) has(col int) bool { return s.present&(1<<col) != 0 && s.bad&(1<<col) == 0 }

func maskID(v string) string    { return pii.MaskID(v) }
func maskPhone(v string) string { return pii.MaskPhone(v) }
func maskName(v string) string  { return pii.MaskName(v) }
func maskAll(string) string     { return "" }

func nameColumn() column {
	return column{header: "姓名", hint: "与身份证一致", required: true, width: 10, mask: maskName,
		parse: func(s *rowState, v string) error {
			s.Person.Name = v
			return checkName(v)
		},
		format: func(r *ExportRow) string { return r.Person.Name }}
}

func idColumn() column {
	return column{header: "身份证号", required: true, width: 22, mask: maskID,
		hint: "18位居民身份证号，15位旧号码会自动转换；请把这一列设为“文本”格式，出生日期和性别从号码读出",
		parse: func(s *rowState, v string) error {
			n, err := parseID(v)
			s.id, s.Person.IDNumber = n, string(n)
			return err
		},
		format: func(r *ExportRow) string { return r.Person.IDNumber }}
}

// sexColumn and birthColumn are written by exports for the reader's convenience; on import they
// are optional and, when filled, must agree with the ID number, which catches a row whose ID
// number was pasted from the neighbouring person.
func sexColumn() column {
	return column{header: "性别", derived: true, values: sexEnum, width: 6,
		hint: "可不填，由身份证号得出；填写时须与身份证号一致",
		parse: func(s *rowState, v string) error {
			k, ok := sexEnum.key(v)
			if !ok {
				return errf("性别应填“男”或“女”")
			}
			s.sex = k
			return nil
		},
		format: func(r *ExportRow) string { return idcard.Number(r.Person.IDNumber).Sex().String() }}
}

func birthColumn() column {
	return column{header: "出生日期", derived: true, width: 12, mask: maskAll,
		hint: "可不填，由身份证号得出；填写时须与身份证号一致",
		parse: func(s *rowState, v string) (err error) {
			s.birth, err = parseDate(v, s.xlsx)
			return err
		},
		format: func(r *ExportRow) string { return idcard.Number(r.Person.IDNumber).BirthDate().String() }}
}

func phoneColumn() column {
	return column{header: "联系电话", hint: "11位手机号或带区号的固定电话，如0532-88886666", width: 15, mask: maskPhone,
		parse: func(s *rowState, v string) error {
			s.Person.Phone = v
			return checkPhone(v)
		},
		format: func(r *ExportRow) string { return r.Person.Phone }}
}

func gradeColumn() column {
	return column{header: "残疾等级", hint: "1级最重，4级最轻；有残疾证时必填", values: gradeEnum, width: 10,
		parse: func(s *rowState, v string) error {
			if strings.HasSuffix(v, ".0") && s.xlsx {
				v = strings.TrimSuffix(v, ".0")
			}
			k, ok := gradeEnum.key(v)
			if !ok {
				return errf("%s不是有效的残疾等级，应为1、2、3或4", quote(v))
			}
			s.Person.Disability.Grade, _ = strconv.Atoi(k)
			return nil
		},
		format: func(r *ExportRow) string { return whole(r.Person.Disability.Grade) }}
}

func selfCareColumn() column {
	return column{header: "不能自理项目", width: 24,
		hint: "不能独立完成的日常生活活动，从" + strings.Join(selfCareItems, "、") + "中选，用顿号分隔；都能自理的不填",
		parse: func(s *rowState, v string) error {
			f, err := parseSelfCare(v)
			s.Person.SelfCare = registry.SelfCare{Eat: f[0], Dress: f[1], Transfer: f[2], Toilet: f[3], Walk: f[4], Bathe: f[5]}
			return err
		},
		format: func(r *ExportRow) string {
			c := r.Person.SelfCare
			var out []string
			for i, failed := range []bool{c.Eat, c.Dress, c.Transfer, c.Toilet, c.Walk, c.Bathe} {
				if failed {
					out = append(out, selfCareItems[i])
				}
			}
			return strings.Join(out, "、")
		}}
}

func areaColumn() column {
	return column{header: "住房面积（平方米）", aliases: []string{"住房面积"}, house: true, number: true, width: 12,
		hint: "全家住房建筑面积合计；小数四舍五入到整平方米，不填视为0",
		parse: func(s *rowState, v string) (err error) {
			s.Household.Assets.FloorAreaM2, err = parseArea(v)
			return err
		},
		format: func(r *ExportRow) string { return whole(r.Household.Assets.FloorAreaM2) }}
}

func dateColumn(header, hint string, f func(*ExportRow) *civil.Date) column {
	return column{header: header, hint: hint, width: 12,
		parse: func(s *rowState, v string) (err error) {
			*f(&s.ExportRow), err = parseDate(v, s.xlsx)
			return err
		},
		format: func(r *ExportRow) string { return f(r).String() }}
}

// Positions of the columns that the cross-checks refer to, found by header so that reordering
// the table cannot point them at the wrong column.
var (
	colKey      = mustColumn("户编号")
	colID       = mustColumn("身份证号")
	colSex      = mustColumn("性别")
	colBirth    = mustColumn("出生日期")
	colRelation = mustColumn("与户主关系")
	colCert     = mustColumn("残疾证号")
	colDisKind  = mustColumn("残疾类别")
	colGrade    = mustColumn("残疾等级")
	colTier     = mustColumn("家庭类别")
	colTierFrom = mustColumn("类别起始日期")
	colRegion   = mustColumn("所在村（社区）代码")
	colHukouReg = mustColumn("户籍所在县区代码")
)

func mustColumn(header string) int {
	if len(columns) > 64 {
		panic("roster: more than 64 columns do not fit the per-row bit sets")
	}
	for i, c := range columns {
		if c.header == header {
			return i
		}
	}
	panic("roster: no column " + header)
}
