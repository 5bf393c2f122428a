package probe

import (
	"slices"
	"sort"
	"strconv"
	"strings"
)

// compare lists the differences between the array's exchanges and the
// simulator's, step by step and request by request, and the sample steps
// only one side ran.
func compare(array, sim []Exchange) (diffs []Difference, notCompared []string) {
	aSteps, aOrder := byStep(array)
	sSteps, sOrder := byStep(sim)
	for _, step := range aOrder {
		a, s := aSteps[step], sSteps[step]
		if len(s) == 0 {
			if a[0].Sample {
				notCompared = append(notCompared, step)
				continue
			}
			diffs = append(diffs, Difference{Step: step, Method: a[0].Method, Path: a[0].Path, Kind: "step",
				Array: "ran", Simulator: ""})
			continue
		}
		n := max(len(a), len(s))
		if a[0].Sample {
			n = min(len(a), len(s)) // samples: as many objects as both had
		}
		for i := range n {
			switch {
			case i >= len(s):
				diffs = append(diffs, Difference{Step: step, Index: i, Method: a[i].Method, Path: a[i].Path,
					Kind: "exchange", Array: a[i].Method + " " + a[i].Path})
			case i >= len(a):
				diffs = append(diffs, Difference{Step: step, Index: i, Method: s[i].Method, Path: s[i].Path,
					Kind: "exchange", Simulator: s[i].Method + " " + s[i].Path})
			default:
				diffs = append(diffs, compareExchange(step, i, a[i], s[i])...)
			}
		}
	}
	for _, step := range sOrder {
		if _, ok := aSteps[step]; ok {
			continue
		}
		s := sSteps[step]
		if s[0].Sample {
			notCompared = append(notCompared, step)
			continue
		}
		diffs = append(diffs, Difference{Step: step, Method: s[0].Method, Path: s[0].Path, Kind: "step",
			Simulator: "ran"})
	}
	return diffs, notCompared
}

func byStep(xs []Exchange) (map[string][]Exchange, []string) {
	m := map[string][]Exchange{}
	var order []string
	for _, x := range xs {
		if _, ok := m[x.Step]; !ok {
			order = append(order, x.Step)
		}
		m[x.Step] = append(m[x.Step], x)
	}
	return m, order
}

func compareExchange(step string, i int, a, s Exchange) []Difference {
	var out []Difference
	add := func(kind, member, av, sv string) {
		out = append(out, Difference{Step: step, Index: i, Method: a.Method, Path: a.Path, Kind: kind,
			Member: member, Array: av, Simulator: sv})
	}
	if a.Method+" "+a.Path != s.Method+" "+s.Path {
		add("path", "", a.Method+" "+a.Path, s.Method+" "+s.Path)
		return out // another request: its answer is not comparable
	}
	if aq, sq := strings.Join(a.Query, "&"), strings.Join(s.Query, "&"); aq != sq {
		add("query", "", aq, sq)
	}
	if a.Transport != s.Transport {
		add("transport", "", a.Transport, s.Transport)
		return out
	}
	if a.Status != s.Status {
		add("status", "", itoa(a.Status), itoa(s.Status))
	}
	if a.Code != s.Code {
		add("code", "", itoa(a.Code), itoa(s.Code))
	}
	if a.Body != s.Body {
		add("body", "", a.Body, s.Body)
	}
	for _, h := range []string{"Content-Type", "Content-Encoding", "Location"} {
		av, sv := a.Headers[h], s.Headers[h]
		if h == "Content-Type" {
			av, sv = normalizeMediaType(av), normalizeMediaType(sv)
		}
		if av != sv {
			add("header", h, a.Headers[h], s.Headers[h])
		}
	}
	for _, p := range unionKeys(a.Members, s.Members) {
		at, aok := a.Members[p]
		st, sok := s.Members[p]
		switch {
		case aok && sok:
			if at != st {
				add("type", p, at, st)
			}
		case optionalMember(a.Path, p):
			// present in some states only: not a difference
		case aok && !underEmptyArray(p, s.Members) && !parentMissing(p, s.Members):
			add("member", p, at, "")
		case sok && !underEmptyArray(p, a.Members) && !parentMissing(p, a.Members):
			add("member", p, "", st)
		}
	}
	return out
}

// optionalMembers are the members that the public record describes as
// present in some states only, by collection: whether one side has them
// depends on the objects it holds (an array with base volumes only has no
// copyOf), not on how it answers. Their presence on one side only is no
// difference; a different JSON type still is. Sources: the volume object's
// copyOf is the parent's name "for copies" (WSAPI guide 1.2 p48, 1.3.1 p70);
// a task's completedSteps and totalSteps are given for active tasks only
// (WSAPI guide 1.3.1 pp131-133). See docs/wsapi-evidence.md.
var optionalMembers = map[string][]string{
	"volumes": {"copyOf", "members[].copyOf"},
	"tasks":   {"completedSteps", "totalSteps", "members[].completedSteps", "members[].totalSteps"},
}

// optionalMember reports whether member of an answer to path is one of the
// optionalMembers.
func optionalMember(path, member string) bool {
	rest, ok := strings.CutPrefix(path, "/api/v1/")
	if !ok {
		return false
	}
	coll, _, _ := strings.Cut(rest, "/")
	return slices.Contains(optionalMembers[coll], member)
}

// underEmptyArray reports whether path p lies under an array that m has
// but saw no element of (an empty list: its elements' shape is unknown).
func underEmptyArray(p string, m map[string]string) bool {
	for i := strings.LastIndex(p, "[]"); i >= 0; i = strings.LastIndex(p[:i], "[]") {
		arr := p[:i]
		if m[arr] == "" && arr != "(root)" {
			continue
		}
		for k := range m {
			if strings.HasPrefix(k, arr+"[]") {
				return false
			}
		}
		return true
	}
	return false
}

// parentMissing reports whether the member containing p is itself absent
// from m (then that member is the difference, not each of its children).
func parentMissing(p string, m map[string]string) bool {
	var parent string
	switch i := strings.LastIndex(p, "."); {
	case strings.HasSuffix(p, "[]"):
		parent = strings.TrimSuffix(p, "[]")
	case i >= 0:
		parent = strings.TrimSuffix(p[:i], "[]")
	default:
		return false
	}
	if parent == "" || parent == "(root)" {
		return false
	}
	_, ok := m[parent]
	return !ok
}

func unionKeys(a, b map[string]string) []string {
	var keys []string
	for k := range a {
		keys = append(keys, k)
	}
	for k := range b {
		if _, ok := a[k]; !ok {
			keys = append(keys, k)
		}
	}
	sort.Strings(keys)
	return keys
}

func normalizeMediaType(ct string) string {
	return strings.ToLower(strings.ReplaceAll(ct, " ", ""))
}

func itoa(n int) string {
	if n == 0 {
		return ""
	}
	return strconv.Itoa(n)
}
