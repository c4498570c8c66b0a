package synth

// Word lists for synthetic names. Kept apart from the code so that they can grow (or be
// localised for another demo city) without touching the generators. Changing a list changes the
// generated city for every seed; tests that pin names will say so.

// Urban community names: two auspicious or landscape characters (福安, 康宁), a road (海川路),
// or an estate (翠园新村). Qingdao's old town names its roads after Chinese cities and Shandong
// counties, so road words follow that custom.
var (
	communityFirst = []rune("福康和安兴华瑞春海山金新永泰宁嘉祥明德仁清景丰宝长惠昌鸿盛振翠青文育民")
	// communitySecond holds only characters that read well both alone and before an estate word.
	communitySecond = []rune("安宁和兴华源泉盛泰昌丰乐馨福康平顺达嘉悦城林湾岭港阳川")
	roadWords       = []string{
		"海川", "福州", "宁波", "徐州", "常州", "温州", "漳州", "泉州", "杭州", "扬州",
		"芝泉", "金湖", "银海", "紫荆", "青峰", "松岭", "桃源", "枣山", "翠湖", "望海",
		"观澜", "洛川", "齐河", "汶上", "泗水", "高密", "昌乐", "寿光", "临朐", "沂水",
		"蒙阴", "莒南", "平原", "武城", "夏津", "郯城", "新泰", "费县", "嘉祥", "鱼台",
		"滨河", "长春", "吉林", "抚顺", "铁岭", "锦州", "营口", "丹东", "辽阳", "鞍山",
	}
	estateWords = []string{"花园", "新村", "家园", "新苑", "山庄"}
)

// Village names in the way of eastern Shandong: a clan village (王家庄, 姜家埠), a landscape
// name (东河头, 西石岭), or the local "戈庄" (王戈庄).
var (
	surnames = []rune("王李张刘陈杨赵黄周吴徐孙胡朱高林何郭马罗梁宋郑谢韩唐冯于董程曹袁邓许" +
		"傅沈彭吕苏卢蒋蔡贾丁魏薛叶姜崔臧纪隋矫栾宫逄毛")
	clanSuffixes = []string{"庄", "屯", "埠", "洼", "沟", "寨", "岭", "疃", "泊", "营", "河", "店", "楼", "庄子", "台", "集", "哨"}
	directions   = []rune("东西南北前后大小上中")
	landforms    = []rune("河石山沟岭林泉湖埠崖洼坡岚峪涧柳杨槐桥")
	landSuffixes = []rune("头子口庄店疃屯台")
)
