package main

import (
	"context"
	"strings"

	alletra "github.com/openalletra/go-alletra"
	"github.com/spf13/cobra"
)

var hostHeader = []string{"NAME", "ID", "PERSONA", "INITIATORS"}

func hostRow(v hostView) []string {
	return []string{v.Name, itoa(v.ID), v.Persona, strings.Join(v.initiators(), ",")}
}

func hostResult(h *alletra.Host) result {
	v := newHostView(h)
	return result{doc: v, names: []string{v.Name}, header: hostHeader, rows: [][]string{hostRow(v)}}
}

func (a *app) hostCommand() *cobra.Command {
	cmd := group("host", "Ensure, inspect and delete hosts", "hosts")
	cmd.AddCommand(a.hostEnsureCommand(), a.hostGetCommand(), a.hostListCommand(),
		a.deleteCommand("host", "Delete a host (refused while it has vLUNs)",
			func(ctx context.Context, c *alletra.Client, name string) error { return c.Hosts.Delete(ctx, name) }),
		a.hostFindCommand())
	return cmd
}

// personaFlag parses --persona: a WSAPI persona name (GENERIC_ALUA, VMWARE,
// ...; any case) or its number.
func personaFlag(s string) (alletra.HostPersona, error) {
	if s == "" {
		return 0, nil
	}
	var names []string
	for p := alletra.PersonaGeneric; p <= alletra.PersonaWindowsServer; p++ {
		if strings.EqualFold(s, p.String()) || s == itoa(int(p)) {
			return p, nil
		}
		names = append(names, p.String())
	}
	return 0, invalidf("--persona", "%q: want one of %s", s, strings.Join(names, ", "))
}

func (a *app) hostEnsureCommand() *cobra.Command {
	var iscsi, wwns []string
	var nqn, persona, domain string
	cmd := &cobra.Command{
		Use:   "ensure NAME (--iscsi IQN... | --wwn WWN... | --nqn NQN)",
		Short: "Find the host that has an initiator, or create it (idempotent)",
		Long: `Return the host that owns the initiator (an iSCSI name, FC WWNs or an NVMe NQN),
creating NAME with it when no host has it. Running it again returns the same
host ("created": false). A host called NAME that exists with other initiators
is never taken over: that exits 4 (conflict) and changes nothing.`,
		Example: "  alletractl host ensure node1-iscsi --iscsi iqn.1993-08.org.debian:01:node1",
		Args:    cobra.ExactArgs(1),
		RunE: runE(func(cmd *cobra.Command, args []string) error {
			kinds := 0
			for _, set := range []bool{len(iscsi) > 0, len(wwns) > 0, nqn != ""} {
				if set {
					kinds++
				}
			}
			if kinds != 1 {
				return invalidf("initiator", "give exactly one of --iscsi, --wwn or --nqn")
			}
			p, err := personaFlag(persona)
			if err != nil {
				return err
			}
			req := &alletra.HostCreateRequest{Name: args[0], ISCSINames: iscsi, FCWWNs: wwns, NQN: nqn,
				Persona: p, Domain: domain}
			return a.withClient(cmd, func(ctx context.Context, c *alletra.Client) error {
				h, created, err := c.Hosts.Ensure(ctx, req)
				if err != nil {
					return err
				}
				if created { // Ensure does not read a new host back: show the array's record
					if h, err = c.Hosts.Get(ctx, h.Name); err != nil {
						return err
					}
				}
				r := hostResult(h)
				r.doc = ensuredHost{hostView: newHostView(h), Created: created}
				if !created {
					r.note = "host " + h.Name + " has the initiator already"
				}
				return a.print(r)
			})
		}),
	}
	f := cmd.Flags()
	f.StringSliceVar(&iscsi, "iscsi", nil, "iSCSI initiator name(s) (iqn., eui. or naa.)")
	f.StringSliceVar(&wwns, "wwn", nil, "Fibre Channel WWN(s), 16 hex digits, colons allowed")
	f.StringVar(&nqn, "nqn", "", "NVMe/TCP host NQN")
	f.StringVar(&persona, "persona", "", "host persona, e.g. GENERIC_ALUA or VMWARE (default: the array's)")
	f.StringVar(&domain, "domain", "", "the domain to create the host in")
	return cmd
}

func (a *app) hostGetCommand() *cobra.Command {
	return &cobra.Command{
		Use:   "get NAME",
		Short: "Show a host",
		Args:  cobra.ExactArgs(1),
		RunE: runE(func(cmd *cobra.Command, args []string) error {
			return a.withClient(cmd, func(ctx context.Context, c *alletra.Client) error {
				h, err := c.Hosts.Get(ctx, args[0])
				if err != nil {
					return err
				}
				return a.print(hostResult(h))
			})
		}),
	}
}

func (a *app) hostFindCommand() *cobra.Command {
	return &cobra.Command{
		Use:   "find INITIATOR",
		Short: "Show the host that has an initiator (iSCSI name, WWN or NQN)",
		Args:  cobra.ExactArgs(1),
		RunE: runE(func(cmd *cobra.Command, args []string) error {
			return a.withClient(cmd, func(ctx context.Context, c *alletra.Client) error {
				h, err := c.Hosts.FindByInitiator(ctx, args[0])
				if err != nil {
					return err
				}
				return a.print(hostResult(h))
			})
		}),
	}
}

func (a *app) hostListCommand() *cobra.Command {
	return &cobra.Command{
		Use:   "list",
		Short: "List hosts",
		Args:  cobra.NoArgs,
		RunE: runE(func(cmd *cobra.Command, _ []string) error {
			return a.withClient(cmd, func(ctx context.Context, c *alletra.Client) error {
				hosts, err := c.Hosts.List(ctx, nil)
				if err != nil {
					return err
				}
				r := result{header: hostHeader}
				views := make([]hostView, 0, len(hosts))
				for i := range hosts {
					v := newHostView(&hosts[i])
					views = append(views, v)
					r.rows = append(r.rows, hostRow(v))
					r.names = append(r.names, v.Name)
				}
				r.doc = views
				return a.print(r)
			})
		}),
	}
}
