// Command dr runs a disaster-recovery drill with remote copy: it creates a
// volume and a remote copy group from a primary to a secondary array,
// starts and synchronizes the group, stops it, fails over to the
// secondary, checks the content the secondary holds, then fails back
// (recover and restore) and deletes everything again (also after a
// failure).
//
// It runs on two in-memory simulated arrays linked as each other's remote
// copy target (alletratest.Link) unless ALLETRA_URL and
// ALLETRA_SECONDARY_URL name two real arrays, e.g. https://array:8080,
// with ALLETRA_USER and ALLETRA_PASSWORD (ALLETRA_SECONDARY_USER and
// ALLETRA_SECONDARY_PASSWORD when they differ); optional: ALLETRA_CPG
// (default SSD_r6, on both arrays), ALLETRA_INSECURE=1 for self-signed
// certificates. On real arrays the drill cannot write data: it shows the
// group's states only. The arrays must already be each other's remote copy
// target.
package main

import (
	"cmp"
	"context"
	"crypto/rand"
	"errors"
	"fmt"
	"os"
	"time"

	alletra "github.com/openalletra/go-alletra"
	"github.com/openalletra/go-alletra/alletratest"
)

// drill is the two arrays and, on the simulator, a way to write and read a
// volume's content (nil on real arrays).
type drill struct {
	primary, secondary *alletra.Client
	write              func(secondary bool, volume, token string) error
	read               func(secondary bool, volume string) (string, error)
}

func main() {
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	d, closeArrays, err := connect()
	if err == nil {
		err = run(ctx, d)
		err = errors.Join(err, d.primary.Close(ctx), d.secondary.Close(ctx)) // log out
		closeArrays()
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "dr:", err)
		os.Exit(1)
	}
}

// connect returns clients of two real arrays, or of two linked simulators.
func connect() (*drill, func(), error) {
	if url := os.Getenv("ALLETRA_URL"); url != "" {
		var opts []alletra.Option
		if os.Getenv("ALLETRA_INSECURE") == "1" {
			opts = append(opts, alletra.WithInsecureSkipVerify())
		}
		user, password := os.Getenv("ALLETRA_USER"), os.Getenv("ALLETRA_PASSWORD")
		p, err := alletra.NewClient(url, user, password, opts...)
		if err != nil {
			return nil, nil, err
		}
		s, err := alletra.NewClient(os.Getenv("ALLETRA_SECONDARY_URL"), cmp.Or(os.Getenv("ALLETRA_SECONDARY_USER"), user),
			cmp.Or(os.Getenv("ALLETRA_SECONDARY_PASSWORD"), password), opts...)
		if err != nil {
			return nil, nil, err
		}
		return &drill{primary: p, secondary: s}, func() {}, nil
	}
	a, b := alletratest.NewServer(), alletratest.NewServer() // two in-memory arrays
	alletratest.Link(a, b)                                   // each other's remote copy target
	closeAll := func() { a.Close(); b.Close() }
	p, err := a.Client()
	if err != nil {
		closeAll()
		return nil, nil, err
	}
	s, err := b.Client()
	if err != nil {
		closeAll()
		return nil, nil, err
	}
	pick := func(secondary bool) *alletratest.Server {
		if secondary {
			return b
		}
		return a
	}
	return &drill{primary: p, secondary: s,
		write: func(sec bool, v, tok string) error { return pick(sec).WriteContent(v, tok) },
		read:  func(sec bool, v string) (string, error) { return pick(sec).Content(v) },
	}, closeAll, nil
}

func run(ctx context.Context, d *drill) (err error) {
	suffix := rand.Text()[:6]
	vol, group := "goalletra-dr-"+suffix, "goalletra-rcg-"+suffix
	p, s := d.primary, d.secondary
	rc := p.RemoteCopy

	// The primary's target for the secondary is named after the secondary system.
	sys, err := s.System.Get(ctx)
	if err != nil {
		return err
	}
	cpg := cmp.Or(os.Getenv("ALLETRA_CPG"), "SSD_r6")
	if err := p.Volumes.Create(ctx, &alletra.VolumeCreateRequest{Name: vol, CPG: cpg, SizeMiB: 1024}); err != nil {
		return err
	}
	defer func() { // delete in order; what does not exist is fine
		errs := []error{err}
		if e := rc.Stop(ctx, group, nil); e != nil && !errors.Is(e, alletra.ErrNotFound) {
			errs = append(errs, e)
		}
		if e := rc.Delete(ctx, group, &alletra.RemoteCopyGroupDeleteOptions{RemoveSecondaryVolumes: true}); e != nil && !errors.Is(e, alletra.ErrNotFound) {
			errs = append(errs, e)
		}
		if e := p.Volumes.Delete(ctx, vol); e != nil && !errors.Is(e, alletra.ErrNotFound) {
			errs = append(errs, e)
		}
		err = errors.Join(errs...)
		fmt.Println("removed the group, the secondary volume and the volume:", err == nil)
	}()
	if err := d.writeContent(false, vol, "data-1"); err != nil {
		return err
	}
	if err := rc.Create(ctx, group, []alletra.RemoteCopyTargetSpec{{TargetName: sys.Name, Mode: alletra.RemoteCopyPeriodic, UserCPG: cpg}}, nil); err != nil {
		return err
	}
	if err := rc.AddVolume(ctx, group, vol, nil, &alletra.RemoteCopyAddVolumeOptions{AutoCreate: true}); err != nil {
		return err
	}
	if err := d.show(ctx, "created", group); err != nil {
		return err
	}

	if err := rc.Start(ctx, group, nil); err != nil {
		return err
	}
	if err := d.writeContent(false, vol, "data-2"); err != nil {
		return err
	}
	if _, err := rc.SynchronizeAndWait(ctx, group, nil); err != nil {
		return err
	}
	if err := d.show(ctx, "started and synchronized", group); err != nil {
		return err
	}

	// Disaster: stop replication and fail over to the secondary array.
	if err := rc.Stop(ctx, group, nil); err != nil {
		return err
	}
	if _, err := s.RemoteCopy.RecoveryAndWait(ctx, group, alletra.RecoveryFailover, nil); err != nil {
		return err
	}
	if err := d.show(ctx, "failed over", group); err != nil {
		return err
	}
	if d.read != nil {
		got, err := d.read(true, vol)
		if err != nil {
			return err
		}
		fmt.Printf("the secondary holds content %q (the primary wrote %q)\n", got, "data-2")
		if got != "data-2" {
			return fmt.Errorf("the secondary holds %q, want %q", got, "data-2")
		}
	}
	if err := d.writeContent(true, vol, "written-during-dr"); err != nil {
		return err
	}

	// Fail back: replicate the changes to the old primary, then restore the
	// natural direction.
	if _, err := s.RemoteCopy.RecoveryAndWait(ctx, group, alletra.RecoveryRecover, nil); err != nil {
		return err
	}
	if err := d.show(ctx, "recovered", group); err != nil {
		return err
	}
	if _, err := s.RemoteCopy.RecoveryAndWait(ctx, group, alletra.RecoveryRestore, nil); err != nil {
		return err
	}
	if err := d.show(ctx, "restored", group); err != nil {
		return err
	}
	if d.read != nil {
		got, err := d.read(false, vol)
		if err != nil {
			return err
		}
		fmt.Printf("the primary holds content %q after failback\n", got)
	}
	return nil
}

// writeContent writes on the simulator; on real arrays it does nothing.
func (d *drill) writeContent(secondary bool, volume, token string) error {
	if d.write == nil {
		return nil
	}
	return d.write(secondary, volume, token)
}

// show prints the group's role and state on both arrays.
func (d *drill) show(ctx context.Context, step, group string) error {
	line := step + ":"
	for _, side := range []struct {
		name string
		c    *alletra.Client
	}{{"primary array", d.primary}, {"secondary array", d.secondary}} {
		g, err := side.c.RemoteCopy.Get(ctx, group)
		if err != nil {
			return err
		}
		line += fmt.Sprintf(" %s %s/%s in sync %v;", side.name, g.Role, g.State(), g.InSync())
	}
	fmt.Println(line)
	return nil
}
