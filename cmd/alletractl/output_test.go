package main

import (
	"bytes"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestPrintFormats(t *testing.T) {
	r := result{doc: map[string]string{"name": "a<b"}, names: []string{"a", "b"},
		header: []string{"NAME", "NOTE"}, rows: [][]string{{"a", ""}, {"bb", "two\nlines"}}, note: "done"}
	for format, want := range map[string]string{
		"table": "NAME  NOTE\na     -\nbb    two lines\ndone\n",
		"name":  "a\nb\n",
		"json":  "{\n  \"name\": \"a<b\"\n}\n",
	} {
		var out bytes.Buffer
		a := &app{env: &env{stdout: &out}, output: format}
		require.NoError(t, a.print(r))
		assert.Equal(t, want, out.String(), format)
	}
}

func TestPrintKeyValueTable(t *testing.T) {
	var out bytes.Buffer
	a := &app{env: &env{stdout: &out}, output: "table"}
	require.NoError(t, a.print(result{rows: [][]string{{"Name", "x"}, {"Longer key", "y"}}}))
	assert.Equal(t, "Name        x\nLonger key  y\n", out.String())
}
