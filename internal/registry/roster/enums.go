package roster

import "strings"

// enum is one closed list of values as the file writes them (Chinese labels, shown in drop-downs
// and docs) and as the registry stores them (keys). Streets' own spreadsheets spell some values
// differently ("本人" for 户主, "离异" for 离婚), so a few common spellings are accepted as
// aliases; exports always write the canonical label, so a re-imported export never depends on them.
type enum struct {
	labels []string
	keys   []string
	index  map[string]int // label or alias → position
}

// newEnum builds an enum from label/key pairs in display order and alias → label spellings.
func newEnum(pairs [][2]string, aliases map[string]string) *enum {
	e := &enum{index: map[string]int{}}
	for i, p := range pairs {
		e.labels = append(e.labels, p[0])
		e.keys = append(e.keys, p[1])
		e.index[p[0]] = i
	}
	for a, label := range aliases {
		i, ok := e.index[label]
		if !ok {
			panic("roster: alias " + a + " names unknown label " + label)
		}
		e.index[a] = i
	}
	return e
}

// key returns the stored key for a label or alias as written in a cell.
func (e *enum) key(v string) (string, bool) {
	i, ok := e.index[v]
	if !ok {
		i, ok = e.index[strings.ToUpper(v)]
	}
	if !ok {
		return "", false
	}
	return e.keys[i], true
}

// label returns the canonical label of a key, or "" for an empty or unknown key.
func (e *enum) label(key string) string {
	for i, k := range e.keys {
		if k == key {
			return e.labels[i]
		}
	}
	return ""
}

// list is the allowed labels joined for an error message or a doc cell.
func (e *enum) list() string { return strings.Join(e.labels, "、") }

// The closed lists of the template. The keys are registry's (types.go and DOMAIN.md §13); the
// labels are what a street officer reads on the 低保 forms.
var (
	relationEnum = newEnum([][2]string{
		{"户主", "head"}, {"配偶", "spouse"}, {"子女", "child"}, {"父母", "parent"},
		{"孙子女", "grandchild"}, {"兄弟姐妹", "sibling"}, {"其他", "other"},
	}, map[string]string{
		"本人": "户主", "妻": "配偶", "夫": "配偶", "妻子": "配偶", "丈夫": "配偶",
		"子": "子女", "女": "子女", "儿子": "子女", "女儿": "子女", "长子": "子女", "长女": "子女",
		"父亲": "父母", "母亲": "父母", "孙子": "孙子女", "孙女": "孙子女", "外孙子": "孙子女",
		"外孙女": "孙子女", "兄弟": "兄弟姐妹", "姐妹": "兄弟姐妹", "其他亲属": "其他",
	})
	maritalEnum = newEnum([][2]string{
		{"未婚", "single"}, {"已婚", "married"}, {"离婚", "divorced"}, {"丧偶", "widowed"},
	}, map[string]string{"有配偶": "已婚", "初婚": "已婚", "再婚": "已婚", "离异": "离婚"})
	educationEnum = newEnum([][2]string{
		{"未上学", "none"}, {"小学", "primary"}, {"初中", "junior"}, {"高中", "senior"},
		{"中专", "vocational"}, {"大专", "college"}, {"本科", "bachelor"}, {"研究生", "postgraduate"},
	}, map[string]string{
		"文盲": "未上学", "无": "未上学", "学龄前": "未上学", "职高": "中专", "技校": "中专",
		"中职": "中专", "专科": "大专", "高职": "大专", "大学本科": "本科", "硕士": "研究生", "博士": "研究生",
	})
	employmentEnum = newEnum([][2]string{
		{"受雇就业", "employed"}, {"自主经营", "self_employed"}, {"失业", "unemployed"},
		{"退休", "retired"}, {"在校学生", "student"}, {"无业", "none"},
	}, map[string]string{
		"在职": "受雇就业", "务工": "受雇就业", "就业": "受雇就业", "个体经营": "自主经营",
		"登记失业": "失业", "离退休": "退休", "学生": "在校学生", "未就业": "无业",
	})
	capacityEnum = newEnum([][2]string{{"完全", "full"}, {"部分", "partial"}, {"无", "none"}},
		map[string]string{
			"有劳动能力": "完全", "完全劳动能力": "完全", "部分劳动能力": "部分",
			"部分丧失劳动能力": "部分", "无劳动能力": "无", "丧失劳动能力": "无",
		})
	disabilityEnum = newEnum([][2]string{
		{"肢体", "physical"}, {"视力", "visual"}, {"听力", "hearing"}, {"言语", "speech"},
		{"智力", "intellectual"}, {"精神", "mental"}, {"多重", "multiple"},
	}, map[string]string{
		"肢体残疾": "肢体", "视力残疾": "视力", "听力残疾": "听力", "言语残疾": "言语",
		"智力残疾": "智力", "精神残疾": "精神", "多重残疾": "多重",
	})
	gradeEnum = newEnum([][2]string{{"1", "1"}, {"2", "2"}, {"3", "3"}, {"4", "4"}},
		map[string]string{
			"一级": "1", "二级": "2", "三级": "3", "四级": "4", "1级": "1", "2级": "2", "3级": "3", "4级": "4",
			"一": "1", "二": "2", "三": "3", "四": "4",
		})
	hukouEnum = newEnum([][2]string{{"城镇", "urban"}, {"农村", "rural"}},
		map[string]string{"城市": "城镇", "非农业": "城镇", "非农": "城镇", "农业": "农村"})
	tierEnum = newEnum([][2]string{
		{"低保", "dibao"}, {"特困", "tekun"}, {"低保边缘", "dibao_edge"},
		{"刚性支出困难", "rigid_expense"}, {"防返贫监测", "relapse_watch"}, {"其他", "other"},
	}, map[string]string{
		"最低生活保障": "低保", "低保户": "低保", "特困人员": "特困", "特困供养": "特困",
		"低保边缘家庭": "低保边缘", "刚性支出困难家庭": "刚性支出困难", "防止返贫监测对象": "防返贫监测",
		"防返贫监测对象": "防返贫监测",
	})
	yesNoEnum = newEnum([][2]string{{"是", "yes"}, {"否", "no"}},
		map[string]string{"有": "是", "无": "否", "Y": "是", "N": "否"})
	sexEnum = newEnum([][2]string{{"男", "male"}, {"女", "female"}}, nil)
)

// selfCareItems are the six activities of daily living of DOMAIN.md §4, in the order of
// registry.SelfCare's fields.
var selfCareItems = []string{"进食", "穿衣", "上下床", "如厕", "室内行走", "洗澡"}
