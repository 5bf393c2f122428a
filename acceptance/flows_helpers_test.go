package acceptance_test

// Helpers shared by the LXD acceptance flows (flows_*_test.go):
// a client set up the way the flows need it, the driver-level sequences LXD's
// alletra driver runs on top of the SDK (create a volume in its pool, ensure a
// host, export, unexport, delete a volume), and a transport that records
// paths and lets a test pause task polls to move the simulator's clock.

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	alletra "github.com/openalletra/go-alletra"
	"github.com/openalletra/go-alletra/alletratest"
	"github.com/openalletra/go-alletra/naming"
)

const (
	flowCPG         = "SSD_r6" // the simulator's default CPG
	flowPool        = "pool1"
	flowPoolComment = "Created and managed by LXD"
	flowTimeout     = 90 * time.Second // bounds every flow so that a bug cannot hang CI
)

// flowCtx returns a context that ends with the test or after flowTimeout.
func flowCtx(t *testing.T) context.Context {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), flowTimeout)
	t.Cleanup(cancel)
	return ctx
}

// flowOptions are the client options of every flow: fast retries and fast
// task polling in real time.
func flowOptions(extra ...alletra.Option) []alletra.Option {
	return append([]alletra.Option{
		alletra.WithRetry(3, time.Millisecond, 5*time.Millisecond),
		alletra.WithTaskPolling(time.Millisecond, 5*time.Millisecond),
	}, extra...)
}

// flowClient returns a client of srv with flowOptions.
func flowClient(t *testing.T, srv *alletratest.Server, extra ...alletra.Option) *alletra.Client {
	t.Helper()
	c, err := srv.Client(flowOptions(extra...)...)
	require.NoError(t, err)
	return c
}

// flowClientWith returns a client of srv whose HTTP traffic goes through tr.
func flowClientWith(t *testing.T, srv *alletratest.Server, tr *flowTransport, extra ...alletra.Option) *alletra.Client {
	t.Helper()
	tr.base = srv.HTTPClient().Transport
	return flowClient(t, srv, append([]alletra.Option{alletra.WithHTTPClient(&http.Client{Transport: tr})}, extra...)...)
}

// closeFlow closes the clients and checks that the array has no session left.
func closeFlow(t *testing.T, srv *alletratest.Server, clients ...*alletra.Client) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), flowTimeout)
	defer cancel()
	for _, c := range clients {
		require.NoError(t, c.Close(ctx))
	}
	assert.Equal(t, 0, srv.Sessions(), "session keys left on the array")
}

// flowUUID returns a fixed, distinct UUID for n.
func flowUUID(n int) string { return fmt.Sprintf("%08x-5a25-4b06-8a6c-%012x", n, n) }

// flowVol returns the compact (≤31 characters) name of container volume n,
// or of snapshot n.
func flowVol(t *testing.T, n int, snapshot bool) string {
	t.Helper()
	name, err := naming.Compact(naming.Volume{Type: naming.Container, Content: naming.Filesystem, UUID: flowUUID(n), Snapshot: snapshot})
	require.NoError(t, err)
	return name
}

// createPool is LXD's pool Create: a volume set with LXD's comment.
func createPool(ctx context.Context, c *alletra.Client, name string) error {
	return c.VolumeSets.Create(ctx, &alletra.VolumeSetCreateRequest{Name: name, Comment: flowPoolComment})
}

// createVolume is LXD's CreateVolume: a thin volume in the pool's volume
// set, with Volumes.CreateInSet (create, then add; undone if the add fails).
func createVolume(ctx context.Context, c *alletra.Client, pool, name string, sizeMiB int64) error {
	return c.Volumes.CreateInSet(ctx, pool, &alletra.VolumeCreateRequest{Name: name, CPG: flowCPG, SizeMiB: sizeMiB})
}

// mustVolume creates a volume in the pool and gives it a content token.
func mustVolume(t *testing.T, ctx context.Context, c *alletra.Client, srv *alletratest.Server, pool, name string, sizeMiB int64, token string) {
	t.Helper()
	require.NoError(t, createVolume(ctx, c, pool, name, sizeMiB))
	if token != "" {
		require.NoError(t, srv.WriteContent(name, token))
	}
}

// ensureHost is LXD's ensureHost with the SDK's Hosts.EnsureByInitiator:
// find the host by initiator, else create it (iSCSI or NVMe by the
// initiator's form); a host of that name with other initiators is a
// conflict (LXD swallows EXISTENT_HOST and would use it).
func ensureHost(ctx context.Context, c *alletra.Client, name, initiator string) (*alletra.Host, error) {
	h, _, err := c.Hosts.EnsureByInitiator(ctx, name, initiator)
	return h, err
}

// export is LXD's ConnectHostToVolume: a vLUN with an automatic LUN.
func export(ctx context.Context, c *alletra.Client, volume, host string) (*alletra.VLUN, error) {
	return c.VLUNs.Create(ctx, &alletra.VLUNCreateRequest{VolumeName: volume, HostName: host, AutoLUN: true})
}

// unexport is LXD's DisconnectHostFromVolume done right, with
// VLUNs.DeleteForHost: the template vLUN of this volume for this host (not
// members[0]), deleted by its LUN. No such vLUN gives ErrNotFound.
func unexport(ctx context.Context, c *alletra.Client, volume, host string) error {
	return c.VLUNs.DeleteForHost(ctx, volume, host)
}

// deleteVolume is LXD's DeleteVolume with Volumes.DeleteFromSet: leave the
// pool's set (not a member counts as left), then delete with the snapshots
// (the array's ?cascade=true, with a children-first fallback). Not-found is
// ignored, so it is idempotent.
func deleteVolume(ctx context.Context, c *alletra.Client, pool, name string) error {
	if err := c.Volumes.DeleteFromSet(ctx, pool, name); err != nil && !errors.Is(err, alletra.ErrNotFound) {
		return err
	}
	return nil
}

// snapshotNames returns the names of vs.
func snapshotNames(vs []alletra.Volume) []string {
	out := make([]string, 0, len(vs))
	for _, v := range vs {
		out = append(out, v.Name)
	}
	return out
}

// vlunsOf returns the simulator's vLUN records of volume.
func vlunsOf(srv *alletratest.Server, volume string) []alletratest.VLUNState {
	var out []alletratest.VLUNState
	for _, l := range srv.VLUNs() {
		if l.VolumeName == volume {
			out = append(out, l)
		}
	}
	return out
}

// flowTransport wraps the HTTP transport of a client. It records
// "METHOD path" of every request, can pause task polls (GET /tasks/{id})
// until the test lets them go on, can rewrite the Content-Type of answers
// (a proxy adding "; charset=utf-8"), and can ask for gzip itself so that the
// compressed body reaches the SDK.
type flowTransport struct {
	base http.RoundTripper

	// polls, when set, receives a channel for every task poll answered by
	// the array; the poll returns to the client when the test closes it.
	polls chan chan struct{}
	// contentType, when set, replaces the Content-Type of JSON answers.
	contentType string
	// askGzip sends Accept-Encoding: gzip explicitly (the SDK then sees the
	// compressed body, not one the transport already inflated).
	askGzip bool

	mu      sync.Mutex
	paths   []string
	gzipped int
}

// RoundTrip implements http.RoundTripper.
func (f *flowTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	f.mu.Lock()
	f.paths = append(f.paths, req.Method+" "+req.URL.EscapedPath())
	f.mu.Unlock()
	if f.askGzip {
		req = req.Clone(req.Context())
		req.Header.Set("Accept-Encoding", "gzip")
	}
	resp, err := f.base.RoundTrip(req)
	if err != nil {
		return resp, err
	}
	if resp.Header.Get("Content-Encoding") == "gzip" {
		f.mu.Lock()
		f.gzipped++
		f.mu.Unlock()
	}
	if f.contentType != "" && strings.HasPrefix(resp.Header.Get("Content-Type"), "application/json") {
		resp.Header.Set("Content-Type", f.contentType)
	}
	if f.polls != nil && req.Method == http.MethodGet && strings.HasPrefix(req.URL.Path, "/api/v1/tasks/") {
		done := make(chan struct{})
		select {
		case f.polls <- done:
			select {
			case <-done:
			case <-req.Context().Done():
			}
		case <-req.Context().Done():
		}
	}
	return resp, nil
}

// CloseIdleConnections lets Client.Close release the wrapped transport's connections.
func (f *flowTransport) CloseIdleConnections() {
	if ci, ok := f.base.(interface{ CloseIdleConnections() }); ok {
		ci.CloseIdleConnections()
	}
}

// sent returns the recorded requests matching prefix ("DELETE /api/v1/vluns/").
func (f *flowTransport) sent(prefix string) []string {
	f.mu.Lock()
	defer f.mu.Unlock()
	var out []string
	for _, p := range f.paths {
		if strings.HasPrefix(p, prefix) {
			out = append(out, p)
		}
	}
	return out
}

// driveTask runs op in a goroutine and calls onPoll(n) while the client's
// n-th task poll is paused (the array has answered; the client has not seen
// it yet), until op returns. It returns op's error and the number of polls.
func driveTask(t *testing.T, ctx context.Context, polls chan chan struct{}, op func() error, onPoll func(n int)) (int, error) {
	t.Helper()
	result := make(chan error, 1)
	go func() { result <- op() }()
	for n := 1; ; n++ {
		select {
		case done := <-polls:
			onPoll(n)
			close(done)
		case err := <-result:
			return n - 1, err
		case <-ctx.Done():
			t.Fatalf("task flow did not finish: %v", ctx.Err())
		}
	}
}
