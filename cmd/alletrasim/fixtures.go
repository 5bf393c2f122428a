package main

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"net"
	"os"
	"slices"
	"strconv"
	"strings"
	"time"

	alletra "github.com/openalletra/go-alletra"
	"github.com/openalletra/go-alletra/alletratest"
)

// fixtures is what an outside test suite needs on the array before it
// starts: read from -config (JSON) and from the repeatable flags, the flags
// adding to the file.
type fixtures struct {
	// Domains are the array's domains (hosts and CPGs may be created in
	// them; any other domain is 404/38).
	Domains []string `json:"domains,omitempty"`
	// CPGs are CPGs beside the default SSD_r6, each optionally in a domain.
	CPGs []cpgFixture `json:"cpgs,omitempty"`
	// IPPorts are ready IP (protocol 4, remote copy over IP) ports.
	IPPorts []ipPortFixture `json:"ipPorts,omitempty"`
	// Tasks are background tasks that stay active for a while.
	Tasks []taskFixture `json:"tasks,omitempty"`
	// ErrorCodes set the code of named errors (see alletratest.WithNamedErrorCode).
	ErrorCodes map[string]int `json:"errorCodes,omitempty"`
	// MaxVolumes and MaxSnapshots provoke the 503 limits (0: none).
	MaxVolumes   int `json:"maxVolumes,omitempty"`
	MaxSnapshots int `json:"maxSnapshots,omitempty"`
	// UntaggedVlanEntry gives the VLAN-tagged port 1:2:1 an untagged address
	// that its VLAN list repeats.
	UntaggedVlanEntry bool `json:"untaggedVlanEntry,omitempty"`
}

type cpgFixture struct {
	Name   string `json:"name"`
	Domain string `json:"domain,omitempty"`
}

type ipPortFixture struct {
	Pos string `json:"pos"` // n:s:p
	IP  string `json:"ip"`
}

type taskFixture struct {
	Name      string   `json:"name"`
	ActiveFor duration `json:"activeFor"` // e.g. "1h"
}

// duration is a time.Duration written as a Go duration string in JSON.
type duration time.Duration

// UnmarshalJSON implements json.Unmarshaler.
func (d *duration) UnmarshalJSON(b []byte) error {
	var s string
	if err := json.Unmarshal(b, &s); err != nil {
		return fmt.Errorf("a duration is a string such as \"90s\": %w", err)
	}
	v, err := time.ParseDuration(s)
	if err != nil {
		return err
	}
	*d = duration(v)
	return nil
}

// loadFixtures reads a -config file. Unknown members are errors, so that a
// typo cannot leave a fixture missing.
func loadFixtures(path string) (fixtures, error) {
	var f fixtures
	data, err := os.ReadFile(path)
	if err != nil {
		return f, err
	}
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&f); err != nil {
		return f, fmt.Errorf("-config %s: %w", path, err)
	}
	return f, nil
}

// listFlag is a repeatable string flag.
type listFlag []string

func (l *listFlag) String() string     { return strings.Join(*l, ",") }
func (l *listFlag) Set(v string) error { *l = append(*l, v); return nil }

// addFlags adds the repeatable flags' values to f.
func (f *fixtures) addFlags(domains, cpgs, ipPorts, tasks, codes listFlag) error {
	f.Domains = append(f.Domains, domains...)
	for _, c := range cpgs {
		name, domain, _ := strings.Cut(c, "@")
		f.CPGs = append(f.CPGs, cpgFixture{Name: name, Domain: domain})
	}
	for _, p := range ipPorts {
		pos, ip, ok := strings.Cut(p, "=")
		if !ok {
			return fmt.Errorf("-ip-port %q: want N:S:P=ADDRESS", p)
		}
		f.IPPorts = append(f.IPPorts, ipPortFixture{Pos: pos, IP: ip})
	}
	for _, t := range tasks {
		name, d, ok := strings.Cut(t, "=")
		v, err := time.ParseDuration(d)
		if !ok || err != nil {
			return fmt.Errorf("-task %q: want NAME=DURATION, e.g. copy1=1h", t)
		}
		f.Tasks = append(f.Tasks, taskFixture{Name: name, ActiveFor: duration(v)})
	}
	for _, c := range codes {
		name, n, ok := strings.Cut(c, "=")
		v, err := strconv.Atoi(n)
		if !ok || err != nil {
			return fmt.Errorf("-error-code %q: want NAME=NUMBER, e.g. MEMBER_IN_SET=104", c)
		}
		if f.ErrorCodes == nil {
			f.ErrorCodes = map[string]int{}
		}
		f.ErrorCodes[name] = v
	}
	return nil
}

// options checks f and returns the server options it needs.
func (f *fixtures) options() ([]alletratest.Option, error) {
	var opts []alletratest.Option
	if len(f.Domains) > 0 {
		opts = append(opts, alletratest.WithDomains(f.Domains...))
	}
	for _, c := range f.CPGs {
		if c.Name == "" {
			return nil, errors.New("a CPG fixture needs a name")
		}
		if c.Domain != "" && !slices.Contains(f.Domains, c.Domain) {
			return nil, fmt.Errorf("CPG %s: the domain %s is not one of the array's domains (-domain)", c.Name, c.Domain)
		}
		opts = append(opts, alletratest.WithCPGInDomain(c.Name, c.Domain))
	}
	for name, code := range f.ErrorCodes {
		if alletratest.NamedErrorStatus(name) == 0 {
			return nil, fmt.Errorf("error code for %q: not a named error the simulator answers", name)
		}
		opts = append(opts, alletratest.WithNamedErrorCode(name, code))
	}
	taken := map[alletra.PortPos]bool{}
	for _, p := range alletratest.DefaultPorts() {
		taken[alletra.PortPos{Node: p.Node, Slot: p.Slot, CardPort: p.CardPort}] = true
	}
	for _, p := range f.IPPorts {
		pos, err := alletra.ParsePortPos(p.Pos)
		if err != nil {
			return nil, fmt.Errorf("IP port %q: %w", p.Pos, err)
		}
		if p.IP == "" {
			return nil, fmt.Errorf("IP port %s needs an address", p.Pos)
		}
		if net.ParseIP(p.IP) == nil {
			return nil, fmt.Errorf("IP port %s: %q is not an IP address", p.Pos, p.IP)
		}
		if taken[pos] {
			return nil, fmt.Errorf("IP port %s: the position is taken by another port", p.Pos)
		}
		taken[pos] = true
	}
	for _, t := range f.Tasks {
		if t.Name == "" || t.ActiveFor <= 0 {
			return nil, fmt.Errorf("task %q: needs a name and a positive activeFor", t.Name)
		}
	}
	switch {
	case f.MaxVolumes < 0 || f.MaxSnapshots < 0:
		return nil, errors.New("the volume and snapshot limits must not be negative")
	}
	if f.MaxVolumes > 0 {
		opts = append(opts, alletratest.WithMaxVolumes(f.MaxVolumes))
	}
	if f.MaxSnapshots > 0 {
		opts = append(opts, alletratest.WithMaxSnapshots(f.MaxSnapshots))
	}
	if f.UntaggedVlanEntry {
		opts = append(opts, alletratest.WithUntaggedVlanEntry())
	}
	return opts, nil
}

// apply creates what cannot be set before the server starts: the IP ports
// and the tasks.
func (f *fixtures) apply(srv *alletratest.Server) {
	if len(f.IPPorts) > 0 {
		ports := srv.Ports()
		for _, p := range f.IPPorts {
			pos, _ := alletra.ParsePortPos(p.Pos) // checked by options
			ports = append(ports, alletratest.PortState{Node: pos.Node, Slot: pos.Slot, CardPort: pos.CardPort,
				Mode: alletra.PortModeTarget, LinkState: alletra.LinkReady, Type: alletra.PortTypeRCIP,
				Protocol: alletra.ProtocolIP, Label: "RCIP" + strconv.Itoa(pos.Node) + strconv.Itoa(pos.Slot), IPAddr: p.IP})
		}
		srv.SetPorts(ports)
	}
	for _, t := range f.Tasks {
		srv.StartTask(alletra.TaskTypeBackgroundTask, t.Name, time.Duration(t.ActiveFor))
	}
}
