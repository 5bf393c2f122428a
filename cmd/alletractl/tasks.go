package main

import (
	"context"
	"strconv"

	alletra "github.com/openalletra/go-alletra"
	"github.com/spf13/cobra"
)

func (a *app) taskCommand() *cobra.Command {
	cmd := group("task", "Show array tasks and wait for them", "tasks")
	cmd.AddCommand(a.taskGetCommand(), a.taskListCommand(), a.taskWaitCommand())
	return cmd
}

// taskID parses a task id argument.
func taskID(s string) (int, error) {
	id, err := strconv.Atoi(s)
	if err != nil || id <= 0 {
		return 0, invalidf("task id", "%q: want a positive number", s)
	}
	return id, nil
}

func (a *app) taskGetCommand() *cobra.Command {
	return &cobra.Command{
		Use:   "get ID",
		Short: "Show a task",
		Args:  cobra.ExactArgs(1),
		RunE: runE(func(cmd *cobra.Command, args []string) error {
			id, err := taskID(args[0])
			if err != nil {
				return err
			}
			return a.withClient(cmd, func(ctx context.Context, c *alletra.Client) error {
				t, err := c.Tasks.Get(ctx, id)
				if err != nil {
					return err
				}
				return a.print(taskResult(t))
			})
		}),
	}
}

func (a *app) taskListCommand() *cobra.Command {
	return &cobra.Command{
		Use:   "list",
		Short: "List the tasks of the last 24 hours",
		Args:  cobra.NoArgs,
		RunE: runE(func(cmd *cobra.Command, _ []string) error {
			return a.withClient(cmd, func(ctx context.Context, c *alletra.Client) error {
				tasks, err := c.Tasks.List(ctx)
				if err != nil {
					return err
				}
				r := result{header: taskHeader}
				views := make([]taskView, 0, len(tasks))
				for i := range tasks {
					v := newTaskView(&tasks[i])
					views = append(views, v)
					r.rows = append(r.rows, taskRow(v))
					r.names = append(r.names, itoa(v.ID))
				}
				r.doc = views
				return a.print(r)
			})
		}),
	}
}

func (a *app) taskWaitCommand() *cobra.Command {
	return &cobra.Command{
		Use:   "wait ID",
		Short: "Wait until a task ends",
		Long: `Wait until the task ends, with a progress line on a terminal. A task that
failed or was cancelled exits 8; Ctrl-C or --timeout stops waiting (exit 9),
the task goes on.`,
		Args: cobra.ExactArgs(1),
		RunE: runE(func(cmd *cobra.Command, args []string) error {
			id, err := taskID(args[0])
			if err != nil {
				return err
			}
			return a.withClient(cmd, func(ctx context.Context, c *alletra.Client) error {
				t, err := a.waitTask(ctx, c, id)
				if t != nil {
					if perr := a.print(taskResult(t)); perr != nil && err == nil {
						err = perr
					}
				}
				return err
			})
		}),
	}
}
