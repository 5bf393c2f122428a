package main

import (
	"encoding/json"
	"fmt"
	"io"
	"strconv"
	"strings"
	"text/tabwriter"
)

// result is what a command prints, in each of the three formats.
type result struct {
	doc    any        // -o json: one JSON document
	names  []string   // -o name: one per line
	header []string   // table: column titles ...
	rows   [][]string // ... and rows; or, with header nil, "KEY  value" pairs
	note   string     // table only: a line for people after the table, e.g. "volume v1 deleted"
}

// print writes r in the --output format.
func (a *app) print(r result) error {
	w := a.env.stdout
	switch a.output {
	case "json":
		enc := json.NewEncoder(w)
		enc.SetIndent("", "  ")
		enc.SetEscapeHTML(false)
		return enc.Encode(r.doc)
	case "name":
		for _, n := range r.names {
			if _, err := fmt.Fprintln(w, n); err != nil {
				return err
			}
		}
		return nil
	default:
		return printTable(w, r)
	}
}

// printTable writes the table (or key/value pairs) and the note.
func printTable(w io.Writer, r result) error {
	if len(r.header) > 0 || len(r.rows) > 0 {
		tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
		if len(r.header) > 0 {
			fmt.Fprintln(tw, strings.Join(r.header, "\t"))
		}
		for _, row := range r.rows {
			cells := make([]string, len(row))
			for i, c := range row {
				cells[i] = cell(c)
			}
			fmt.Fprintln(tw, strings.Join(cells, "\t"))
		}
		if err := tw.Flush(); err != nil {
			return err
		}
	}
	if r.note != "" {
		_, err := fmt.Fprintln(w, r.note)
		return err
	}
	return nil
}

// cell keeps a table cell on one line and shows empty values as "-".
func cell(s string) string {
	if s == "" {
		return "-"
	}
	return strings.NewReplacer("\t", " ", "\n", " ", "\r", " ").Replace(s)
}

// notef writes a line for people to stderr, whatever the output format: it
// never mixes with the document on stdout.
func (a *app) notef(format string, args ...any) {
	fmt.Fprintf(a.env.stderr, "alletractl: "+format+"\n", args...)
}

// itoa is strconv.Itoa, short for table cells.
func itoa(n int) string { return strconv.Itoa(n) }
