package main

import (
	"context"
	"fmt"
	"strings"

	alletra "github.com/openalletra/go-alletra"
	"github.com/spf13/cobra"
)

func (a *app) systemCommand() *cobra.Command {
	cmd := group("system", "Show the array's identity, capacity and WSAPI version")
	cmd.AddCommand(a.systemGetCommand())
	return cmd
}

func (a *app) systemGetCommand() *cobra.Command {
	return &cobra.Command{
		Use:   "get",
		Short: "Show the array's name, model, OS release, WSAPI version and capacity",
		Args:  cobra.NoArgs,
		RunE: runE(func(cmd *cobra.Command, _ []string) error {
			return a.withClient(cmd, func(ctx context.Context, c *alletra.Client) error {
				s, err := c.System.Get(ctx)
				if err != nil {
					return err
				}
				ver, err := c.System.APIVersion(ctx)
				if err != nil {
					return err
				}
				v := newSystemView(s, ver)
				nodes := make([]string, len(v.OnlineNodes))
				for i, n := range v.OnlineNodes {
					nodes[i] = itoa(n)
				}
				return a.print(result{doc: v, names: []string{v.Name}, rows: [][]string{
					{"Name", v.Name},
					{"Model", v.Model},
					{"Serial number", v.SerialNumber},
					{"OS release", v.SystemVersion},
					{"WSAPI", fmt.Sprintf("%d.%d.%d (build %d)", ver.Major, ver.Minor, ver.Revision, ver.Build)},
					{"Nodes", fmt.Sprintf("%d (online: %s)", v.TotalNodes, strings.Join(nodes, ","))},
					{"Capacity", humanMiB(v.TotalCapacityMiB)},
					{"Allocated", humanMiB(v.AllocatedCapacityMiB)},
					{"Free", humanMiB(v.FreeCapacityMiB)},
					{"Failed", humanMiB(v.FailedCapacityMiB)},
				}})
			})
		}),
	}
}
