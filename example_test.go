package alletra_test

import (
	"context"
	"errors"
	"fmt"
	"log"

	alletra "github.com/openalletra/go-alletra"
	"github.com/openalletra/go-alletra/alletratest"
)

// The examples run on the simulator of package alletratest; against an array,
// pass its URL and credentials to NewClient instead.

func ExampleNewClient() {
	ctx := context.Background()
	srv := alletratest.NewServer() // stands in for https://array:8080
	defer srv.Close()

	// WithHTTPClient: the simulator's certificate is self-signed; for a real
	// array with one, use WithTLSConfig and a CA pool instead.
	c, err := alletra.NewClient(srv.URL, srv.Username(), srv.Password(), alletra.WithHTTPClient(srv.HTTPClient()))
	if err != nil {
		log.Fatal(err)
	}
	defer c.Close(ctx) // logs out: arrays have few sessions

	v, err := c.System.APIVersion(ctx) // the first call logs in
	if err != nil {
		log.Fatal(err)
	}
	fmt.Printf("WSAPI %d.%d, WSAPI of 2025: %t\n", v.Major, v.Minor, v.IsWSAPI2025OrLater())
	fmt.Println("sessions:", srv.Sessions())
	// Output:
	// WSAPI 1.15, WSAPI of 2025: true
	// sessions: 1
}

func ExampleClient_Close() {
	ctx := context.Background()
	srv := alletratest.NewServer()
	defer srv.Close()
	c, err := srv.Client()
	if err != nil {
		log.Fatal(err)
	}
	if _, err := c.System.Get(ctx); err != nil {
		log.Fatal(err)
	}
	fmt.Println("sessions before Close:", srv.Sessions())
	if err := c.Close(ctx); err != nil { // DELETE /credentials/<key>
		log.Fatal(err)
	}
	fmt.Println("sessions after Close:", srv.Sessions())
	// Output:
	// sessions before Close: 1
	// sessions after Close: 0
}

func ExampleVolumesService_Create() {
	ctx := context.Background()
	srv := alletratest.NewServer()
	defer srv.Close()
	c, err := srv.Client()
	if err != nil {
		log.Fatal(err)
	}
	defer c.Close(ctx)

	// Ask for what the array will allocate: 10^9 bytes round up to 1024 MiB.
	size, err := alletra.VolumeSizeMiB(1_000_000_000)
	if err != nil {
		log.Fatal(err)
	}
	req := &alletra.VolumeCreateRequest{Name: "vol1", CPG: "SSD_r6", SizeMiB: size}
	if err := c.Volumes.Create(ctx, req); err != nil {
		log.Fatal(err)
	}
	vol, err := c.Volumes.Get(ctx, "vol1")
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(vol.Name, vol.SizeMiB, "MiB", vol.ProvisioningType)

	// A second create of the same name is someone else's volume.
	err = c.Volumes.Create(ctx, req)
	fmt.Println("again:", errors.Is(err, alletra.ErrAlreadyExists))
	// Output:
	// vol1 1024 MiB TPVV
	// again: true
}

func ExampleVolumesService_ResizeTo() {
	ctx := context.Background()
	srv := alletratest.NewServer()
	defer srv.Close()
	c, err := srv.Client()
	if err != nil {
		log.Fatal(err)
	}
	defer c.Close(ctx)
	if err := c.Volumes.Create(ctx, &alletra.VolumeCreateRequest{Name: "vol1", CPG: "SSD_r6", SizeMiB: 1024}); err != nil {
		log.Fatal(err)
	}

	// ResizeTo takes the new size (the WSAPI grow takes a delta) and rounds
	// it up to 256 MiB: 1500 becomes 1536. It returns the size the array
	// reports, the size to wait for on the host.
	size, err := c.Volumes.ResizeTo(ctx, "vol1", 1500)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println("size:", size)

	// Asking again is a no-op: the volume is already that large, nothing is
	// sent, and the current size comes back.
	size, err = c.Volumes.ResizeTo(ctx, "vol1", 1536)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println("again:", size, "grow requests:", srv.Requests("PUT", "/api/v1/volumes/{name}"))

	// Volumes cannot shrink.
	_, err = c.Volumes.ResizeTo(ctx, "vol1", 1024)
	fmt.Println("shrink:", errors.Is(err, alletra.ErrCannotShrink))
	// Output:
	// size: 1536
	// again: 1536 grow requests: 1
	// shrink: true
}

func ExampleVolumesService_Resize() {
	ctx := context.Background()
	srv := alletratest.NewServer()
	defer srv.Close()
	c, err := srv.Client()
	if err != nil {
		log.Fatal(err)
	}
	defer c.Close(ctx)
	if err := c.Volumes.Create(ctx, &alletra.VolumeCreateRequest{Name: "vol1", CPG: "SSD_r6", SizeMiB: 1024}); err != nil {
		log.Fatal(err)
	}

	// The caller has read the volume (for its device id, say) and hands its
	// size in: Resize then sends only the grow, and no read after it.
	v, err := c.Volumes.Get(ctx, "vol1")
	if err != nil {
		log.Fatal(err)
	}
	before := srv.Stats().Requests
	r, err := c.Volumes.ResizeBytes(ctx, "vol1", 1500<<20, &alletra.ResizeOptions{CurrentMiB: v.SizeMiB})
	if err != nil {
		log.Fatal(err)
	}
	fmt.Printf("grown: %t, from %d MiB by %d MiB\n", r.Grown, r.FromMiB, r.ByMiB)
	fmt.Println("requests:", srv.Stats().Requests["PUT /api/v1/volumes/{name}"]-before["PUT /api/v1/volumes/{name}"], "PUT,",
		srv.Stats().Requests["GET /api/v1/volumes/{name}"]-before["GET /api/v1/volumes/{name}"], "GET")
	// Output:
	// grown: true, from 1024 MiB by 512 MiB
	// requests: 1 PUT, 0 GET
}

func ExampleVolumesService_CreateInSet() {
	ctx := context.Background()
	srv := alletratest.NewServer()
	defer srv.Close()
	c, err := srv.Client()
	if err != nil {
		log.Fatal(err)
	}
	defer c.Close(ctx)
	if err := c.VolumeSets.Create(ctx, &alletra.VolumeSetCreateRequest{Name: "pool1"}); err != nil {
		log.Fatal(err)
	}

	// A volume in its pool, sized in bytes (rounded up to 256 MiB).
	err = c.Volumes.CreateInSet(ctx, "pool1", &alletra.VolumeCreateRequest{Name: "vol1", CPG: "SSD_r6", SizeBytes: 1_000_000_000})
	if err != nil {
		log.Fatal(err)
	}
	set, _ := srv.VolumeSet("pool1")
	v, _ := srv.Volume("vol1")
	fmt.Println(set.Members, v.SizeMiB, "MiB")

	// Out of the pool, and deleted with its snapshots.
	if err := c.Volumes.DeleteFromSet(ctx, "pool1", "vol1"); err != nil {
		log.Fatal(err)
	}
	set, _ = srv.VolumeSet("pool1")
	fmt.Println(set.Members, len(srv.Volumes()), "volumes")
	// Output:
	// [vol1] 1024 MiB
	// [] 0 volumes
}

func ExampleSnapshotsService_Restore() {
	ctx := context.Background()
	srv := alletratest.NewServer()
	defer srv.Close()
	c, err := srv.Client()
	if err != nil {
		log.Fatal(err)
	}
	defer c.Close(ctx)

	if err := c.Volumes.Create(ctx, &alletra.VolumeCreateRequest{Name: "vol1", CPG: "SSD_r6", SizeMiB: 1024}); err != nil {
		log.Fatal(err)
	}
	_ = srv.WriteContent("vol1", "monday") // the simulator's stand-in for data
	if err := c.Snapshots.Create(ctx, "vol1", &alletra.SnapshotCreateRequest{Name: "vol1.snap"}); err != nil {
		log.Fatal(err)
	}
	_ = srv.WriteContent("vol1", "tuesday")

	// The array refuses to restore onto an exported volume: unmap it first.
	if err := c.Hosts.Create(ctx, &alletra.HostCreateRequest{Name: "node1", ISCSINames: []string{"iqn.1993-08.org.debian:01:node1"}}); err != nil {
		log.Fatal(err)
	}
	v, err := c.VLUNs.Create(ctx, &alletra.VLUNCreateRequest{VolumeName: "vol1", HostName: "node1", AutoLUN: true})
	if err != nil {
		log.Fatal(err)
	}
	err = c.Snapshots.Restore(ctx, "vol1.snap")
	fmt.Println("while exported:", errors.Is(err, alletra.ErrExported))
	if err := c.VLUNs.Delete(ctx, v.ID()); err != nil {
		log.Fatal(err)
	}

	// Restore promotes the snapshot and waits for the array's task.
	if err := c.Snapshots.Restore(ctx, "vol1.snap"); err != nil {
		log.Fatal(err)
	}
	data, _ := srv.Content("vol1")
	fmt.Println("restored:", data)
	// Output:
	// while exported: true
	// restored: monday
}

func ExampleVLUNsService_Create() {
	ctx := context.Background()
	srv := alletratest.NewServer()
	defer srv.Close()
	c, err := srv.Client()
	if err != nil {
		log.Fatal(err)
	}
	defer c.Close(ctx)
	if err := c.Volumes.Create(ctx, &alletra.VolumeCreateRequest{Name: "vol1", CPG: "SSD_r6", SizeMiB: 1024}); err != nil {
		log.Fatal(err)
	}
	nqn := "nqn.2014-08.org.nvmexpress:uuid:0f6e3d2c-1b0a-4998-8776-655443322110"
	if err := c.Hosts.Create(ctx, &alletra.HostCreateRequest{Name: "node1-nvme-tcp", NQN: nqn}); err != nil {
		log.Fatal(err)
	}

	// Export with a LUN the array picks; the LUN comes from the Location header.
	req := &alletra.VLUNCreateRequest{VolumeName: "vol1", HostName: "node1-nvme-tcp", AutoLUN: true}
	v, err := c.VLUNs.Create(ctx, req)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(v.ID(), "existed:", v.Existed)

	// Exporting again creates nothing and returns the existing export.
	v, err = c.VLUNs.Create(ctx, req)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(v.ID(), "existed:", v.Existed)

	// Where the host connects to.
	addrs, err := c.Ports.TargetAddresses(ctx, alletra.ProtocolNVMe)
	if err != nil {
		log.Fatal(err)
	}
	for _, a := range addrs {
		fmt.Println("target:", a.IP, "port", a.PortPos)
	}
	// Output:
	// vol1,1,node1-nvme-tcp existed: false
	// vol1,1,node1-nvme-tcp existed: true
	// target: 10.0.0.21 port 0:3:1
}

func ExampleHostsService_FindByInitiator() {
	ctx := context.Background()
	srv := alletratest.NewServer()
	defer srv.Close()
	c, err := srv.Client()
	if err != nil {
		log.Fatal(err)
	}
	defer c.Close(ctx)

	// LXD's ensureHost: find this server's host by its NQN, or create it.
	nqn := "nqn.2014-08.org.nvmexpress:uuid:0f6e3d2c-1b0a-4998-8776-655443322110"
	for range 2 {
		h, err := c.Hosts.FindByInitiator(ctx, nqn)
		switch {
		case errors.Is(err, alletra.ErrNotFound):
			fmt.Println("no host has", nqn)
			err = c.Hosts.Create(ctx, &alletra.HostCreateRequest{Name: "node1-nvme-tcp", NQN: nqn})
			if err != nil {
				log.Fatal(err)
			}
		case err != nil:
			log.Fatal(err)
		default:
			fmt.Println("found", h.Name)
		}
	}
	// Output:
	// no host has nqn.2014-08.org.nvmexpress:uuid:0f6e3d2c-1b0a-4998-8776-655443322110
	// found node1-nvme-tcp
}

// Errors are matched with errors.Is against the sentinels, by HTTP status
// and WSAPI code; errors.As gives the details.
func Example_errors() {
	ctx := context.Background()
	srv := alletratest.NewServer()
	defer srv.Close()
	c, err := srv.Client()
	if err != nil {
		log.Fatal(err)
	}
	defer c.Close(ctx)

	_, err = c.Volumes.Get(ctx, "missing")
	fmt.Println("not found:", errors.Is(err, alletra.ErrNotFound))
	var apiErr *alletra.APIError
	if errors.As(err, &apiErr) {
		fmt.Println("HTTP", apiErr.StatusCode, "code", apiErr.Code)
	}

	// Deleting a volume that is already gone is fine when tearing down.
	if err := c.Volumes.Delete(ctx, "missing"); err != nil && !errors.Is(err, alletra.ErrNotFound) {
		log.Fatal(err)
	}

	// Bad arguments are refused before any request.
	err = c.Volumes.Create(ctx, &alletra.VolumeCreateRequest{Name: "bad/name", CPG: "SSD_r6", SizeMiB: 1024})
	var verr *alletra.ValidationError
	fmt.Println("invalid:", errors.Is(err, alletra.ErrInvalidInput), errors.As(err, &verr) && verr.Field == "Name")
	fmt.Println("create requests:", srv.Requests("POST", "/api/v1/volumes"))
	// Output:
	// not found: true
	// HTTP 404 code 23 NON_EXISTENT_VOL
	// invalid: true true
	// create requests: 0
}

func ExampleRoundVolumeSize() {
	// LXD's "1GB" is 10^9 bytes, 953.67 MiB. Truncating would request 953 MiB
	// and the array would allocate 1024 MiB anyway; round up instead.
	for _, size := range []int64{1_000_000_000, 1, 256 * alletra.MiB, 256*alletra.MiB + 1} {
		rounded, err := alletra.RoundVolumeSize(size)
		if err != nil {
			panic(err)
		}
		fmt.Println(size, "->", rounded, rounded/alletra.MiB, "MiB")
	}
	_, err := alletra.RoundVolumeSize(0)
	fmt.Println(errors.Is(err, alletra.ErrInvalidInput))
	// Output:
	// 1000000000 -> 1073741824 1024 MiB
	// 1 -> 268435456 256 MiB
	// 268435456 -> 268435456 256 MiB
	// 268435457 -> 536870912 512 MiB
	// true
}

func ExampleVolumeSizeMiB() {
	sizeMiB, err := alletra.VolumeSizeMiB(10 * alletra.GiB)
	if err != nil {
		panic(err)
	}
	fmt.Println(sizeMiB) // ready for VolumeCreateRequest.SizeMiB
	// Output: 10240
}

func ExampleGrowDeltaMiB() {
	// A volume of 953 MiB (as LXD may have created it) grown to 2 GB.
	target, err := alletra.VolumeSizeMiB(2_000_000_000)
	if err != nil {
		panic(err)
	}
	delta, err := alletra.GrowDeltaMiB(953, target)
	if err != nil {
		panic(err)
	}
	fmt.Println(target, delta)

	_, err = alletra.GrowDeltaMiB(2048, 1024)
	fmt.Println(errors.Is(err, alletra.ErrCannotShrink))
	// Output:
	// 2048 1280
	// true
}

func ExampleVLUNsService_Map() {
	ctx := context.Background()
	srv := alletratest.NewServer()
	defer srv.Close()
	c, err := srv.Client()
	if err != nil {
		log.Fatal(err)
	}
	defer c.Close(ctx)
	if err := c.Volumes.Create(ctx, &alletra.VolumeCreateRequest{Name: "vol1", CPG: "SSD_r6", SizeMiB: 1024}); err != nil {
		log.Fatal(err)
	}
	const nqn = "nqn.2014-08.org.nvmexpress:uuid:5a2504b0-6a6c-4849-8ee7-ddb0b674fd14"

	// Map ensures the node's host (created from the NQN), exports the volume
	// and returns what the node connects to; the subsystem NQN costs one
	// more read, so it is asked for.
	m, err := c.VLUNs.Map(ctx, &alletra.MapRequest{Volume: "vol1", Host: "node1-nvme-tcp", Initiator: nqn,
		Targets: true, SubsystemNQN: true})
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println("host created:", m.HostCreated, "LUN:", m.VLUN.LUN)
	fmt.Println("subsystem NQN known:", m.VLUN.SubsystemNQN != "")
	for _, a := range m.Targets {
		fmt.Println("target:", a.IP)
	}

	// Unmap removes the export and says whether the host has anything else
	// mapped. The node disconnects (its own step), then the host goes
	// unless something uses it by then.
	u, err := c.VLUNs.Unmap(ctx, "vol1", nqn)
	if err != nil {
		log.Fatal(err)
	}
	deleted := false
	if u.HostUnused {
		// ... nvme disconnect on the node ...
		if deleted, err = c.Hosts.DeleteIfUnused(ctx, u.Host); err != nil {
			log.Fatal(err)
		}
	}
	fmt.Println("removed:", u.Removed, "host deleted:", deleted)
	// Output:
	// host created: true LUN: 1
	// subsystem NQN known: true
	// target: 10.0.0.21
	// removed: 1 host deleted: true
}

func ExampleVolumesService_DeleteCascade() {
	ctx := context.Background()
	srv := alletratest.NewServer()
	defer srv.Close()
	c, err := srv.Client()
	if err != nil {
		log.Fatal(err)
	}
	defer c.Close(ctx)
	if err := c.Volumes.Create(ctx, &alletra.VolumeCreateRequest{Name: "vol1", CPG: "SSD_r6", SizeMiB: 1024}); err != nil {
		log.Fatal(err)
	}
	for _, s := range []string{"snap1", "snap2"} {
		if err := c.Snapshots.Create(ctx, "vol1", &alletra.SnapshotCreateRequest{Name: s}); err != nil {
			log.Fatal(err)
		}
	}
	if err := c.Volumes.DeleteCascade(ctx, "vol1"); err != nil {
		log.Fatal(err)
	}
	fmt.Println("volumes left:", len(srv.Volumes()))
	fmt.Println("delete requests:", srv.Requests("DELETE", "/api/v1/volumes/{name}"))
	// Output:
	// volumes left: 0
	// delete requests: 1
}

func ExampleSharedClients() {
	ctx := context.Background()
	srv := alletratest.NewServer()
	defer srv.Close()
	hc := srv.HTTPClient() // trusts the simulator's certificate

	// Check the configuration once, where the program checks its own (a
	// pool's config, say); a bad endpoint or option is reported here.
	cfg, err := alletra.NewSharedConfig(srv.URL, srv.Username(), srv.Password(), alletra.WithHTTPClient(hc))
	if err != nil {
		log.Fatal(err)
	}

	// One SharedClients value for the whole program; every pool or driver
	// object acquires through it, with no error to check, and releases when
	// it is done.
	var shared alletra.SharedClients
	a, releaseA := shared.Acquire(cfg)
	b, releaseB := shared.Acquire(cfg)
	fmt.Println("one client:", a == b)
	if _, err := a.Volumes.List(ctx, nil); err != nil {
		log.Fatal(err)
	}
	if err := releaseA(ctx); err != nil {
		log.Fatal(err)
	}
	fmt.Println("sessions after the first release:", srv.Sessions())
	if err := releaseB(ctx); err != nil { // the last user: logs out
		log.Fatal(err)
	}
	fmt.Println("sessions after the last release:", srv.Sessions())
	// Output:
	// one client: true
	// sessions after the first release: 1
	// sessions after the last release: 0
}

// A wrong endpoint (here a gateway prefix the array does not serve) is
// ErrEndpoint, never ErrNotFound: a lookup does not report "absent" and a
// delete does not "succeed" against it.
func ExampleErrEndpoint() {
	ctx := context.Background()
	srv := alletratest.NewServer()
	defer srv.Close()
	c, err := alletra.NewClient(srv.URL+"/no-such-gateway", srv.Username(), srv.Password(),
		alletra.WithHTTPClient(srv.HTTPClient()), alletra.WithRetry(0, 0, 0))
	if err != nil {
		log.Fatal(err)
	}
	_, err = c.Volumes.Get(ctx, "vol1")
	fmt.Println("not found:", errors.Is(err, alletra.ErrNotFound))
	fmt.Println("wrong endpoint:", errors.Is(err, alletra.ErrEndpoint))
	// Output:
	// not found: false
	// wrong endpoint: true
}

func ExampleQoSService_Create() {
	ctx := context.Background()
	srv := alletratest.NewServer()
	defer srv.Close()
	c, err := srv.Client()
	if err != nil {
		log.Fatal(err)
	}
	defer c.Close(ctx)

	if err := c.VolumeSets.Create(ctx, &alletra.VolumeSetCreateRequest{Name: "gold"}); err != nil {
		log.Fatal(err)
	}
	iops := int64(5000)
	target := alletra.VolumeSetQoS("gold")
	if err := c.QoS.Create(ctx, target, &alletra.QoSRuleSpec{IOMaxLimit: &iops, Priority: alletra.QoSPriorityHigh}); err != nil {
		log.Fatal(err)
	}
	rule, err := c.QoS.Get(ctx, target)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(target, rule.IOMaxLimit, rule.Priority, rule.Enabled)

	// The array keeps a volume set that a rule targets.
	err = c.VolumeSets.Delete(ctx, "gold")
	fmt.Println(errors.Is(err, alletra.ErrQoSTarget))
	if err := c.QoS.Delete(ctx, target); err != nil {
		log.Fatal(err)
	}
	fmt.Println(c.VolumeSets.Delete(ctx, "gold"))
	// Output:
	// vvset:gold 5000 HIGH true
	// true
	// <nil>
}

func ExampleHostSetsService_AddMembers() {
	ctx := context.Background()
	srv := alletratest.NewServer()
	defer srv.Close()
	c, err := srv.Client()
	if err != nil {
		log.Fatal(err)
	}
	defer c.Close(ctx)

	for i, h := range []string{"web1", "web2"} {
		iqn := fmt.Sprintf("iqn.2024-01.example:web%d", i+1)
		if err := c.Hosts.Create(ctx, &alletra.HostCreateRequest{Name: h, ISCSINames: []string{iqn}}); err != nil {
			log.Fatal(err)
		}
	}
	if err := c.HostSets.Create(ctx, &alletra.HostSetCreateRequest{Name: "web", SetMembers: []string{"web1"}}); err != nil {
		log.Fatal(err)
	}
	// web1 is already a member: the call is still a success.
	if err := c.HostSets.AddMembers(ctx, "web", "web1", "web2"); err != nil {
		log.Fatal(err)
	}
	sets, err := c.HostSets.FindForHost(ctx, "web2")
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(sets[0].Name, sets[0].SetMembers)
	// Output:
	// web [web1 web2]
}

func ExampleSnapshotsService_StartCopy() {
	ctx := context.Background()
	srv := alletratest.NewServer()
	defer srv.Close()
	c, err := srv.Client()
	if err != nil {
		log.Fatal(err)
	}
	defer c.Close(ctx)
	for _, name := range []string{"src", "dst"} {
		if err := c.Volumes.Create(ctx, &alletra.VolumeCreateRequest{Name: name, CPG: "SSD_r6", SizeMiB: 1024}); err != nil {
			log.Fatal(err)
		}
	}
	_ = srv.WriteContent("src", "data") // the simulator's stand-in for data

	// StartCopy returns as soon as the array accepted the copy: the task
	// has its id only, until Tasks.Get or Tasks.Wait reads it.
	t, err := c.Snapshots.StartCopy(ctx, "src", "dst", nil)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println("started, status read yet:", t.Status != 0)
	done, err := c.Tasks.Wait(ctx, t.ID)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println("copy task:", done.Status)

	// Tasks.All walks the tasks of the last 24 hours.
	for task, err := range c.Tasks.All(ctx) {
		if err != nil {
			log.Fatal(err)
		}
		fmt.Println(task.ID == t.ID, task.Type)
	}
	// Output:
	// started, status read yet: false
	// copy task: DONE
	// true VV_COPY
}
