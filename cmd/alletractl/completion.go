package main

import (
	"context"
	"strings"
	"time"

	alletra "github.com/openalletra/go-alletra"
	"github.com/spf13/cobra"
)

// completionTimeout bounds the array lookups behind shell completion.
const completionTimeout = 5 * time.Second

// lister returns the names of one kind of object.
type lister func(ctx context.Context, c *alletra.Client) ([]string, error)

// completeNames completes the first argument with the names list returns,
// read from the configured array. Without a usable configuration (or with
// --password-stdin: standard input is the shell's) it offers nothing.
func (a *app) completeNames(list lister) cobra.CompletionFunc {
	return func(cmd *cobra.Command, args []string, prefix string) ([]string, cobra.ShellCompDirective) {
		if len(args) > 0 {
			return nil, cobra.ShellCompDirectiveNoFileComp
		}
		return a.lookUpNames(cmd, list, prefix), cobra.ShellCompDirectiveNoFileComp
	}
}

// completeFlag completes a flag's value with the names list returns.
func (a *app) completeFlag(list lister) cobra.CompletionFunc {
	return func(cmd *cobra.Command, _ []string, prefix string) ([]string, cobra.ShellCompDirective) {
		return a.lookUpNames(cmd, list, prefix), cobra.ShellCompDirectiveNoFileComp
	}
}

func (a *app) lookUpNames(cmd *cobra.Command, list lister, prefix string) []string {
	if a.passwordStdin || a.sim {
		return nil
	}
	ctx := cmd.Context()
	if ctx == nil {
		ctx = context.Background()
	}
	ctx, cancel := context.WithTimeout(ctx, completionTimeout)
	defer cancel()
	var names []string
	_ = a.withClientCtx(ctx, func(ctx context.Context, c *alletra.Client) error {
		all, err := list(ctx, c)
		for _, n := range all {
			if strings.HasPrefix(n, prefix) {
				names = append(names, n)
			}
		}
		return err
	})
	return names
}

func volumeNames(ctx context.Context, c *alletra.Client) ([]string, error) {
	vols, err := c.Volumes.List(ctx, nil)
	names := make([]string, 0, len(vols))
	for _, v := range vols {
		names = append(names, v.Name)
	}
	return names, err
}

func hostNames(ctx context.Context, c *alletra.Client) ([]string, error) {
	hosts, err := c.Hosts.List(ctx, nil)
	names := make([]string, 0, len(hosts))
	for _, h := range hosts {
		names = append(names, h.Name)
	}
	return names, err
}

func volumeSetNames(ctx context.Context, c *alletra.Client) ([]string, error) {
	sets, err := c.VolumeSets.List(ctx)
	names := make([]string, 0, len(sets))
	for _, s := range sets {
		names = append(names, s.Name)
	}
	return names, err
}

func cpgNames(ctx context.Context, c *alletra.Client) ([]string, error) {
	cpgs, err := c.System.CPGs(ctx)
	names := make([]string, 0, len(cpgs))
	for _, p := range cpgs {
		names = append(names, p.Name)
	}
	return names, err
}

// addNameCompletion wires argument and flag completion into the command
// tree, by command path, once the tree is built.
func (a *app) addNameCompletion(root *cobra.Command) {
	args := map[string]lister{}
	for _, path := range []string{"volume get", "volume delete", "volume grow", "volume resize",
		"snapshot delete", "snapshot restore", "snapshot copy", "vlun export", "vlun unexport"} {
		args[path] = volumeNames
	}
	for _, path := range []string{"host get", "host delete"} {
		args[path] = hostNames
	}
	for _, path := range []string{"volumeset get", "volumeset delete", "volumeset add", "volumeset remove"} {
		args[path] = volumeSetNames
	}
	for _, path := range []string{"cpg get", "cpg space"} {
		args[path] = cpgNames
	}
	flags := map[string]lister{"cpg": cpgNames, "volume": volumeNames, "host": hostNames, "member": volumeNames}
	var walk func(c *cobra.Command)
	walk = func(c *cobra.Command) {
		path := strings.TrimPrefix(c.CommandPath(), root.Name()+" ")
		if l, ok := args[path]; ok && c.ValidArgsFunction == nil {
			c.ValidArgsFunction = a.completeNames(l)
		}
		for name, l := range flags {
			if c.LocalFlags().Lookup(name) != nil {
				_ = c.RegisterFlagCompletionFunc(name, a.completeFlag(l))
			}
		}
		for _, sub := range c.Commands() {
			walk(sub)
		}
	}
	walk(root)
}
