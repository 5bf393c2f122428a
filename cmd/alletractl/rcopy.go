package main

import (
	"bufio"
	"context"
	"fmt"
	"strconv"
	"strings"

	alletra "github.com/openalletra/go-alletra"
	"github.com/spf13/cobra"
)

// rcGroupView is the -o json document of a remote copy group. Enums are
// written by name; a state the WSAPI gives no name is its number.
type rcGroupView struct {
	Name         string `json:"name"`
	Role         string `json:"role"`
	RoleReversed bool   `json:"roleReversed"`
	State        string `json:"state"`
	Target       string `json:"target,omitempty"`
	Mode         string `json:"mode,omitempty"` // sync, periodic or async, as --mode takes it
	InSync       bool   `json:"inSync"`
	LastSync     string `json:"lastSyncTime,omitempty"` // RFC 3339
	// LastSyncText is the array's own text of a time alletractl cannot
	// convert without guessing; lastSyncTime is then absent.
	LastSyncText string         `json:"lastSyncTimeText,omitempty"`
	Volumes      []rcVolumeView `json:"volumes"`
}

type rcVolumeView struct {
	Name       string `json:"name"`
	Secondary  string `json:"secondary,omitempty"`
	SyncStatus string `json:"syncStatus"`
}

func newRCGroupView(g *alletra.RemoteCopyGroup) rcGroupView {
	v := rcGroupView{Name: g.Name, Role: g.Role.String(), RoleReversed: g.RoleReversed, State: g.State().String(),
		InSync: g.InSync(), Volumes: []rcVolumeView{}}
	if len(g.Targets) > 0 {
		t := g.Targets[0]
		v.Target, v.Mode = t.TargetName, rcModeName(t.Mode)
		var ok bool
		if v.LastSync, ok = taskTime(t.GroupLastSyncTime); !ok {
			v.LastSyncText = t.GroupLastSyncTime
		}
	}
	for _, vol := range g.Volumes {
		rv := rcVolumeView{Name: vol.LocalVolumeName, SyncStatus: alletra.RemoteCopySyncStatus(0).String()}
		if len(vol.RemoteVolumes) > 0 {
			rv.Secondary, rv.SyncStatus = vol.RemoteVolumes[0].RemoteVolumeName, vol.RemoteVolumes[0].SyncStatus.String()
		}
		v.Volumes = append(v.Volumes, rv)
	}
	return v
}

var rcGroupHeader = []string{"NAME", "ROLE", "STATE", "TARGET", "MODE", "IN-SYNC", "VOLUMES"}

func rcGroupRow(v rcGroupView) []string {
	names := make([]string, 0, len(v.Volumes))
	for _, vol := range v.Volumes {
		names = append(names, vol.Name)
	}
	return []string{v.Name, v.Role, v.State, v.Target, v.Mode, strconv.FormatBool(v.InSync), strings.Join(names, ",")}
}

func rcGroupResult(g *alletra.RemoteCopyGroup, note string) result {
	v := newRCGroupView(g)
	return result{doc: v, names: []string{v.Name}, header: rcGroupHeader, rows: [][]string{rcGroupRow(v)}, note: note}
}

// rcTaskView is the document of a command that starts a task.
type rcTaskView struct {
	Group  string `json:"group"`
	Action string `json:"action"`
	TaskID int    `json:"taskId,omitempty"` // absent when the array named no task
	Status string `json:"status,omitempty"` // with --wait: the task's end
}

func (a *app) rcopyCommand() *cobra.Command {
	cmd := group("rcopy", "Remote copy groups: replicate volumes to another array, fail over and back", "remotecopy", "rcg")
	cmd.GroupID = "objects"
	cmd.AddCommand(a.rcopyListCommand(), a.rcopyGetCommand(), a.rcopyCreateCommand(), a.rcopyDeleteCommand(),
		a.rcopyAddCommand(), a.rcopyRemoveCommand(), a.rcopyStartStopCommand(true), a.rcopyStartStopCommand(false),
		a.rcopySyncCommand(),
		a.rcopyRecoveryCommand("failover", alletra.RecoveryFailover,
			"Fail over: make the secondary group on this array primary and its volumes writable (run it on the secondary array)"),
		a.rcopyRecoveryCommand("recover", alletra.RecoveryRecover,
			"After a failover: replicate the changes back to the old primary (run it on the array that failed over)"),
		a.rcopyRecoveryCommand("restore", alletra.RecoveryRestore,
			"After a recover: return the group to its natural direction and start it (run it on the array that failed over)"))
	return cmd
}

func (a *app) rcopyListCommand() *cobra.Command {
	return &cobra.Command{
		Use:   "list",
		Short: "List remote copy groups with their roles and states",
		Args:  cobra.NoArgs,
		RunE: runE(func(cmd *cobra.Command, _ []string) error {
			return a.withClient(cmd, func(ctx context.Context, c *alletra.Client) error {
				gs, err := c.RemoteCopy.List(ctx)
				if err != nil {
					return err
				}
				r := result{header: rcGroupHeader}
				views := make([]rcGroupView, 0, len(gs))
				for i := range gs {
					v := newRCGroupView(&gs[i])
					views = append(views, v)
					r.rows = append(r.rows, rcGroupRow(v))
					r.names = append(r.names, v.Name)
				}
				r.doc = views
				return a.print(r)
			})
		}),
	}
}

func (a *app) rcopyGetCommand() *cobra.Command {
	return &cobra.Command{
		Use:   "get GROUP",
		Short: "Show a remote copy group, its state and its volumes",
		Args:  cobra.ExactArgs(1),
		RunE: runE(func(cmd *cobra.Command, args []string) error {
			return a.withClient(cmd, func(ctx context.Context, c *alletra.Client) error {
				g, err := c.RemoteCopy.Get(ctx, args[0])
				if err != nil {
					return err
				}
				r := rcGroupResult(g, "")
				if a.output == "table" && len(g.Volumes) > 0 {
					var b strings.Builder
					for _, v := range newRCGroupView(g).Volumes {
						fmt.Fprintf(&b, "volume %s -> %s: %s\n", v.Name, v.Secondary, v.SyncStatus)
					}
					r.note = strings.TrimSuffix(b.String(), "\n")
				}
				return a.print(r)
			})
		}),
	}
}

// rcModeName spells a mode as --mode takes it (the WSAPI's name for a mode
// --mode does not know, "" for none).
func rcModeName(m alletra.RemoteCopyMode) string {
	if m == 0 {
		return "" // no mode in the answer: the member is left out
	}
	for name, mode := range rcModes {
		if mode == m {
			return name
		}
	}
	return m.String()
}

// rcModes maps --mode to the WSAPI's modes.
var rcModes = map[string]alletra.RemoteCopyMode{"sync": alletra.RemoteCopySync, "periodic": alletra.RemoteCopyPeriodic, "async": alletra.RemoteCopyAsync}

func (a *app) rcopyCreateCommand() *cobra.Command {
	var target, mode, userCPG, localUserCPG, domain string
	cmd := &cobra.Command{
		Use:   "create GROUP --target ARRAY --mode sync|periodic|async",
		Short: "Create a remote copy group on this (the primary) array",
		Long: `Create the remote copy group GROUP on this array, replicating to the target
array ARRAY (its name as 'alletractl system' shows it on that array).
--user-cpg is the CPG of secondary volumes created on the target.`,
		Args: cobra.ExactArgs(1),
		RunE: runE(func(cmd *cobra.Command, args []string) error {
			m, ok := rcModes[mode]
			if !ok {
				return &alletra.ValidationError{Field: "--mode", Reason: fmt.Sprintf("%q: want sync, periodic or async", mode)}
			}
			if target == "" {
				return &alletra.ValidationError{Field: "--target", Reason: "the target array's name is required"}
			}
			return a.withClient(cmd, func(ctx context.Context, c *alletra.Client) error {
				err := c.RemoteCopy.Create(ctx, args[0], []alletra.RemoteCopyTargetSpec{{TargetName: target, Mode: m, UserCPG: userCPG}},
					&alletra.RemoteCopyGroupCreateOptions{Domain: domain, LocalUserCPG: localUserCPG})
				if err != nil {
					return err
				}
				g, err := c.RemoteCopy.Get(ctx, args[0])
				if err != nil {
					return err
				}
				return a.print(rcGroupResult(g, "remote copy group "+g.Name+" created"))
			})
		}),
	}
	cmd.Flags().StringVar(&target, "target", "", "the target array's name")
	cmd.Flags().StringVar(&mode, "mode", "", "replication mode: sync, periodic or async")
	cmd.Flags().StringVar(&userCPG, "user-cpg", "", "CPG of volumes created on the target")
	cmd.Flags().StringVar(&localUserCPG, "local-user-cpg", "", "CPG of volumes created on this array")
	cmd.Flags().StringVar(&domain, "domain", "", "the group's domain")
	_ = cmd.RegisterFlagCompletionFunc("mode", fixedCompletions("sync", "periodic", "async"))
	return cmd
}

func (a *app) rcopyDeleteCommand() *cobra.Command {
	var keepSnap, removeSecondary, yes bool
	cmd := &cobra.Command{
		Use:   "delete GROUP",
		Short: "Delete a stopped remote copy group (its volumes remain on this array)",
		Long: `Delete the remote copy group GROUP. The group must be stopped. Its volumes stay
on this array; their secondaries stay on the target unless --remove-secondary-volumes.
Asks for confirmation unless --yes.`,
		Args: cobra.ExactArgs(1),
		RunE: runE(func(cmd *cobra.Command, args []string) error {
			what := "delete remote copy group " + args[0]
			if removeSecondary {
				what += " and its secondary volumes"
			}
			if err := a.confirm(yes, what); err != nil {
				return err
			}
			return a.withClient(cmd, func(ctx context.Context, c *alletra.Client) error {
				if err := c.RemoteCopy.Delete(ctx, args[0], &alletra.RemoteCopyGroupDeleteOptions{
					KeepSnapshot: keepSnap, RemoveSecondaryVolumes: removeSecondary}); err != nil {
					return err
				}
				return a.print(result{doc: deletedView{Kind: "rcopy", Name: args[0], Deleted: true}, names: []string{args[0]},
					note: "remote copy group " + args[0] + " deleted"})
			})
		}),
	}
	cmd.Flags().BoolVar(&keepSnap, "keep-snapshot", false, "keep the volumes' resynchronization snapshots")
	cmd.Flags().BoolVar(&removeSecondary, "remove-secondary-volumes", false, "delete the secondary volumes on the target too")
	cmd.Flags().BoolVar(&yes, "yes", false, "do not ask for confirmation")
	return cmd
}

func (a *app) rcopyAddCommand() *cobra.Command {
	var secondary, target string
	var auto, skipSync bool
	cmd := &cobra.Command{
		Use:   "add GROUP VOLUME [--secondary NAME | --auto-create]",
		Short: "Add a volume to a remote copy group, paired with its secondary",
		Long: `Add VOLUME to GROUP, paired with the volume --secondary (default: the same
name) on the group's target; --auto-create creates it there, with the same size.
Without --target the group is read for its target.`,
		Args: cobra.ExactArgs(2),
		RunE: runE(func(cmd *cobra.Command, args []string) error {
			return a.withClient(cmd, func(ctx context.Context, c *alletra.Client) error {
				var targets []alletra.RemoteCopyVolumeTarget
				if !auto || secondary != "" {
					t := target
					if t == "" {
						g, err := c.RemoteCopy.Get(ctx, args[0])
						if err != nil {
							return err
						}
						if len(g.Targets) != 1 {
							return &alletra.ValidationError{Field: "--target", Reason: "the group has several targets: name one"}
						}
						t = g.Targets[0].TargetName
					}
					sec := secondary
					if sec == "" {
						sec = args[1]
					}
					targets = []alletra.RemoteCopyVolumeTarget{{TargetName: t, SecondaryVolumeName: sec}}
				}
				if err := c.RemoteCopy.AddVolume(ctx, args[0], args[1], targets,
					&alletra.RemoteCopyAddVolumeOptions{AutoCreate: auto, SkipInitialSync: skipSync}); err != nil {
					return err
				}
				return a.showGroup(ctx, c, args[0], "volume "+args[1]+" added to "+args[0])
			})
		}),
	}
	cmd.Flags().StringVar(&secondary, "secondary", "", "the secondary volume's name on the target (default: the volume's)")
	cmd.Flags().StringVar(&target, "target", "", "the target array (default: the group's only target)")
	cmd.Flags().BoolVar(&auto, "auto-create", false, "create the secondary volume on the target")
	cmd.Flags().BoolVar(&skipSync, "skip-initial-sync", false, "the secondary already holds the volume's data")
	return cmd
}

func (a *app) rcopyRemoveCommand() *cobra.Command {
	var keepSnap, removeSecondary bool
	cmd := &cobra.Command{
		Use:   "remove GROUP VOLUME",
		Short: "Remove a volume from a stopped remote copy group",
		Long: `Remove VOLUME from GROUP. The volume stays on this array; its secondary stays on
the target unless --remove-secondary.`,
		Args: cobra.ExactArgs(2),
		RunE: runE(func(cmd *cobra.Command, args []string) error {
			return a.withClient(cmd, func(ctx context.Context, c *alletra.Client) error {
				if err := c.RemoteCopy.RemoveVolume(ctx, args[0], args[1], &alletra.RemoteCopyRemoveVolumeOptions{
					KeepSnapshot: keepSnap, RemoveSecondaryVolume: removeSecondary}); err != nil {
					return err
				}
				return a.showGroup(ctx, c, args[0], "volume "+args[1]+" removed from "+args[0])
			})
		}),
	}
	cmd.Flags().BoolVar(&keepSnap, "keep-snapshot", false, "keep the volume's resynchronization snapshot")
	cmd.Flags().BoolVar(&removeSecondary, "remove-secondary", false, "delete the secondary volume on the target")
	return cmd
}

func (a *app) rcopyStartStopCommand(start bool) *cobra.Command {
	var target string
	var flag bool
	use, done, short := "stop", "stopped", "Stop replicating a remote copy group"
	if start {
		use, done, short = "start", "started", "Start a remote copy group (a first full synchronization unless --skip-initial-sync)"
	}
	cmd := &cobra.Command{
		Use:   use + " GROUP",
		Short: short,
		Args:  cobra.ExactArgs(1),
		RunE: runE(func(cmd *cobra.Command, args []string) error {
			return a.withClient(cmd, func(ctx context.Context, c *alletra.Client) error {
				var err error
				if start {
					err = c.RemoteCopy.Start(ctx, args[0], &alletra.RemoteCopyStartOptions{TargetName: target, SkipInitialSync: flag})
				} else {
					err = c.RemoteCopy.Stop(ctx, args[0], &alletra.RemoteCopyStopOptions{TargetName: target, NoSnapshot: flag})
				}
				if err != nil {
					return err
				}
				return a.showGroup(ctx, c, args[0], "remote copy group "+args[0]+" "+done)
			})
		}),
	}
	cmd.Flags().StringVar(&target, "target", "", "only this target of the group")
	if start {
		cmd.Flags().BoolVar(&flag, "skip-initial-sync", false, "the secondaries already hold the data")
	} else {
		cmd.Flags().BoolVar(&flag, "no-snapshot", false, "take no synchronization snapshots and delete the current ones")
	}
	return cmd
}

func (a *app) rcopySyncCommand() *cobra.Command {
	var target string
	var full, wait bool
	cmd := &cobra.Command{
		Use:   "sync GROUP [--wait]",
		Short: "Synchronize a started remote copy group now",
		Long: `Start a synchronization of GROUP and print its task id; with --wait, wait for
the task to end (a failed synchronization exits 8).`,
		Args: cobra.ExactArgs(1),
		RunE: runE(func(cmd *cobra.Command, args []string) error {
			return a.withClient(cmd, func(ctx context.Context, c *alletra.Client) error {
				t, err := c.RemoteCopy.Synchronize(ctx, args[0], &alletra.RemoteCopySyncOptions{TargetName: target, FullSync: full})
				if err != nil {
					return err
				}
				return a.rcTask(ctx, c, args[0], "sync", t, wait)
			})
		}),
	}
	cmd.Flags().StringVar(&target, "target", "", "only this target of the group")
	cmd.Flags().BoolVar(&full, "full", false, "copy everything again (synchronous groups)")
	cmd.Flags().BoolVar(&wait, "wait", false, "wait for the synchronization to end")
	return cmd
}

func (a *app) rcopyRecoveryCommand(verb string, action alletra.RecoveryAction, short string) *cobra.Command {
	var target string
	var wait, yes bool
	cmd := &cobra.Command{
		Use:   verb + " GROUP [--wait] [--yes]",
		Short: short,
		Long: short + `.

Asks for confirmation unless --yes. Prints the task id; with --wait, waits for
the task to end (a failed task exits 8).`,
		Args: cobra.ExactArgs(1),
		RunE: runE(func(cmd *cobra.Command, args []string) error {
			if err := a.confirm(yes, verb+" remote copy group "+args[0]); err != nil {
				return err
			}
			return a.withClient(cmd, func(ctx context.Context, c *alletra.Client) error {
				t, err := c.RemoteCopy.Recovery(ctx, args[0], action, &alletra.RemoteCopyRecoveryOptions{TargetName: target})
				if err != nil {
					return err
				}
				return a.rcTask(ctx, c, args[0], verb, t, wait)
			})
		}),
	}
	cmd.Flags().StringVar(&target, "target", "", "the target of the group to act on")
	cmd.Flags().BoolVar(&wait, "wait", false, "wait for the task to end")
	cmd.Flags().BoolVar(&yes, "yes", false, "do not ask for confirmation")
	return cmd
}

// rcTask prints the task an action started, after waiting for it with wait.
func (a *app) rcTask(ctx context.Context, c *alletra.Client, group, action string, t *alletra.Task, wait bool) error {
	v := rcTaskView{Group: group, Action: action}
	note := action + " of " + group + " accepted"
	if t != nil {
		v.TaskID = t.ID
		note += "; task " + itoa(t.ID)
	}
	if wait {
		if t == nil {
			return fmt.Errorf("%s of %s: the array named no task to wait for", action, group)
		}
		done, err := c.Tasks.Wait(ctx, t.ID)
		if err != nil {
			return err
		}
		v.Status = done.Status.String()
		note = action + " of " + group + " done (task " + itoa(t.ID) + ")"
	}
	return a.print(result{doc: v, names: []string{group}, note: note})
}

// showGroup reads the group and prints it with note.
func (a *app) showGroup(ctx context.Context, c *alletra.Client, name, note string) error {
	g, err := c.RemoteCopy.Get(ctx, name)
	if err != nil {
		return err
	}
	return a.print(rcGroupResult(g, note))
}

// confirm asks on stderr and reads the answer from stdin, unless yes. Any
// answer but y or yes refuses (exit 2), and so does a closed stdin.
func (a *app) confirm(yes bool, what string) error {
	if yes {
		return nil
	}
	if a.passwordStdin {
		return &alletra.ValidationError{Field: "--yes", Reason: "needed with --password-stdin: " + what}
	}
	fmt.Fprintf(a.env.stderr, "alletractl: %s? [y/N] ", what)
	line, _ := bufio.NewReader(a.env.stdin).ReadString('\n')
	switch strings.ToLower(strings.TrimSpace(line)) {
	case "y", "yes":
		return nil
	}
	return &alletra.ValidationError{Field: "--yes", Reason: "not confirmed: " + what}
}
