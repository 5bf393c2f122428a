package probe

import (
	"testing"

	"github.com/stretchr/testify/assert"
)

func ex(step string, status int, members map[string]string) Exchange {
	return Exchange{Step: step, Method: "GET", Path: "/api/v1/x", Status: status, Members: members,
		Headers: map[string]string{"Content-Type": "application/json"}}
}

func TestCompareEqual(t *testing.T) {
	t.Parallel()
	a := []Exchange{ex("s", 200, map[string]string{"a": "string"})}
	diffs, nc := compare(a, a)
	assert.Empty(t, diffs)
	assert.Empty(t, nc)
}

func TestCompareFindsEachKind(t *testing.T) {
	t.Parallel()
	a := ex("s", 404, map[string]string{"code": "integer", "desc": "string", "free": "number", "extra": "object", "extra.x": "string"})
	a.Code = 23
	a.Headers["Content-Type"] = "text/html"
	a.Headers["Location"] = "api/v1/volumes/{volume}"
	s := ex("s", 400, map[string]string{"code": "integer", "desc": "string", "free": "integer", "ref": "string"})
	s.Code = 29
	s.Headers["Location"] = "/api/v1/volumes/{volume}"
	diffs, _ := compare([]Exchange{a}, []Exchange{s})
	base := Difference{Step: "s", Method: "GET", Path: "/api/v1/x"}
	with := func(kind, member, av, sv string) Difference {
		d := base
		d.Kind, d.Member, d.Array, d.Simulator = kind, member, av, sv
		return d
	}
	assert.ElementsMatch(t, []Difference{
		with("status", "", "404", "400"),
		with("code", "", "23", "29"),
		with("header", "Content-Type", "text/html", "application/json"),
		with("header", "Location", "api/v1/volumes/{volume}", "/api/v1/volumes/{volume}"),
		with("type", "free", "number", "integer"),
		with("member", "extra", "object", ""), // its child is not repeated
		with("member", "ref", "", "string"),
	}, diffs)
}

func TestCompareContentTypeSpelling(t *testing.T) {
	t.Parallel()
	a, s := ex("s", 200, nil), ex("s", 200, nil)
	a.Headers["Content-Type"] = "application/json;charset=UTF-8"
	s.Headers["Content-Type"] = "application/json; charset=utf-8"
	diffs, _ := compare([]Exchange{a}, []Exchange{s})
	assert.Empty(t, diffs, "the same media type spelt otherwise")
}

func TestCompareEmptyListsHideElementShapes(t *testing.T) {
	t.Parallel()
	empty := ex("s", 200, map[string]string{"total": "integer", "members": "array"})
	full := ex("s", 200, map[string]string{"total": "integer", "members": "array", "members[]": "object", "members[].name": "string"})
	diffs, _ := compare([]Exchange{empty}, []Exchange{full})
	assert.Empty(t, diffs)
	diffs, _ = compare([]Exchange{full}, []Exchange{empty})
	assert.Empty(t, diffs)
	// A list both sides filled: a member only one has is a difference.
	more := ex("s", 200, map[string]string{"total": "integer", "members": "array", "members[]": "object",
		"members[].name": "string", "members[].uuid": "string"})
	diffs, _ = compare([]Exchange{more}, []Exchange{full})
	assert.Equal(t, []Difference{{Step: "s", Method: "GET", Path: "/api/v1/x", Kind: "member", Member: "members[].uuid", Array: "string"}}, diffs)
}

func TestCompareStepsAndExchanges(t *testing.T) {
	t.Parallel()
	sample := ex("tasks.get", 200, nil)
	sample.Sample = true
	a := []Exchange{ex("one", 200, nil), ex("one", 200, nil), ex("arrayonly", 200, nil), sample}
	s := []Exchange{ex("one", 200, nil), ex("simonly", 200, nil)}
	diffs, nc := compare(a, s)
	assert.Equal(t, []string{"tasks.get"}, nc)
	assert.Equal(t, []Difference{
		{Step: "one", Index: 1, Method: "GET", Path: "/api/v1/x", Kind: "exchange", Array: "GET /api/v1/x"},
		{Step: "arrayonly", Method: "GET", Path: "/api/v1/x", Kind: "step", Array: "ran"},
		{Step: "simonly", Method: "GET", Path: "/api/v1/x", Kind: "step", Simulator: "ran"},
	}, diffs)
}

func TestComparePathAndTransport(t *testing.T) {
	t.Parallel()
	a, s := ex("s", 200, nil), ex("s", 200, nil)
	s.Path = "/api/v1/y"
	diffs, _ := compare([]Exchange{a}, []Exchange{s})
	assert.Equal(t, []Difference{{Step: "s", Method: "GET", Path: "/api/v1/x", Kind: "path",
		Array: "GET /api/v1/x", Simulator: "GET /api/v1/y"}}, diffs)
	b := Exchange{Step: "s", Method: "GET", Path: "/api/v1/x", Transport: "error"}
	diffs, _ = compare([]Exchange{b}, []Exchange{a})
	assert.Equal(t, []Difference{{Step: "s", Method: "GET", Path: "/api/v1/x", Kind: "transport", Array: "error"}}, diffs)
}

func TestCompareSkipsMembersTheRecordMarksOptional(t *testing.T) {
	t.Parallel()
	// an array with base volumes only has no copyOf; the simulator's sample has a snapshot
	a := ex("volumes.list", 200, map[string]string{"members": "array", "members[].name": "string"})
	a.Path = "/api/v1/volumes"
	s := ex("volumes.list", 200, map[string]string{"members": "array", "members[].name": "string",
		"members[].copyOf": "string"})
	s.Path = "/api/v1/volumes"
	diffs, _ := compare([]Exchange{a}, []Exchange{s})
	assert.Empty(t, diffs)
	diffs, _ = compare([]Exchange{s}, []Exchange{a})
	assert.Empty(t, diffs)

	// a finished task has no step counts
	a = ex("tasks.get", 200, map[string]string{"id": "integer"})
	a.Path = "/api/v1/tasks/{task}"
	s = ex("tasks.get", 200, map[string]string{"id": "integer", "totalSteps": "integer", "completedSteps": "integer"})
	s.Path = "/api/v1/tasks/{task}"
	diffs, _ = compare([]Exchange{a}, []Exchange{s})
	assert.Empty(t, diffs)

	// elsewhere, and as a type difference, the member still counts
	a = ex("hosts.list", 200, map[string]string{"members": "array", "members[].name": "string", "members[].copyOf": "string"})
	s = ex("hosts.list", 200, map[string]string{"members": "array", "members[].name": "string"})
	diffs, _ = compare([]Exchange{a}, []Exchange{s})
	assert.Len(t, diffs, 1)
	a = ex("volumes.list", 200, map[string]string{"members[].copyOf": "integer"})
	a.Path = "/api/v1/volumes"
	s = ex("volumes.list", 200, map[string]string{"members[].copyOf": "string"})
	s.Path = "/api/v1/volumes"
	diffs, _ = compare([]Exchange{a}, []Exchange{s})
	assert.Len(t, diffs, 1)
}
