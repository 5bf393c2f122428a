package main

import (
	"context"

	alletra "github.com/openalletra/go-alletra"
	"github.com/spf13/cobra"
)

var cpgHeader = []string{"NAME", "VOLUMES", "USER USED", "USER TOTAL", "SNAPSHOT USED"}

func cpgRow(v cpgView) []string {
	return []string{v.Name, itoa(v.NumFPVVs + v.NumTPVVs + v.NumTDVVs), humanMiB(v.UserSpace.UsedMiB),
		humanMiB(v.UserSpace.TotalMiB), humanMiB(v.SnapDataSpace.UsedMiB + v.SnapAdminSpc.UsedMiB)}
}

func (a *app) cpgCommand() *cobra.Command {
	cmd := group("cpg", "Show CPGs (the pools volumes take space from) and their free space", "cpgs")
	cmd.AddCommand(a.cpgGetCommand(), a.cpgListCommand(), a.cpgSpaceCommand())
	return cmd
}

func (a *app) cpgGetCommand() *cobra.Command {
	return &cobra.Command{
		Use:   "get NAME",
		Short: "Show a CPG",
		Args:  cobra.ExactArgs(1),
		RunE: runE(func(cmd *cobra.Command, args []string) error {
			return a.withClient(cmd, func(ctx context.Context, c *alletra.Client) error {
				cpg, err := c.System.CPG(ctx, args[0])
				if err != nil {
					return err
				}
				v := newCPGView(cpg)
				return a.print(result{doc: v, names: []string{v.Name}, header: cpgHeader, rows: [][]string{cpgRow(v)}})
			})
		}),
	}
}

func (a *app) cpgListCommand() *cobra.Command {
	return &cobra.Command{
		Use:   "list",
		Short: "List CPGs",
		Args:  cobra.NoArgs,
		RunE: runE(func(cmd *cobra.Command, _ []string) error {
			return a.withClient(cmd, func(ctx context.Context, c *alletra.Client) error {
				cpgs, err := c.System.CPGs(ctx)
				if err != nil {
					return err
				}
				r := result{header: cpgHeader}
				views := make([]cpgView, 0, len(cpgs))
				for i := range cpgs {
					v := newCPGView(&cpgs[i])
					views = append(views, v)
					r.rows = append(r.rows, cpgRow(v))
					r.names = append(r.names, v.Name)
				}
				r.doc = views
				return a.print(r)
			})
		}),
	}
}

func (a *app) cpgSpaceCommand() *cobra.Command {
	return &cobra.Command{
		Use:   "space NAME",
		Short: "Report the space left for new volumes in a CPG",
		Args:  cobra.ExactArgs(1),
		RunE: runE(func(cmd *cobra.Command, args []string) error {
			return a.withClient(cmd, func(ctx context.Context, c *alletra.Client) error {
				rep, err := c.System.SpaceReport(ctx, args[0])
				if err != nil {
					return err
				}
				v := newSpaceReportView(args[0], rep)
				return a.print(result{doc: v, names: []string{v.CPG},
					rows: [][]string{
						{"CPG", v.CPG},
						{"Total (over-provisioned used + free)", humanMiB(v.TotalMiB)},
						{"Over-provisioned used", humanMiB(v.OverprovisionedUsedMiB)},
						{"Over-provisioned free", humanMiB(v.OverprovisionedFreeMiB)},
						{"Usable free", humanMiB(v.UsableFreeMiB)},
						{"Raw free", humanMiB(v.RawFreeMiB)},
					}})
			})
		}),
	}
}
