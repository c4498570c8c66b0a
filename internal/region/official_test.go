package region

import (
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestOfficialQingdao(t *testing.T) {
	divs, err := Official()
	if err != nil {
		t.Fatal(err)
	}
	byCode := map[string]Division{}
	var counties []string
	streets := 0
	for _, d := range divs {
		byCode[d.Code] = d
		if d.ParentCode == "3702" && d.Level == County {
			counties = append(counties, d.Code+" "+d.Name)
		}
		if d.Level == Street && strings.HasPrefix(d.Code, "3702") {
			streets++
		}
	}
	wantCounties := []string{
		"370202 市南区", "370203 市北区", "370211 黄岛区", "370212 崂山区", "370213 李沧区",
		"370214 城阳区", "370215 即墨区", "370281 胶州市", "370283 平度市", "370285 莱西市",
	}
	if diff := cmp.Diff(wantCounties, counties); diff != "" {
		t.Errorf("Qingdao counties (-want +got):\n%s", diff)
	}
	if streets != 141 {
		t.Errorf("Qingdao has %d towns/streets, want 141", streets)
	}
	want := Division{Code: "370214400", Name: "青岛高新技术产业开发区", ParentCode: "370214", Level: Street, Source: OfficialSource}
	if diff := cmp.Diff(want, byCode["370214400"]); diff != "" {
		t.Errorf("development zone (-want +got):\n%s", diff)
	}
}

func TestOfficialShape(t *testing.T) {
	divs, err := Official()
	if err != nil {
		t.Fatal(err)
	}
	perLevel := map[Level]int{}
	seen := map[string]bool{}
	for i, d := range divs {
		perLevel[d.Level]++
		if err := check(d); err != nil {
			t.Errorf("row %d: %v", i, err)
		}
		if d.ParentCode != "" && !seen[d.ParentCode] {
			t.Errorf("%s %s comes before its parent %s", d.Code, d.Name, d.ParentCode)
		}
		if seen[d.Code] {
			t.Errorf("duplicate code %s", d.Code)
		}
		seen[d.Code] = true
	}
	// counties.csv has 2,978 rows; 东莞 441900, 中山 442000 and 儋州 460400 repeat their prefecture.
	want := map[Level]int{Province: 31, City: 342, County: 2975, Street: 141}
	if diff := cmp.Diff(want, perLevel); diff != "" {
		t.Errorf("rows per level (-want +got):\n%s", diff)
	}
	// The caller gets its own copy: changing it must not change the next call.
	divs[0].Name = "changed"
	again, _ := Official()
	if again[0].Name == "changed" {
		t.Error("Official returns shared memory")
	}
}

func TestParseFile(t *testing.T) {
	counties := officialFiles[2]
	known := map[string]bool{"41": true, "37": true, "3702": true}
	tests := []struct {
		name    string
		csv     string
		want    []Division
		wantErr string
	}{
		{
			name: "padded codes are normalised",
			csv:  "code,name,cityCode,provinceCode\n370212000000,\"崂山区\",370200,37\n",
			want: []Division{{Code: "370212", Name: "崂山区", ParentCode: "3702", Level: County, Source: OfficialSource}},
		},
		{
			name: "unknown prefecture falls back to the province",
			csv:  "code,name,cityCode,provinceCode\n419001,济源市,4190,41\n",
			want: []Division{{Code: "419001", Name: "济源市", ParentCode: "41", Level: County, Source: OfficialSource}},
		},
		{
			name: "empty prefecture falls back to the province",
			csv:  "code,name,cityCode,provinceCode\n419001,济源市,,41\n",
			want: []Division{{Code: "419001", Name: "济源市", ParentCode: "41", Level: County, Source: OfficialSource}},
		},
		{
			name: "byte-order mark and sorting",
			csv:  "\uFEFFcode,name,cityCode,provinceCode\n370213,李沧区,3702,37\n370202,市南区,3702,37\n",
			want: []Division{
				{Code: "370202", Name: "市南区", ParentCode: "3702", Level: County, Source: OfficialSource},
				{Code: "370213", Name: "李沧区", ParentCode: "3702", Level: County, Source: OfficialSource},
			},
		},
		{name: "wrong header", csv: "code,name\n", wantErr: "counties.csv row 1:"},
		{name: "bad code", csv: "code,name,cityCode,provinceCode\n370202,a,3702,37\n3702x2,b,3702,37\n", wantErr: "counties.csv row 3:"},
		{
			name: "prefecture without counties listed as its own county is skipped",
			csv:  "code,name,cityCode,provinceCode\n370200,青岛市,3702,37\n370202,市南区,3702,37\n",
			want: []Division{{Code: "370202", Name: "市南区", ParentCode: "3702", Level: County, Source: OfficialSource}},
		},
		{name: "wrong level", csv: "code,name,cityCode,provinceCode\n3703,淄博,3703,37\n", wantErr: "row 2: code 3703 is not a 县区 code"},
		{name: "no name", csv: "code,name,cityCode,provinceCode\n370202, ,3702,37\n", wantErr: "row 2: code 370202 has no name"},
		{name: "unknown parent", csv: "code,name,cityCode,provinceCode\n510101,x,5101,51\n", wantErr: "row 2: code 510101: parent"},
		{name: "parent elsewhere", csv: "code,name,cityCode,provinceCode\n510101,x,3702,37\n", wantErr: "row 2: code 510101 does not lie under"},
		{name: "duplicate", csv: "code,name,cityCode,provinceCode\n370202,a,3702,37\n370202,b,3702,37\n", wantErr: "row 3: duplicate code"},
		{name: "missing column", csv: "code,name,cityCode,provinceCode\n370202,a,3702\n", wantErr: "row 2:"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := parseFile(strings.NewReader(tt.csv), counties, known)
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("error = %v, want it to contain %q", err, tt.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("(-want +got):\n%s", diff)
			}
		})
	}
}
