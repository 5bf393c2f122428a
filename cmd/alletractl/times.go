package main

// Times in -o json are RFC 3339. The WSAPI writes a volume's creation time
// in ISO 8601 (creationTime8601) next to Unix seconds (creationTimeSec), and
// a task's start and finish times as "2014-02-06 13:07:03 PST" (a zone
// abbreviation; a task still running has "-" for its finish time).

import (
	"strings"
	"time"
)

// zoneOffsets are the zone abbreviations with a single meaning, in seconds
// east of UTC. Ambiguous ones (CST, IST, BST, ...) are not listed: such a
// time is not converted (see taskTime).
var zoneOffsets = map[string]int{
	"UTC": 0, "UCT": 0, "GMT": 0, "Z": 0, "WET": 0, "WEST": 1 * 3600,
	"CET": 1 * 3600, "CEST": 2 * 3600, "EET": 2 * 3600, "EEST": 3 * 3600, "MSK": 3 * 3600,
	"PST": -8 * 3600, "PDT": -7 * 3600, "MST": -7 * 3600, "MDT": -6 * 3600,
	"EST": -5 * 3600, "EDT": -4 * 3600, "AKST": -9 * 3600, "AKDT": -8 * 3600, "HST": -10 * 3600,
	"JST": 9 * 3600, "KST": 9 * 3600, "HKT": 8 * 3600, "SGT": 8 * 3600,
	"AEST": 10 * 3600, "AEDT": 11 * 3600, "ACST": 9*3600 + 1800, "ACDT": 10*3600 + 1800, "AWST": 8 * 3600,
	"NZST": 12 * 3600, "NZDT": 13 * 3600,
}

// taskTime converts a task time of the WSAPI to RFC 3339. ok is false for a
// time it cannot convert without guessing (an ambiguous or unknown zone);
// an unset time ("", "-") is "" and ok.
func taskTime(s string) (rfc3339 string, ok bool) {
	s = strings.TrimSpace(s)
	if s == "" || s == "-" {
		return "", true
	}
	if t, err := time.Parse(time.RFC3339, s); err == nil {
		return t.Format(time.RFC3339), true
	}
	date, zone, found := strings.Cut(s, " ")
	if !found {
		return "", false
	}
	clock, zone, _ := strings.Cut(zone, " ")
	local, err := time.Parse("2006-01-02 15:04:05", date+" "+clock)
	if err != nil {
		return "", false
	}
	var offset int
	switch {
	case zone == "":
		return "", false // no zone: the array's local time, unknown here
	case zone[0] == '+' || zone[0] == '-':
		z, err := time.Parse("-0700", zone)
		if err != nil {
			if z, err = time.Parse("-07:00", zone); err != nil {
				return "", false
			}
		}
		_, offset = z.Zone()
	default:
		if offset, found = zoneOffsets[strings.ToUpper(zone)]; !found {
			return "", false
		}
	}
	t := time.Date(local.Year(), local.Month(), local.Day(), local.Hour(), local.Minute(), local.Second(), 0,
		time.FixedZone(zone, offset))
	return t.Format(time.RFC3339), true
}

// volumeTime is a volume's creation time in RFC 3339: the ISO 8601 text
// when it parses, else the Unix seconds (in UTC), else "".
func volumeTime(iso8601 string, sec int64) string {
	for _, layout := range []string{time.RFC3339, "2006-01-02T15:04:05-0700", "2006-01-02T15:04:05-07"} {
		if t, err := time.Parse(layout, strings.TrimSpace(iso8601)); err == nil {
			return t.Format(time.RFC3339)
		}
	}
	if sec > 0 {
		return time.Unix(sec, 0).UTC().Format(time.RFC3339)
	}
	return ""
}
