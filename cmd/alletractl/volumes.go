package main

import (
	"context"
	"errors"
	"fmt"
	"strconv"

	alletra "github.com/openalletra/go-alletra"
	"github.com/spf13/cobra"
)

var volumeHeader = []string{"NAME", "SIZE", "USED", "CPG", "PROVISIONING", "COPY OF", "WWN"}

func volumeRow(v volumeView) []string {
	return []string{v.Name, humanMiB(v.SizeMiB), humanMiB(v.UsedMiB), v.CPG, v.Provisioning, v.CopyOf, v.WWN}
}

func volumesResult(vols []alletra.Volume) result {
	r := result{header: volumeHeader}
	views := make([]volumeView, 0, len(vols))
	for i := range vols {
		v := newVolumeView(&vols[i])
		views = append(views, v)
		r.rows = append(r.rows, volumeRow(v))
		r.names = append(r.names, v.Name)
	}
	r.doc = views
	return r
}

func volumeResult(v *alletra.Volume) result {
	view := newVolumeView(v)
	return result{doc: view, names: []string{v.Name}, header: volumeHeader, rows: [][]string{volumeRow(view)}}
}

func (a *app) volumeCommand() *cobra.Command {
	cmd := group("volume", "Create, inspect, grow and delete volumes", "vol", "volumes")
	cmd.AddCommand(a.volumeCreateCommand(), a.volumeGetCommand(), a.volumeListCommand(),
		a.deleteCommand("volume", "Delete a volume (refused while exported, in a set or with snapshots)",
			func(ctx context.Context, c *alletra.Client, name string) error { return c.Volumes.Delete(ctx, name) }),
		a.volumeGrowCommand(), a.volumeResizeCommand())
	return cmd
}

func (a *app) volumeCreateCommand() *cobra.Command {
	var size, cpg, comment, prov string
	var existsOK bool
	cmd := &cobra.Command{
		Use:   "create NAME --size SIZE --cpg CPG",
		Short: "Create a volume",
		Long: `Create a volume of at least SIZE (e.g. 10GiB, 512MiB, 1TB) in CPG. The size is
rounded up to the array's 256 MiB granularity; alletractl says so on stderr when
that changed the number.

With --exists-ok an existing volume of that name is success when it is in the
same CPG and of the same (rounded) size; otherwise it exits 4 (already exists).`,
		Example: "  alletractl volume create vol1 --size 10GiB --cpg SSD_r6",
		Args:    cobra.ExactArgs(1),
		RunE: runE(func(cmd *cobra.Command, args []string) error {
			sizeMiB, err := a.volumeSizeMiB("--size", size)
			if err != nil {
				return err
			}
			req := &alletra.VolumeCreateRequest{Name: args[0], CPG: cpg, SizeMiB: sizeMiB, Comment: comment}
			if err := setProvisioning(req, prov); err != nil {
				return err
			}
			return a.withClient(cmd, func(ctx context.Context, c *alletra.Client) error {
				created := true
				err := c.Volumes.Create(ctx, req)
				if err != nil && !(existsOK && errors.Is(err, alletra.ErrAlreadyExists)) {
					return err
				}
				v, gerr := c.Volumes.Get(ctx, req.Name)
				if gerr != nil {
					return gerr
				}
				if err != nil { // exists: is it the one asked for?
					created = false
					if v.UserCPG != req.CPG || v.SizeMiB != req.SizeMiB {
						return fmt.Errorf("volume %s exists with %d MiB in CPG %s, not %d MiB in %s: %w",
							v.Name, v.SizeMiB, v.UserCPG, req.SizeMiB, req.CPG, err)
					}
				}
				r := volumeResult(v)
				r.doc = createdVolume{volumeView: newVolumeView(v), Created: created}
				if !created {
					r.note = "volume " + v.Name + " exists already (--exists-ok)"
				}
				return a.print(r)
			})
		}),
	}
	f := cmd.Flags()
	f.StringVar(&size, "size", "", "size, e.g. 10GiB, 512MiB, 1TB (required)")
	f.StringVar(&cpg, "cpg", "", "the CPG the volume takes space from (required)")
	f.StringVar(&prov, "provisioning", "", "thin, full, dedup or reduce (default: the array's; newer arrays need thin or reduce)")
	f.StringVar(&comment, "comment", "", "a comment on the volume")
	f.BoolVar(&existsOK, "exists-ok", false, "succeed when the same volume exists already")
	_ = cmd.MarkFlagRequired("size")
	_ = cmd.MarkFlagRequired("cpg")
	_ = cmd.RegisterFlagCompletionFunc("provisioning", fixedCompletions("thin", "full", "dedup", "reduce"))
	return cmd
}

// setProvisioning sets the provisioning members of a create request.
func setProvisioning(req *alletra.VolumeCreateRequest, prov string) error {
	yes, no := true, false
	switch prov {
	case "":
	case "thin":
		req.TPVV = &yes
	case "full":
		req.TPVV = &no
	case "dedup":
		req.TDVV = &yes
	case "reduce":
		req.Reduce = &yes
	default:
		return invalidf("--provisioning", "%q: want thin, full, dedup or reduce", prov)
	}
	return nil
}

func (a *app) volumeGetCommand() *cobra.Command {
	return &cobra.Command{
		Use:   "get NAME",
		Short: "Show a volume or snapshot",
		Args:  cobra.ExactArgs(1),
		RunE: runE(func(cmd *cobra.Command, args []string) error {
			return a.withClient(cmd, func(ctx context.Context, c *alletra.Client) error {
				v, err := c.Volumes.Get(ctx, args[0])
				if err != nil {
					return err
				}
				return a.print(volumeResult(v))
			})
		}),
	}
}

func (a *app) volumeListCommand() *cobra.Command {
	var cpg, wwn string
	cmd := &cobra.Command{
		Use:   "list",
		Short: "List volumes and snapshots",
		Args:  cobra.NoArgs,
		RunE: runE(func(cmd *cobra.Command, _ []string) error {
			return a.withClient(cmd, func(ctx context.Context, c *alletra.Client) error {
				if wwn != "" {
					v, err := c.Volumes.FindByWWN(ctx, wwn)
					if err != nil {
						return err
					}
					return a.print(volumesResult([]alletra.Volume{*v}))
				}
				vols, err := c.Volumes.List(ctx, nil)
				if err != nil {
					return err
				}
				if cpg != "" { // filtered here: no WSAPI query on the CPG is relied on
					kept := vols[:0]
					for _, v := range vols {
						if v.UserCPG == cpg {
							kept = append(kept, v)
						}
					}
					vols = kept
				}
				return a.print(volumesResult(vols))
			})
		}),
	}
	cmd.Flags().StringVar(&cpg, "cpg", "", "only volumes in this CPG")
	cmd.Flags().StringVar(&wwn, "wwn", "", "only the volume with this WWN")
	return cmd
}

func (a *app) volumeGrowCommand() *cobra.Command {
	var by string
	cmd := &cobra.Command{
		Use:   "grow NAME --by SIZE",
		Short: "Grow a volume by SIZE (not idempotent: prefer resize in scripts)",
		Long: `Grow a volume by SIZE, rounded up to 256 MiB. The array adds the amount to the
current size, so running this twice grows twice: scripts that may repeat
should use 'volume resize NAME --size SIZE', which is idempotent.`,
		Args: cobra.ExactArgs(1),
		RunE: runE(func(cmd *cobra.Command, args []string) error {
			byMiB, err := a.volumeSizeMiB("--by", by)
			if err != nil {
				return err
			}
			return a.withClient(cmd, func(ctx context.Context, c *alletra.Client) error {
				if err := c.Volumes.Grow(ctx, args[0], byMiB); err != nil {
					return err
				}
				v, err := c.Volumes.Get(ctx, args[0])
				if err != nil {
					return err
				}
				return a.print(volumeResult(v))
			})
		}),
	}
	cmd.Flags().StringVar(&by, "by", "", "how much to add, e.g. 10GiB (required)")
	_ = cmd.MarkFlagRequired("by")
	return cmd
}

func (a *app) volumeResizeCommand() *cobra.Command {
	var size string
	cmd := &cobra.Command{
		Use:   "resize NAME --size SIZE",
		Short: "Make a volume SIZE large (idempotent; never shrinks)",
		Long: `Make a volume at least SIZE large, rounded up to 256 MiB. Nothing happens when
it is that large already; a smaller size is refused (exit 2: volumes cannot
shrink). Safe to run again.`,
		Args: cobra.ExactArgs(1),
		RunE: runE(func(cmd *cobra.Command, args []string) error {
			sizeMiB, err := a.volumeSizeMiB("--size", size)
			if err != nil {
				return err
			}
			return a.withClient(cmd, func(ctx context.Context, c *alletra.Client) error {
				// No read back in Resize: the Get below reads the new size.
				res, err := c.Volumes.Resize(ctx, args[0], sizeMiB, nil)
				if err != nil {
					return err
				}
				v, err := c.Volumes.Get(ctx, args[0])
				if err != nil {
					return err
				}
				r := volumeResult(v)
				r.note = "volume " + v.Name + " is " + strconv.FormatInt(v.SizeMiB, 10) + " MiB"
				if !res.Grown {
					r.note += " (unchanged)"
				}
				return a.print(r)
			})
		}),
	}
	cmd.Flags().StringVar(&size, "size", "", "the size to reach, e.g. 20GiB (required)")
	_ = cmd.MarkFlagRequired("size")
	return cmd
}

// deleteCommand is "KIND delete NAME [--missing-ok]".
func (a *app) deleteCommand(kind, short string, del func(ctx context.Context, c *alletra.Client, name string) error) *cobra.Command {
	var missingOK bool
	cmd := &cobra.Command{
		Use:   "delete NAME",
		Short: short,
		Long:  short + ".\n\nA missing " + kind + " exits 3 (not found), or succeeds with --missing-ok.",
		Args:  cobra.ExactArgs(1),
		RunE: runE(func(cmd *cobra.Command, args []string) error {
			return a.withClient(cmd, func(ctx context.Context, c *alletra.Client) error {
				name := args[0]
				view := deletedView{Kind: kind, Name: name, Deleted: true}
				note := kind + " " + name + " deleted"
				if err := del(ctx, c, name); err != nil {
					if !missingOK || !errors.Is(err, alletra.ErrNotFound) {
						return err
					}
					view.Deleted, note = false, kind+" "+name+" did not exist (--missing-ok)"
				}
				return a.print(result{doc: view, names: []string{name}, note: note})
			})
		}),
	}
	cmd.Flags().BoolVar(&missingOK, "missing-ok", false, "succeed when the "+kind+" does not exist")
	return cmd
}

// fixedCompletions completes a flag from a fixed list.
func fixedCompletions(values ...string) func(*cobra.Command, []string, string) ([]string, cobra.ShellCompDirective) {
	return func(*cobra.Command, []string, string) ([]string, cobra.ShellCompDirective) {
		return values, cobra.ShellCompDirectiveNoFileComp
	}
}
