package alletra

import (
	"flag"
	"os"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

var updateDocs = flag.Bool("update", false, "rewrite the outcome tables of the docs from retryContract")

// contractRows renders the rows of retryContract for kinds first to last,
// with a header row: the one source of every outcome table in the docs.
func contractRows(first, last CallKind) [][]string {
	yes := func(b bool) string {
		if b {
			return "yes"
		}
		return "no"
	}
	rows := [][]string{{"kind", "dial", "refused", "lost", "timeout", "busy", "cut body", "re-login", "lost, then an error"}}
	for k := first; k <= last; k++ {
		o := retryContract[k]
		refused := yes(o.allows(failRefused))
		if o.sessionLimit {
			refused += " (a 503 without 270 stands)"
		}
		then := map[onUnknown]string{
			unknownStands:    "stands",
			unknownNotFound:  "not found = done",
			unknownReconcile: "reconciled",
			unknownLookFor:   "not resent: looked for",
		}[o.onUnknown]
		rows = append(rows, []string{o.name, yes(o.allows(failDial)), refused, yes(o.allows(failLost)),
			yes(o.allows(failTimeout)), yes(o.allows(failInUse)), yes(o.allows(failBadBody)), yes(o.relogin), then})
	}
	return rows
}

// commentTable renders rows as an aligned code block of a Go comment.
func commentTable(rows [][]string) string {
	widths := make([]int, len(rows[0]))
	for _, r := range rows {
		for i, cell := range r {
			widths[i] = max(widths[i], len(cell))
		}
	}
	var b strings.Builder
	for _, r := range rows {
		line := "//\t"
		for i, cell := range r {
			if i < len(r)-1 {
				cell += strings.Repeat(" ", widths[i]-len(cell)+2)
			}
			line += cell
		}
		b.WriteString(strings.TrimRight(line, " ") + "\n")
	}
	return b.String()
}

// markdownTable renders rows as a Markdown table.
func markdownTable(rows [][]string) string {
	var b strings.Builder
	for i, r := range rows {
		b.WriteString("| " + strings.Join(r, " | ") + " |\n")
		if i == 0 {
			b.WriteString(strings.Repeat("|---", len(r)) + "|\n")
		}
	}
	return b.String()
}

// outcomeDocs are the places that show the outcome table: the table as it
// must read there, and the lines that open and close it.
func outcomeDocs() []struct{ file, begin, end, table string } {
	return []struct{ file, begin, end, table string }{
		{"contract.go", "// their own). The outcome of each kind:\n//\n", "//\n// The columns", commentTable(contractRows(CallRead, CallDelta))},
		{"doc.go", "// table in contract.go, which the Client reads:\n//\n", "//\n// The columns", commentTable(contractRows(CallRead, callLogout))},
		{"README.md", "<!-- outcome table: generated from contract.go (go test -run TestOutcomeTableInDocs -update .) -->\n", "<!-- end of the outcome table -->", markdownTable(contractRows(CallRead, callLogout))},
	}
}

// The call kinds' doc comment, doc.go and the README show the outcome
// table the Client reads: changing a row of retryContract without them
// fails here (go test -run TestOutcomeTableInDocs -update . rewrites them).
func TestOutcomeTableInDocs(t *testing.T) {
	for _, d := range outcomeDocs() {
		raw, err := os.ReadFile(d.file)
		require.NoError(t, err)
		src := string(raw)
		i := strings.Index(src, d.begin)
		require.GreaterOrEqual(t, i, 0, "%s: no %q", d.file, d.begin)
		i += len(d.begin)
		j := strings.Index(src[i:], d.end)
		require.GreaterOrEqual(t, j, 0, "%s: no %q after the table", d.file, d.end)
		if *updateDocs {
			require.NoError(t, os.WriteFile(d.file, []byte(src[:i]+d.table+src[i+j:]), 0o644))
			continue
		}
		assert.Equal(t, d.table, src[i:i+j], "%s shows another outcome table than retryContract (go test -run TestOutcomeTableInDocs -update .)", d.file)
	}
}
