package alletratest

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

var testSchema = &schema{
	Fields: map[string]bool{"name": true, "wwn": true, "lun": true, "setmembers": true},
	Subs:   map[string]*schema{"iSCSIPaths": {Fields: map[string]bool{"name": true}}, "FCPaths": {Fields: map[string]bool{"wwn": true}}},
}

func TestQueryMatch(t *testing.T) {
	t.Parallel()
	rec := record{
		Fields: map[string][]string{"name": {"vol 1"}, "wwn": {"60002AC0000000000000101F00021F4B"}, "lun": {"3"}, "setmembers": {"a", "b"}},
		Subs: map[string][]record{
			"iSCSIPaths": {{Fields: map[string][]string{"name": {"iqn.x:1"}}}, {Fields: map[string][]string{"name": {"iqn.x:2"}}}},
			"FCPaths":    {{Fields: map[string][]string{"wwn": {"10000090FA1B2C3D"}}}},
		},
	}
	for _, tt := range []struct {
		q    string
		want bool
	}{
		{"\"name==\"vol 1\"\"", true},
		{`"name EQ "vol 1""`, true},
		{`"name=="vol\ 1""`, true},
		{`"name==vol"`, false},
		{`"wwn==60002ac0000000000000101f00021f4b"`, true},
		{`"setmembers==b"`, true},
		{`"lun==3 AND setmembers==a"`, true},
		{`"lun==4 and setmembers==a"`, false},
		{`"lun==4 or setmembers==a"`, true},
		{`"lun==4 OR lun==5 AND name==x"`, false},
		{`"lun==3 OR lun==5 AND name==x"`, true},
		{`"(lun==3 OR lun==5) AND name==x"`, false},
		{`"iSCSIPaths[name==iqn.x:9 OR name==iqn.x:2]"`, true},
		{`"iSCSIPaths[name==iqn.x:9] OR FCPaths[wwn==10:00:00:90:fa:1b:2c:3d]"`, true},
		{`"FCPaths[wwn==1000009000000000]"`, false},
	} {
		q, err := compileQuery(tt.q, testSchema)
		require.NoError(t, err, tt.q)
		assert.Equal(t, tt.want, q.Match(rec), tt.q)
	}
	var nilQuery *query
	assert.True(t, nilQuery.Match(rec))
}

func TestQueryErrors(t *testing.T) {
	t.Parallel()
	for _, q := range []string{
		``, `""`, `name==x`, `"name==x`, `"bogus==x"`, `"name"`, `"name=="`, `"name==x OR"`, `"==x"`,
		`"name==x name==y"`, `"iSCSIPaths[name==x"`, `"iSCSIPaths[bogus==x]"`, `"nope[name==x]"`,
		`"(name==x"`, `"name==\"x"`, `"name = x"`, `"lun==1 ]"`, `"iSCSIPaths[wwn==x]"`,
	} {
		_, err := compileQuery(q, testSchema)
		assert.Error(t, err, q)
	}
}

func FuzzParseQuery(f *testing.F) {
	for _, s := range []string{
		`name==x`, `name EQ "a b" OR wwn==1`, `iSCSIPaths[name==a OR name==b] OR FCPaths[wwn==c]`,
		`(lun==1 AND name==x)`, `"`, `[[[`, `name==\"`, `a==b AND`,
	} {
		f.Add(s)
	}
	rec := record{Fields: map[string][]string{"name": {"x"}}, Subs: map[string][]record{"iSCSIPaths": {{Fields: map[string][]string{"name": {"a"}}}}}}
	f.Fuzz(func(t *testing.T, s string) {
		n, err := parseQuery(s)
		if err != nil {
			return
		}
		require.NotNil(t, n)
		if q, err := compileQuery(`"`+s+`"`, testSchema); err == nil {
			q.Match(rec)
		}
	})
}
