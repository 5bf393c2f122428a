package main

import (
	"context"
	"fmt"
	"strings"

	alletra "github.com/openalletra/go-alletra"
	"github.com/spf13/cobra"
)

func (a *app) portCommand() *cobra.Command {
	cmd := group("port", "List the array's ports and the target addresses hosts connect to", "ports")
	cmd.AddCommand(a.portListCommand(), a.portTargetsCommand())
	return cmd
}

func (a *app) portListCommand() *cobra.Command {
	return &cobra.Command{
		Use:   "list",
		Short: "List the array's ports",
		Args:  cobra.NoArgs,
		RunE: runE(func(cmd *cobra.Command, _ []string) error {
			return a.withClient(cmd, func(ctx context.Context, c *alletra.Client) error {
				ports, err := c.Ports.List(ctx)
				if err != nil {
					return err
				}
				r := result{header: []string{"PORT", "PROTOCOL", "MODE", "LINK", "ADDRESS", "LABEL"}}
				views := make([]portView, 0, len(ports))
				for i := range ports {
					v := newPortView(&ports[i])
					views = append(views, v)
					addr := v.IPAddr
					switch {
					case addr != "":
					case ports[i].Protocol == alletra.ProtocolNVMe:
						addr = v.NodeWWN // NVMe/TCP ports carry their IP address there
					default:
						addr = v.PortWWN
					}
					r.rows = append(r.rows, []string{v.Port, v.Protocol, v.Mode, v.LinkState, addr, v.Label})
					r.names = append(r.names, v.Port)
				}
				r.doc = views
				return a.print(r)
			})
		}),
	}
}

// protocols are the protocols "port targets" knows.
var protocols = map[string]alletra.PortProtocol{"iscsi": alletra.ProtocolISCSI, "nvme": alletra.ProtocolNVMe}

func (a *app) portTargetsCommand() *cobra.Command {
	return &cobra.Command{
		Use:       "targets iscsi|nvme",
		Short:     "List the addresses hosts connect to (ready target ports only)",
		Long:      "List the iSCSI portals (IP, target IQN, VLAN) or NVMe/TCP addresses of the\narray's ready target ports. None at all exits 3 (not found).",
		Args:      cobra.ExactArgs(1),
		ValidArgs: []string{"iscsi", "nvme"},
		RunE: runE(func(cmd *cobra.Command, args []string) error {
			proto, ok := protocols[strings.ToLower(args[0])]
			if !ok {
				return invalidf("protocol", "%q: want iscsi or nvme", args[0])
			}
			return a.withClient(cmd, func(ctx context.Context, c *alletra.Client) error {
				addrs, err := c.Ports.TargetAddresses(ctx, proto)
				if err != nil {
					return err
				}
				if len(addrs) == 0 { // the SDK's empty result: no ready target port
					return fmt.Errorf("the array has no ready %s target port: %w", strings.ToLower(args[0]), alletra.ErrNotFound)
				}
				r := result{header: []string{"PROTOCOL", "IP", "PORT", "VLAN", "TARGET"}}
				views := make([]targetView, 0, len(addrs))
				for i := range addrs {
					v := newTargetView(&addrs[i])
					views = append(views, v)
					vlan := ""
					if v.VLANTag != 0 {
						vlan = itoa(v.VLANTag)
					}
					r.rows = append(r.rows, []string{v.Protocol, v.IP, v.Port, vlan, v.TargetName})
					r.names = append(r.names, v.IP)
				}
				r.doc = views
				return a.print(r)
			})
		}),
	}
}
