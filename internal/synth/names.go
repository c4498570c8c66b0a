package synth

import (
	"math/rand/v2"
	"strings"
)

// Person names for the synthetic households. Surnames are weighted by how common they are, with
// the surnames frequent in eastern Shandong (孙 于 姜 曲 隋 宫 逄 矫 栾 …) raised, so a roster of
// the demo city reads like one from Qingdao. Given names follow the fashion of the decade of
// birth: a grandmother is 桂兰 or 秀英, her son 建国, her granddaughter 欣怡. Names are composed
// from two character lists per cohort, so they vary without any real person's name being listed.

// surnameWeights: surname and relative weight (about per ten thousand people).
var surnameWeights = []struct {
	name   string
	weight int
}{
	{"王", 720}, {"李", 690}, {"张", 680}, {"刘", 540}, {"陈", 300}, {"杨", 310}, {"赵", 230},
	{"黄", 120}, {"周", 120}, {"吴", 110}, {"徐", 130}, {"孙", 230}, {"马", 140}, {"胡", 90},
	{"朱", 100}, {"郭", 100}, {"何", 50}, {"罗", 40}, {"高", 140}, {"林", 90}, {"于", 160},
	{"姜", 130}, {"曲", 50}, {"隋", 35}, {"宫", 35}, {"郑", 60}, {"梁", 60}, {"宋", 90},
	{"谢", 40}, {"韩", 80}, {"唐", 40}, {"冯", 60}, {"董", 80}, {"程", 40}, {"曹", 60},
	{"袁", 40}, {"许", 50}, {"傅", 30}, {"沈", 30}, {"吕", 60}, {"苏", 40}, {"蒋", 40},
	{"蔡", 40}, {"贾", 50}, {"丁", 60}, {"魏", 50}, {"薛", 40}, {"崔", 70}, {"纪", 35},
	{"矫", 15}, {"栾", 20}, {"逄", 15}, {"臧", 20}, {"毛", 30}, {"尹", 30}, {"邵", 30},
	{"石", 40}, {"侯", 40}, {"范", 40}, {"修", 15}, {"初", 20}, {"刁", 10}, {"牟", 20},
	{"衣", 10}, {"鞠", 15}, {"滕", 15}, {"綦", 10}, {"杜", 40}, {"田", 50}, {"任", 40},
	{"邢", 30}, {"迟", 20}, {"兰", 20}, {"仇", 10}, {"展", 5}, {"盛", 10}, {"万", 20},
}

// surnameTable repeats each surname by its weight, so a draw is one index: the generator must
// make tens of thousands of households a second.
var surnameTable = func() []string {
	var t []string
	for _, s := range surnameWeights {
		for range s.weight {
			t = append(t, s.name)
		}
	}
	return t
}()

func drawSurname(r *rand.Rand) string { return surnameTable[r.IntN(len(surnameTable))] }

// cohort is the naming fashion of a span of birth years. single is the share (in percent) of
// one-character given names, which were most common among people born 1970–1999.
type cohort struct {
	until  int // last birth year of the cohort
	single int
	male   nameParts
	female nameParts
}

// nameParts are the first and second characters of two-character given names and the
// one-character names of one sex in one cohort.
type nameParts struct {
	first, second, single []rune
}

func parts(first, second, single string) nameParts {
	return nameParts{[]rune(first), []rune(second), []rune(single)}
}

var cohorts = []cohort{
	{1949, 5,
		parts("德福玉长永保庆春吉兆忠文明树洪金宝士", "山林田海贵祥顺和财生元成发才堂俊亮武胜喜", "福贵祥山"),
		parts("桂秀玉淑凤素翠春金月兰美爱俊", "兰英珍芝梅花云香荣芳琴莲贞", "英兰珍")},
	{1969, 8,
		parts("建国卫红志振永立学新向爱胜文明", "国华军民强东刚新平伟林明生忠斌辉", "军华强"),
		parts("红丽秀玉桂淑春美爱卫素翠凤", "梅华霞芳萍英燕玲琴荣云红娟", "红萍华")},
	{1989, 35,
		parts("海晓志永建俊文伟国立宏成", "涛军东峰斌波明亮杰龙刚鹏林强", "伟磊勇军涛强斌超鹏刚杰亮峰波辉健明浩凯龙"),
		parts("晓丽海春秀红雪艳美静爱", "燕丽红梅霞玲娟芳萍敏静琳青", "丽静燕芳敏娟艳霞红梅莉萍玲颖洁倩娜慧婷")},
	{2004, 25,
		parts("子浩家俊嘉文思泽明志天宇佳一", "豪轩杰宇航鹏博涛辉凯伟阳龙晨", "浩鹏晨宇鑫帅磊凯超杰昊旭阳博"),
		parts("欣佳雨梦思晓诗雅文子梓紫婉静", "怡琪雪婷琳瑶颖倩悦萱涵雯宁蕊", "婷雪倩璐悦琪佳颖瑶妍蕾莹晶静")},
	{9999, 5,
		parts("子浩宇梓俊一博沐睿奕铭承思锦皓嘉天若", "涵然轩熙鸣文阳泽墨航辰宇睿远程恒铭川", "浩轩睿"),
		parts("欣梓一雨诗可语思依若佳梦紫芷沐雅安", "怡涵诺桐萱妍馨琪汐瑶然彤溪悦宁希", "萱妍诺")},
}

// givenName draws a given name for someone born in year.
func givenName(r *rand.Rand, year int, male bool) string {
	c := cohorts[len(cohorts)-1]
	for _, k := range cohorts {
		if year <= k.until {
			c = k
			break
		}
	}
	p := c.female
	if male {
		p = c.male
	}
	if r.IntN(100) < c.single {
		return string(pick(r, p.single))
	}
	a, b := pick(r, p.first), pick(r, p.second)
	for a == b {
		b = pick(r, p.second)
	}
	return string([]rune{a, b})
}

// nameIn draws a full name that no one else in the household has yet: two brothers called 王伟
// would be a data-entry mistake in a real roster, and the duplicate finder would flag them.
func nameIn(r *rand.Rand, taken []string, surname string, year int, male bool) string {
	var name string
	for try := 0; try < 20; try++ {
		var b strings.Builder
		b.WriteString(surname)
		b.WriteString(givenName(r, year, male))
		name = b.String()
		clash := false
		for _, t := range taken {
			clash = clash || t == name
		}
		if !clash {
			break
		}
	}
	return name
}
