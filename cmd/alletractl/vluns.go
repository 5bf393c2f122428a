package main

import (
	"context"

	alletra "github.com/openalletra/go-alletra"
	"github.com/spf13/cobra"
)

var vlunHeader = []string{"VOLUME", "LUN", "HOST", "PORT", "TYPE", "ACTIVE"}

func vlunRow(v vlunView) []string {
	active := "no"
	if v.Active {
		active = "yes"
	}
	return []string{v.Volume, itoa(v.LUN), v.Host, v.Port, v.Type, active}
}

func (a *app) vlunCommand() *cobra.Command {
	cmd := group("vlun", "Export volumes to hosts and unexport them", "vluns", "export")
	cmd.AddCommand(a.vlunExportCommand(), a.vlunUnexportCommand(), a.vlunListCommand())
	return cmd
}

func (a *app) vlunExportCommand() *cobra.Command {
	var host, port string
	var lun int
	cmd := &cobra.Command{
		Use:   "export VOLUME --host HOST [--lun N] [--port N:S:P]",
		Short: "Export a volume to a host (idempotent)",
		Long: `Export VOLUME to HOST, on the LUN given or on one the array picks. A volume that
is exported to the host already is left as it is and its vLUN is shown
("created": false): running the command again never adds a second LUN.`,
		Example: "  alletractl vlun export vol1 --host node1-iscsi",
		Args:    cobra.ExactArgs(1),
		RunE: runE(func(cmd *cobra.Command, args []string) error {
			req := &alletra.VLUNCreateRequest{VolumeName: args[0], HostName: host}
			switch {
			case lun < -1:
				return invalidf("--lun", "%d: want 0-%d, or -1 for a LUN the array picks", lun, alletra.MaxLUN)
			case lun == -1:
				req.AutoLUN = true
			default:
				req.LUN = lun
			}
			if port != "" {
				pp, err := alletra.ParsePortPos(port)
				if err != nil {
					return err
				}
				req.PortPos = &pp
			}
			return a.withClient(cmd, func(ctx context.Context, c *alletra.Client) error {
				l, err := c.VLUNs.Create(ctx, req)
				if err != nil {
					return err
				}
				v := newVLUNView(l)
				r := result{doc: exportedVLUN{vlunView: v, Created: !l.Existed}, names: []string{itoa(v.LUN)},
					header: vlunHeader, rows: [][]string{vlunRow(v)}}
				if l.Existed {
					r.note = "volume " + v.Volume + " was exported to " + host + " already"
				}
				return a.print(r)
			})
		}),
	}
	cmd.Flags().StringVar(&host, "host", "", "the host to export to (required)")
	cmd.Flags().IntVar(&lun, "lun", -1, "the LUN to use (default: the array picks one)")
	cmd.Flags().StringVar(&port, "port", "", "export through this array port only, as node:slot:port")
	_ = cmd.MarkFlagRequired("host")
	return cmd
}

func (a *app) vlunUnexportCommand() *cobra.Command {
	var host string
	var deleteHost, keepHost, missingOK bool
	cmd := &cobra.Command{
		Use:   "unexport VOLUME --host HOST [--delete-host-if-unused] [--missing-ok]",
		Short: "Unexport a volume from a host",
		Long: `Remove every export of VOLUME to HOST. The host stays. With
--delete-host-if-unused, HOST is deleted too when no vLUN of it is left
afterwards (what LXD's driver does on unmap); a host still exported elsewhere,
or exported again meanwhile, stays. A volume that is not exported to the host
exits 3 (not found), or succeeds with --missing-ok (with
--delete-host-if-unused the host's clean-up still runs, so that a second run
finishes what an interrupted one started).`,
		Example: `  alletractl vlun unexport vol1 --host node1
  alletractl vlun unexport vol1 --host node1 --delete-host-if-unused --missing-ok`,
		Args: cobra.ExactArgs(1),
		RunE: runE(func(cmd *cobra.Command, args []string) error {
			return a.withClient(cmd, func(ctx context.Context, c *alletra.Client) error {
				res, err := unexport(ctx, c, args[0], host, deleteHost)
				if err != nil {
					return err
				}
				v := unexportView{Volume: args[0], Host: host, Unexported: res.Unexported, HostDeleted: res.HostDeleted}
				note := "volume " + v.Volume + " unexported from " + host
				if !res.Unexported {
					if !missingOK {
						return &notExported{volume: v.Volume, host: host}
					}
					note = "volume " + v.Volume + " was not exported to " + host + " (--missing-ok)"
				}
				if res.HostDeleted {
					note += "; host " + host + " deleted (--delete-host-if-unused)"
				}
				return a.print(result{doc: v, names: []string{v.Volume}, note: note})
			})
		}),
	}
	cmd.Flags().StringVar(&host, "host", "", "the host to unexport from (required)")
	cmd.Flags().BoolVar(&deleteHost, "delete-host-if-unused", false, "also delete the host when nothing is exported to it any more")
	cmd.Flags().BoolVar(&keepHost, "keep-host", false, "keep the host (the default now)")
	_ = cmd.Flags().MarkDeprecated("keep-host", "the host is kept unless --delete-host-if-unused")
	cmd.Flags().BoolVar(&missingOK, "missing-ok", false, "succeed when the volume is not exported to the host")
	cmd.MarkFlagsMutuallyExclusive("keep-host", "delete-host-if-unused")
	_ = cmd.MarkFlagRequired("host")
	return cmd
}

// notExported is unexport's "nothing to remove": it matches
// alletra.ErrNotFound.
type notExported struct{ volume, host string }

func (e *notExported) Error() string {
	return "volume " + e.volume + " is not exported to host " + e.host
}
func (e *notExported) Is(target error) bool { return target == alletra.ErrNotFound }

func (a *app) vlunListCommand() *cobra.Command {
	var volume, host string
	var active bool
	cmd := &cobra.Command{
		Use:   "list [--volume VOLUME] [--host HOST]",
		Short: "List exports (vLUN templates; with --active also the active paths)",
		Args:  cobra.NoArgs,
		RunE: runE(func(cmd *cobra.Command, _ []string) error {
			return a.withClient(cmd, func(ctx context.Context, c *alletra.Client) error {
				vluns, err := c.VLUNs.List(ctx, &alletra.VLUNListOptions{VolumeName: volume, HostName: host,
					IncludeActive: active})
				if err != nil {
					return err
				}
				r := result{header: vlunHeader}
				views := make([]vlunView, 0, len(vluns))
				for i := range vluns {
					v := newVLUNView(&vluns[i])
					views = append(views, v)
					r.rows = append(r.rows, vlunRow(v))
					r.names = append(r.names, vluns[i].ID().String())
				}
				r.doc = views
				return a.print(r)
			})
		}),
	}
	cmd.Flags().StringVar(&volume, "volume", "", "only exports of this volume")
	cmd.Flags().StringVar(&host, "host", "", "only exports to this host")
	cmd.Flags().BoolVar(&active, "active", false, "also list the active paths")
	// -o name writes each vLUN's WSAPI id, "volume,lun,host[,n:s:p]".
	return cmd
}
