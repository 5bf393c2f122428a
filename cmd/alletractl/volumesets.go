package main

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"

	alletra "github.com/openalletra/go-alletra"
	"github.com/spf13/cobra"
)

var volumeSetHeader = []string{"NAME", "MEMBERS", "COMMENT"}

func volumeSetRow(v volumeSetView) []string {
	return []string{v.Name, strings.Join(v.Members, ","), v.Comment}
}

func volumeSetResult(s *alletra.VolumeSet) result {
	v := newVolumeSetView(s)
	return result{doc: v, names: []string{v.Name}, header: volumeSetHeader, rows: [][]string{volumeSetRow(v)}}
}

func (a *app) volumeSetCommand() *cobra.Command {
	cmd := group("volumeset", "Create volume sets and add or remove their members", "vvset", "volumesets")
	cmd.AddCommand(a.volumeSetCreateCommand(), a.volumeSetGetCommand(), a.volumeSetListCommand(),
		a.deleteCommand("volumeset", "Delete a volume set (its volumes remain)",
			func(ctx context.Context, c *alletra.Client, name string) error { return c.VolumeSets.Delete(ctx, name) }),
		a.volumeSetMembersCommand("add", "Add volumes to a set (idempotent)", (*alletra.VolumeSetsService).AddMembers),
		a.volumeSetMembersCommand("remove", "Remove volumes from a set (idempotent)", (*alletra.VolumeSetsService).RemoveMembers))
	return cmd
}

func (a *app) volumeSetCreateCommand() *cobra.Command {
	var comment string
	var members []string
	var existsOK bool
	cmd := &cobra.Command{
		Use:   "create NAME [--member VOLUME]...",
		Short: "Create a volume set",
		Long: `Create the volume set NAME, optionally with members.

With --exists-ok an existing set of that name is success when it has (at least)
the members asked for; otherwise it exits 4 (already exists).`,
		Args: cobra.ExactArgs(1),
		RunE: runE(func(cmd *cobra.Command, args []string) error {
			req := &alletra.VolumeSetCreateRequest{Name: args[0], Comment: comment, SetMembers: members}
			return a.withClient(cmd, func(ctx context.Context, c *alletra.Client) error {
				err := c.VolumeSets.Create(ctx, req)
				if err != nil && !(existsOK && errors.Is(err, alletra.ErrAlreadyExists)) {
					return err
				}
				s, gerr := c.VolumeSets.Get(ctx, req.Name)
				if gerr != nil {
					return gerr
				}
				if err != nil {
					for _, m := range members {
						if !s.Has(m) {
							return fmt.Errorf("volume set %s exists without member %s: %w", s.Name, m, err)
						}
					}
				}
				r := volumeSetResult(s)
				r.doc = createdVolumeSet{volumeSetView: newVolumeSetView(s), Created: err == nil}
				if err != nil {
					r.note = "volume set " + s.Name + " exists already (--exists-ok)"
				}
				return a.print(r)
			})
		}),
	}
	cmd.Flags().StringVar(&comment, "comment", "", "a comment on the set")
	cmd.Flags().StringSliceVar(&members, "member", nil, "a volume to put in the set (repeat or comma-separate)")
	cmd.Flags().BoolVar(&existsOK, "exists-ok", false, "succeed when the set exists already with these members")
	return cmd
}

func (a *app) volumeSetGetCommand() *cobra.Command {
	return &cobra.Command{
		Use:   "get NAME",
		Short: "Show a volume set",
		Args:  cobra.ExactArgs(1),
		RunE: runE(func(cmd *cobra.Command, args []string) error {
			return a.withClient(cmd, func(ctx context.Context, c *alletra.Client) error {
				s, err := c.VolumeSets.Get(ctx, args[0])
				if err != nil {
					return err
				}
				return a.print(volumeSetResult(s))
			})
		}),
	}
}

func (a *app) volumeSetListCommand() *cobra.Command {
	return &cobra.Command{
		Use:   "list",
		Short: "List volume sets",
		Args:  cobra.NoArgs,
		RunE: runE(func(cmd *cobra.Command, _ []string) error {
			return a.withClient(cmd, func(ctx context.Context, c *alletra.Client) error {
				sets, err := c.VolumeSets.List(ctx)
				if err != nil {
					return err
				}
				r := result{header: volumeSetHeader}
				views := make([]volumeSetView, 0, len(sets))
				for i := range sets {
					v := newVolumeSetView(&sets[i])
					views = append(views, v)
					r.rows = append(r.rows, volumeSetRow(v))
					r.names = append(r.names, v.Name)
				}
				r.doc = views
				return a.print(r)
			})
		}),
	}
}

func (a *app) volumeSetMembersCommand(verb, short string,
	op func(s *alletra.VolumeSetsService, ctx context.Context, set string, names ...string) error) *cobra.Command {
	return &cobra.Command{
		Use:   verb + " SET VOLUME...",
		Short: short,
		Args:  cobra.MinimumNArgs(2),
		RunE: runE(func(cmd *cobra.Command, args []string) error {
			return a.withClient(cmd, func(ctx context.Context, c *alletra.Client) error {
				if err := op(c.VolumeSets, ctx, args[0], slices.Clone(args[1:])...); err != nil {
					return err
				}
				s, err := c.VolumeSets.Get(ctx, args[0])
				if err != nil {
					return err
				}
				return a.print(volumeSetResult(s))
			})
		}),
	}
}
