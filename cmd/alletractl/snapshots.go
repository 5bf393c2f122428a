package main

import (
	"context"
	"errors"
	"fmt"

	alletra "github.com/openalletra/go-alletra"
	"github.com/spf13/cobra"
)

func (a *app) snapshotCommand() *cobra.Command {
	cmd := group("snapshot", "Create, list, restore and copy snapshots", "snap", "snapshots")
	cmd.AddCommand(a.snapshotCreateCommand(), a.snapshotListCommand(),
		a.deleteCommand("snapshot", "Delete a snapshot (refused for a volume that is not one)", deleteSnapshot),
		a.snapshotRestoreCommand(), a.snapshotCopyCommand())
	return cmd
}

// deleteSnapshot deletes the snapshot name after reading it: Snapshots.Delete
// deletes whatever volume has the name, and a base volume or a physical copy
// is not what "snapshot delete" was asked to delete.
func deleteSnapshot(ctx context.Context, c *alletra.Client, name string) error {
	v, err := c.Volumes.Get(ctx, name)
	if err != nil {
		return err
	}
	if v.CopyType != alletra.CopyVirtualCopy {
		return invalidf("NAME", "%s is not a snapshot; delete a volume with alletractl volume delete", name)
	}
	return c.Snapshots.Delete(ctx, name)
}

func (a *app) snapshotCreateCommand() *cobra.Command {
	var parent, comment string
	var readOnly, existsOK bool
	var expire, retain int
	cmd := &cobra.Command{
		Use:   "create NAME --volume VOLUME",
		Short: "Snapshot a volume (a virtual copy)",
		Long: `Create the snapshot NAME of VOLUME.

With --exists-ok an existing snapshot NAME of the same volume is success;
another object of that name exits 4 (already exists).`,
		Example: "  alletractl snapshot create vol1-snap --volume vol1 --read-only",
		Args:    cobra.ExactArgs(1),
		RunE: runE(func(cmd *cobra.Command, args []string) error {
			req := &alletra.SnapshotCreateRequest{Name: args[0], Comment: comment, ReadOnly: readOnly,
				ExpirationHours: expire, RetentionHours: retain}
			return a.withClient(cmd, func(ctx context.Context, c *alletra.Client) error {
				err := c.Snapshots.Create(ctx, parent, req)
				if err != nil && !(existsOK && errors.Is(err, alletra.ErrAlreadyExists)) {
					return err
				}
				v, gerr := c.Volumes.Get(ctx, req.Name)
				if gerr != nil {
					return gerr
				}
				if err != nil && (v.CopyOf != parent || v.CopyType != alletra.CopyVirtualCopy) {
					return fmt.Errorf("%s exists and is not a snapshot of %s: %w", v.Name, parent, err)
				}
				r := volumeResult(v)
				r.doc = createdVolume{volumeView: newVolumeView(v), Created: err == nil}
				if err != nil {
					r.note = "snapshot " + v.Name + " exists already (--exists-ok)"
				}
				return a.print(r)
			})
		}),
	}
	f := cmd.Flags()
	f.StringVar(&parent, "volume", "", "the volume to snapshot (required)")
	f.StringVar(&comment, "comment", "", "a comment on the snapshot")
	f.BoolVar(&readOnly, "read-only", false, "make a read-only snapshot")
	f.IntVar(&expire, "expire-hours", 0, "hours until the array deletes the snapshot (0: never)")
	f.IntVar(&retain, "retain-hours", 0, "hours during which the snapshot cannot be deleted")
	f.BoolVar(&existsOK, "exists-ok", false, "succeed when the same snapshot exists already")
	_ = cmd.MarkFlagRequired("volume")
	return cmd
}

func (a *app) snapshotListCommand() *cobra.Command {
	var parent string
	cmd := &cobra.Command{
		Use:   "list --volume VOLUME",
		Short: "List a volume's snapshots (virtual copies)",
		Args:  cobra.NoArgs,
		RunE: runE(func(cmd *cobra.Command, _ []string) error {
			return a.withClient(cmd, func(ctx context.Context, c *alletra.Client) error {
				snaps, err := c.Snapshots.List(ctx, parent)
				if err != nil {
					return err
				}
				return a.print(volumesResult(snaps))
			})
		}),
	}
	cmd.Flags().StringVar(&parent, "volume", "", "the volume whose snapshots to list (required)")
	_ = cmd.MarkFlagRequired("volume")
	return cmd
}

// priorityFlag parses --priority.
func priorityFlag(s string) (alletra.TaskPriority, error) {
	switch s {
	case "":
		return 0, nil
	case "high":
		return alletra.PriorityHigh, nil
	case "medium":
		return alletra.PriorityMedium, nil
	case "low":
		return alletra.PriorityLow, nil
	}
	return 0, invalidf("--priority", "%q: want high, medium or low", s)
}

func taskResult(t *alletra.Task) result {
	if t == nil {
		return result{}
	}
	v := newTaskView(t)
	return result{doc: v, names: []string{fmt.Sprint(v.ID)}, header: taskHeader, rows: [][]string{taskRow(v)}}
}

func (a *app) snapshotRestoreCommand() *cobra.Command {
	var online, wait bool
	var priority string
	cmd := &cobra.Command{
		Use:   "restore SNAPSHOT [--wait]",
		Short: "Restore a snapshot onto its volume (promote)",
		Long: `Restore SNAPSHOT onto the volume it was taken of: the volume's data becomes the
snapshot's. The array does this in a task: without --wait alletractl prints the
task once it has started; with --wait it waits for the end (on a terminal with a
progress line). Ctrl-C stops waiting, prints the task id and exits 9; the task
goes on ('alletractl task wait ID').

An offline restore needs the volume unexported (exit 7 otherwise); --online
restores while it is exported.`,
		Args: cobra.ExactArgs(1),
		RunE: runE(func(cmd *cobra.Command, args []string) error {
			prio, err := priorityFlag(priority)
			if err != nil {
				return err
			}
			opts := &alletra.RestoreOptions{Online: online, Priority: prio}
			return a.withClient(cmd, func(ctx context.Context, c *alletra.Client) error {
				t, err := a.runTask(ctx, c, wait, func(ctx context.Context) (*alletra.Task, error) {
					return c.Snapshots.StartRestore(ctx, args[0], opts)
				})
				if t != nil {
					if perr := a.print(taskResult(t)); perr != nil && err == nil {
						err = perr
					}
				}
				return err
			})
		}),
	}
	f := cmd.Flags()
	f.BoolVar(&wait, "wait", false, "wait until the restore has finished")
	f.BoolVar(&online, "online", false, "restore while the volume is exported")
	f.StringVar(&priority, "priority", "", "task priority: high, medium or low (default: the array's)")
	_ = cmd.RegisterFlagCompletionFunc("priority", fixedCompletions("high", "medium", "low"))
	return cmd
}

func (a *app) snapshotCopyCommand() *cobra.Command {
	var wait, saveSnap bool
	var priority string
	cmd := &cobra.Command{
		Use:   "copy SOURCE DEST [--wait]",
		Short: "Copy a volume or snapshot's data into another volume (physical copy)",
		Long: `Copy the data of SOURCE (a volume or a snapshot) into the existing volume DEST,
which must be at least as large (exit 2 otherwise). The array does this in a
task: without --wait alletractl prints the task once it has started; with --wait
it waits for the end (on a terminal with a progress line). Ctrl-C stops
waiting, prints the task id and exits 9; the task goes on.`,
		Args: cobra.ExactArgs(2),
		RunE: runE(func(cmd *cobra.Command, args []string) error {
			prio, err := priorityFlag(priority)
			if err != nil {
				return err
			}
			opts := &alletra.PhysicalCopyOptions{SaveSnapshot: saveSnap, Priority: prio}
			return a.withClient(cmd, func(ctx context.Context, c *alletra.Client) error {
				t, err := a.runTask(ctx, c, wait, func(ctx context.Context) (*alletra.Task, error) {
					return c.Snapshots.StartCopy(ctx, args[0], args[1], opts)
				})
				if t != nil {
					if perr := a.print(taskResult(t)); perr != nil && err == nil {
						err = perr
					}
				}
				return err
			})
		}),
	}
	f := cmd.Flags()
	f.BoolVar(&wait, "wait", false, "wait until the copy has finished")
	f.BoolVar(&saveSnap, "save-snapshot", false, "keep the snapshot the array takes of SOURCE for the copy")
	f.StringVar(&priority, "priority", "", "task priority: high, medium or low (default high)")
	_ = cmd.RegisterFlagCompletionFunc("priority", fixedCompletions("high", "medium", "low"))
	return cmd
}
