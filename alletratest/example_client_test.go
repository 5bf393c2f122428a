package alletratest_test

import (
	"context"
	"errors"
	"fmt"
	"log"

	alletra "github.com/openalletra/go-alletra"
	"github.com/openalletra/go-alletra/alletratest"
	"github.com/openalletra/go-alletra/naming"
)

// A simulated array that accepts LXD's long names, used through go-alletra;
// the test then looks at the array's state directly.
func ExampleNewServer() {
	ctx := context.Background()
	srv := alletratest.NewServer() // an Alletra MP build: LXD's names fit (older builds: 31)
	defer srv.Close()
	c, err := srv.Client() // trusts the simulator's certificate, logs in lazily
	if err != nil {
		log.Fatal(err)
	}
	defer c.Close(ctx)

	name, err := naming.LXD(naming.Volume{Type: naming.VirtualMachine, Content: naming.Block,
		UUID: "a5289556-c903-409a-8aa0-4af18a46738d"})
	if err != nil {
		log.Fatal(err)
	}
	if err := c.Volumes.Create(ctx, &alletra.VolumeCreateRequest{Name: name, CPG: "SSD_r6", SizeMiB: 1000}); err != nil {
		log.Fatal(err)
	}

	vol, ok := srv.Volume(name)
	fmt.Println(ok, vol.Name, vol.SizeMiB, vol.CPG)
	st := srv.Stats()
	fmt.Println("logins:", st.Logins, "creates:", srv.Requests("POST", "/api/v1/volumes"))
	// Output:
	// true v-a5289556c903409a8aa04af18a46738d-b 1024 SSD_r6
	// logins: 1 creates: 1
}

// Faults test how code copes with a misbehaving array: here a busy array
// (HTTP 503, WSAPI code 270), which the client retries, and a create whose
// answer is lost after the array committed it, which the client reconciles.
func ExampleServer_InjectFault() {
	ctx := context.Background()
	srv := alletratest.NewServer()
	defer srv.Close()
	// A test client retries with millisecond waits.
	c, err := srv.Client()
	if err != nil {
		log.Fatal(err)
	}
	defer c.Close(ctx)

	// Busy once: retried, the caller sees a success.
	_ = srv.InjectFault("POST", "/api/v1/volumes", alletratest.Fault{Kind: alletratest.FaultStatus, Status: 503, Code: 270})
	err = c.Volumes.Create(ctx, &alletra.VolumeCreateRequest{Name: "vol1", CPG: "SSD_r6", SizeMiB: 1024})
	fmt.Println("busy once:", err, srv.Requests("POST", "/api/v1/volumes"), "requests")

	// Committed, then the connection dropped: the retry meets "already
	// exists", reads the volume back, finds it is the one asked for.
	_ = srv.InjectFault("POST", "/api/v1/volumes", alletratest.Fault{Kind: alletratest.FaultCommitThenDrop})
	err = c.Volumes.Create(ctx, &alletra.VolumeCreateRequest{Name: "vol2", CPG: "SSD_r6", SizeMiB: 1024})
	_, exists := srv.Volume("vol2")
	fmt.Println("answer lost:", err, exists)

	// Busy for good: the retries run out and the error says so.
	srv.ResetStats()
	_ = srv.InjectFault("GET", "/api/v1/volumes/{name}", alletratest.Fault{Kind: alletratest.FaultStatus, Status: 503, Code: 270, Times: -1})
	_, err = c.Volumes.Get(ctx, "vol1")
	fmt.Println("busy always:", errors.Is(err, alletra.ErrBusy), srv.Requests("GET", "/api/v1/volumes/{name}"), "requests")
	srv.ClearFaults()
	// Output:
	// busy once: <nil> 2 requests
	// answer lost: <nil> true
	// busy always: true 5 requests
}
