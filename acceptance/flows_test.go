package acceptance_test

// The LXD acceptance flows on the simulator, flows 1 to 5. Each flow
// uses the SDK the way LXD's alletra driver would and checks the array's
// state after each step through the simulator's accessors. Flows 6-9 are in
// flows_hosts_test.go, 10-14 in flows_copies_test.go, 15-18 in
// flows_misc_test.go; the helpers in flows_helpers_test.go.

import (
	"context"
	"encoding/json"
	"net/http"
	"regexp"
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

// parallelGETs runs n GETs spread over the clients and returns the errors.
func parallelGETs(ctx context.Context, n int, clients ...*alletra.Client) []error {
	var wg sync.WaitGroup
	errs := make([]error, n)
	for i := range n {
		wg.Go(func() {
			_, errs[i] = clients[i%len(clients)].System.Get(ctx)
		})
	}
	wg.Wait()
	return errs
}

// Flow 1. Adaptation: the flow asks for two session keys; here they are two
// one-key clients, each with at most one live key at any time (a pooled
// client, WithSessions(n), is tested in sessions_test.go).
func TestFlowSessions(t *testing.T) {
	t.Parallel()
	ctx := flowCtx(t)
	clk := alletratest.NewManualClock(time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC))
	// The array serialises the requests that share a key, as real ones do.
	srv := alletratest.NewTestServer(t, alletratest.WithClock(clk), alletratest.WithSerializedSessions())
	c1, c2 := flowClient(t, srv), flowClient(t, srv)
	assert.Equal(t, 0, srv.Stats().Logins, "clients log in lazily")

	// (2) 50 GETs in parallel: one login per client, never more keys.
	for _, err := range parallelGETs(ctx, 50, c1, c2) {
		require.NoError(t, err)
	}
	st := srv.Stats()
	assert.Equal(t, 2, st.Logins, "one key per client, logged in once (single flight)")
	assert.Equal(t, 2, st.LiveSessions)
	assert.Equal(t, 50, srv.Requests("GET", "/api/v1/system"))

	// (3) 16 minutes idle: the array forgets both keys.
	clk.Advance(16 * time.Minute)
	assert.Equal(t, 0, srv.Sessions(), "idle keys expire after 15 minutes")

	// (4) 50 GETs: exactly one re-login per client, and no GET fails.
	for _, err := range parallelGETs(ctx, 50, c1, c2) {
		require.NoError(t, err)
	}
	st = srv.Stats()
	assert.Equal(t, 4, st.Logins, "exactly one re-login per client after expiry")
	assert.Equal(t, 2, st.LiveSessions)
	assert.Equal(t, 0, st.FailedLogins)

	// The same after the array drops every key at once (403 code 6 on use).
	srv.ExpireSessions()
	for _, err := range parallelGETs(ctx, 50, c1, c2) {
		require.NoError(t, err)
	}
	st = srv.Stats()
	assert.Equal(t, 6, st.Logins, "exactly one re-login per client after the keys were dropped")
	assert.Equal(t, 2, st.LiveSessions)

	// (5) Close: both keys are deleted on the array.
	closeFlow(t, srv, c1, c2)
	assert.Equal(t, 2, srv.Stats().Logouts)
	assert.Equal(t, 2, srv.Requests("DELETE", "/api/v1/credentials/{key}"))
}

// Flow 1, second part: with a key limit of 1, a second client's login fails
// promptly with a typed ErrSessionLimit, not a hang.
func TestFlowSessionsLimit(t *testing.T) {
	t.Parallel()
	ctx := flowCtx(t)
	srv := alletratest.NewTestServer(t, alletratest.WithSessionLimit(1))
	c1, c2 := flowClient(t, srv), flowClient(t, srv)
	_, err := c1.System.Get(ctx)
	require.NoError(t, err)

	start := time.Now()
	_, err = c2.System.Get(ctx)
	require.Error(t, err)
	assert.ErrorIs(t, err, alletra.ErrSessionLimit)
	assert.NotErrorIs(t, err, context.DeadlineExceeded)
	assert.Less(t, time.Since(start), 5*time.Second, "a full session table is reported promptly")
	assert.Equal(t, 1, srv.Sessions())
	assert.Equal(t, 1, srv.Stats().FailedLogins, "a login refused for the session limit is not retried")
	assert.Equal(t, 1, srv.Requests("GET", "/api/v1/system"), "the second client's GET was never sent")

	// Once the first client has logged out, the second one gets its key.
	require.NoError(t, c1.Close(ctx))
	_, err = c2.System.Get(ctx)
	require.NoError(t, err)
	closeFlow(t, srv, c2)
}

// Flow 2.
func TestFlowPoolLifecycle(t *testing.T) {
	t.Parallel()
	ctx := flowCtx(t)
	srv := alletratest.NewTestServer(t)
	c := flowClient(t, srv)

	// (1) CreateVolumeSet("pool1").
	require.NoError(t, createPool(ctx, c, flowPool))
	set, ok := srv.VolumeSet(flowPool)
	require.True(t, ok)
	assert.Equal(t, flowPoolComment, set.Comment)
	assert.Empty(t, set.Members)

	// (2) Again: AlreadyExists (409/101), and the set is untouched.
	err := createPool(ctx, c, flowPool)
	require.ErrorIs(t, err, alletra.ErrAlreadyExists)
	var apiErr *alletra.APIError
	require.ErrorAs(t, err, &apiErr)
	assert.Equal(t, 409, apiErr.StatusCode)
	assert.Equal(t, alletra.CodeExistentSet, apiErr.Code)
	assert.Len(t, srv.VolumeSets(), 1)
	got, err := c.VolumeSets.Get(ctx, flowPool)
	require.NoError(t, err)
	assert.Equal(t, flowPoolComment, got.Comment)

	// (3) DeleteVolumeSet: gone.
	require.NoError(t, c.VolumeSets.Delete(ctx, flowPool))
	_, ok = srv.VolumeSet(flowPool)
	assert.False(t, ok)

	// (4) Again: NotFound (404/102).
	err = c.VolumeSets.Delete(ctx, flowPool)
	require.ErrorIs(t, err, alletra.ErrNotFound)
	require.ErrorAs(t, err, &apiErr)
	assert.Equal(t, alletra.CodeNonExistentSet, apiErr.Code)
	assert.Empty(t, srv.VolumeSets())
	closeFlow(t, srv, c)
}

// Flow 3. Adaptation: the flow's "Base32" scheme does not exist; the SDK's
// short scheme is naming.Compact, so Compact stands for both.
func TestFlowNamingAndLimits(t *testing.T) {
	t.Parallel()
	ctx := flowCtx(t)

	// LXD reproduces the golden vectors of LXD's driver_pure_util_test.go.
	const uuid, snapUUID = "a5289556-c903-409a-8aa0-4af18a46738d", "fd87f109-767d-4f2f-ae18-66c34276f351"
	for _, g := range []struct {
		v    naming.Volume
		want string
	}{
		{naming.Volume{Type: naming.VirtualMachine, Content: naming.Block, UUID: uuid}, "v-a5289556c903409a8aa04af18a46738d-b"},
		{naming.Volume{Type: naming.Custom, Content: naming.ISO, UUID: uuid}, "u-a5289556c903409a8aa04af18a46738d-i"},
		{naming.Volume{Type: naming.Container, Content: naming.Filesystem, UUID: snapUUID, Snapshot: true}, "sc-fd87f109767d4f2fae1866c34276f351"},
	} {
		got, err := naming.LXD(g.v)
		require.NoError(t, err)
		assert.Equal(t, g.want, got)
	}

	// Parse(Format(x)) == x for every type, content and snapshot, both schemes.
	var lxdNames, compactNames []string
	for _, typ := range []naming.VolumeType{naming.Container, naming.VirtualMachine, naming.Image, naming.Custom} {
		for _, content := range []naming.ContentType{naming.Filesystem, naming.Block, naming.ISO} {
			for _, snap := range []bool{false, true} {
				v := naming.Volume{Type: typ, Content: content, UUID: uuid, Snapshot: snap}
				for _, format := range []func(naming.Volume) (string, error){naming.LXD, naming.Compact} {
					name, err := format(v)
					require.NoError(t, err)
					back, err := naming.Parse(name)
					require.NoError(t, err, name)
					assert.Equal(t, v, back, name)
				}
				l, _ := naming.LXD(v)
				cpt, _ := naming.Compact(v)
				lxdNames, compactNames = append(lxdNames, l), append(compactNames, cpt)
			}
		}
	}

	// Parse rejects what neither scheme produces.
	for _, bad := range []string{
		"lxd-reverter-snapshot",
		"c-" + strings.Repeat("a", 31),
		"x-a5289556c903409a8aa04af18a46738d",
		"c-a5289556c903409a8aa04af18a46738db",
	} {
		_, err := naming.Parse(bad)
		assert.ErrorIs(t, err, naming.ErrNotVolumeName, bad)
	}

	// With MaxNameLen=31 on the client, LXD names fail client-side with
	// NameTooLong and make zero HTTP calls (not even a login). The array
	// keeps name31, as 3PAR-era builds do (the default Alletra MP build
	// takes longer names).
	srv := alletratest.NewTestServer(t, alletratest.WithMaxNameLength(31))
	strict := flowClient(t, srv, alletra.WithMaxNameLength(naming.MaxNameLen))
	for _, name := range lxdNames {
		require.Greater(t, len(name), naming.MaxNameLen)
		err := strict.Volumes.Create(ctx, &alletra.VolumeCreateRequest{Name: name, CPG: flowCPG, SizeMiB: 256})
		require.ErrorIs(t, err, alletra.ErrNameTooLong, name)
		var ve *alletra.ValidationError
		assert.ErrorAs(t, err, &ve)
	}
	st := srv.Stats()
	assert.Zero(t, st.Logins)
	assert.Empty(t, st.Requests, "no request reached the array")

	// Compact names fit in 31 characters and the simulated array (limit
	// 31) accepts them, through the strict client.
	for _, name := range compactNames {
		require.LessOrEqual(t, len(name), naming.MaxNameLen, name)
		require.NoError(t, strict.Volumes.Create(ctx, &alletra.VolumeCreateRequest{Name: name, CPG: flowCPG, SizeMiB: 256}), name)
		_, ok := srv.Volume(name)
		assert.True(t, ok, name)
	}

	// A client without a limit sends the 34-character name; the array
	// refuses it with 400/57, typed NameTooLong, and creates nothing.
	loose := flowClient(t, srv)
	long := "c-5a2504b06a6c48498ee7ddb0b674fd14"
	require.Len(t, long, 34)
	err := loose.Volumes.Create(ctx, &alletra.VolumeCreateRequest{Name: long, CPG: flowCPG, SizeMiB: 256})
	require.ErrorIs(t, err, alletra.ErrNameTooLong)
	var apiErr *alletra.APIError
	require.ErrorAs(t, err, &apiErr)
	assert.Equal(t, 400, apiErr.StatusCode)
	assert.Equal(t, alletra.CodeInvalidInputExceedsLength, apiErr.Code)
	assert.Equal(t, 1, srv.Requests("POST", "/api/v1/volumes")-len(compactNames), "a 400 is not retried")
	_, ok := srv.Volume(long)
	assert.False(t, ok)

	// And literally on the wire, without the SDK: 400 with code 57.
	status, body := rawPOST(t, ctx, srv, "/api/v1/volumes", `{"name":"`+long+`","cpg":"`+flowCPG+`","sizeMiB":256,"tpvv":true}`)
	assert.Equal(t, 400, status)
	assert.EqualValues(t, alletra.CodeInvalidInputExceedsLength, body["code"])
	assert.Len(t, srv.Volumes(), len(compactNames))
	closeFlow(t, srv, strict, loose)
}

// rawPOST logs in to srv with net/http alone, POSTs body to path, logs out
// and returns the answer's status and decoded JSON body.
func rawPOST(t *testing.T, ctx context.Context, srv *alletratest.Server, path, body string) (int, map[string]any) {
	t.Helper()
	hc := srv.HTTPClient()
	defer hc.CloseIdleConnections()
	send := func(method, path, key, body string) (*http.Response, map[string]any) {
		req, err := http.NewRequestWithContext(ctx, method, srv.URL+path, strings.NewReader(body))
		require.NoError(t, err)
		req.Header.Set("Content-Type", "application/json")
		if key != "" {
			req.Header.Set(alletratest.SessionHeader, key)
		}
		resp, err := hc.Do(req)
		require.NoError(t, err)
		defer resp.Body.Close()
		var out map[string]any
		_ = json.NewDecoder(resp.Body).Decode(&out)
		return resp, out
	}
	resp, login := send(http.MethodPost, "/api/v1/credentials", "",
		`{"user":"`+srv.Username()+`","password":"`+srv.Password()+`"}`)
	require.Equal(t, http.StatusCreated, resp.StatusCode)
	key, _ := login["key"].(string)
	require.NotEmpty(t, key)
	defer func() {
		resp, _ := send(http.MethodDelete, "/api/v1/credentials/"+key, "", "")
		assert.Equal(t, http.StatusOK, resp.StatusCode)
	}()
	resp, out := send(http.MethodPost, path, key, body)
	return resp.StatusCode, out
}

var hex32 = regexp.MustCompile(`^[0-9a-fA-F]{32}$`)

// Flow 4.
func TestFlowVolumeCreateRoundGet(t *testing.T) {
	t.Parallel()
	ctx := flowCtx(t)
	srv := alletratest.NewTestServer(t)
	c := flowClient(t, srv)
	require.NoError(t, createPool(ctx, c, flowPool))

	// (1) 1 GB rounds up to 1024 MiB.
	size, err := alletra.VolumeSizeMiB(1_000_000_000)
	require.NoError(t, err)
	assert.EqualValues(t, 1024, size)

	// (2) Create it, thin, in pool1.
	name := flowVol(t, 4, false)
	require.NoError(t, createVolume(ctx, c, flowPool, name, size))
	st, ok := srv.Volume(name)
	require.True(t, ok)
	assert.EqualValues(t, 1024, st.SizeMiB)
	assert.Equal(t, flowCPG, st.CPG)
	assert.Equal(t, alletra.ProvisioningThin, st.ProvisioningType)
	assert.Equal(t, alletra.CopyBase, st.CopyType)
	set, _ := srv.VolumeSet(flowPool)
	assert.Equal(t, []string{name}, set.Members)

	// (3) Get: what the array has.
	v, err := c.Volumes.Get(ctx, name)
	require.NoError(t, err)
	assert.EqualValues(t, 1024, v.SizeMiB)
	assert.Regexp(t, hex32, v.NGUID)
	assert.Equal(t, st.NGUID, v.NGUID)
	assert.NotEmpty(t, v.WWN)
	assert.Equal(t, st.WWN, v.WWN)
	assert.Equal(t, alletra.ProvisioningThin, v.ProvisioningType)
	byWWN, err := c.Volumes.FindByWWN(ctx, v.WWN)
	require.NoError(t, err)
	assert.Equal(t, name, byWWN.Name)

	// LXD's truncation (953 MiB) leaves 1024 MiB on the array, and the SDK
	// reports the effective size, not the requested one.
	trunc := flowVol(t, 40, false)
	require.NoError(t, createVolume(ctx, c, flowPool, trunc, 1_000_000_000/alletra.MiB))
	st, _ = srv.Volume(trunc)
	assert.EqualValues(t, 1024, st.SizeMiB)
	v, err = c.Volumes.Get(ctx, trunc)
	require.NoError(t, err)
	assert.EqualValues(t, 1024, v.SizeMiB)
	closeFlow(t, srv, c)
}

// Flow 5.
func TestFlowIdempotentCreate(t *testing.T) {
	t.Parallel()
	ctx := flowCtx(t)
	srv := alletratest.NewTestServer(t)
	c := flowClient(t, srv)
	require.NoError(t, createPool(ctx, c, flowPool))

	// Both writes are committed, and their answers lost.
	srv.InjectFault("POST", "/api/v1/volumes", alletratest.Fault{Kind: alletratest.FaultCommitThenDrop})
	srv.InjectFault("PUT", "/api/v1/volumesets/{name}", alletratest.Fault{Kind: alletratest.FaultCommitThenDrop})
	name := flowVol(t, 5, false)
	require.NoError(t, createVolume(ctx, c, flowPool, name, 1024))

	assert.Len(t, srv.Volumes(), 1, "one volume, no orphan")
	st, ok := srv.Volume(name)
	require.True(t, ok)
	assert.EqualValues(t, 1024, st.SizeMiB)
	set, _ := srv.VolumeSet(flowPool)
	assert.Equal(t, []string{name}, set.Members, "in the set exactly once")
	assert.Equal(t, 2, srv.Requests("POST", "/api/v1/volumes"), "the create was retried once, then reconciled")
	assert.Equal(t, 2, srv.Requests("PUT", "/api/v1/volumesets/{name}"), "the add was retried once (MEMBER_IN_SET is success)")

	// A volume of that name with another size already exists: the lost
	// answer is retried, the retry meets EXISTENT_VOL, and the reconcile
	// finds a spec mismatch: AlreadyExists, and nothing changes.
	other := flowVol(t, 50, false)
	require.NoError(t, c.Volumes.Create(ctx, &alletra.VolumeCreateRequest{Name: other, CPG: flowCPG, SizeMiB: 2048}))
	srv.InjectFault("POST", "/api/v1/volumes", alletratest.Fault{Kind: alletratest.FaultCommitThenDrop})
	gets := srv.Requests("GET", "/api/v1/volumes/{name}")
	err := createVolume(ctx, c, flowPool, other, 1024)
	require.ErrorIs(t, err, alletra.ErrAlreadyExists)
	require.ErrorIs(t, err, alletra.ErrConflict, "the reconcile found a spec mismatch")
	var apiErr *alletra.APIError
	require.ErrorAs(t, err, &apiErr)
	assert.Equal(t, alletra.CodeExistentVolume, apiErr.Code)
	assert.Equal(t, 1, srv.Requests("GET", "/api/v1/volumes/{name}")-gets, "the existing volume was compared")

	// Without a lost answer, an existing volume is someone else's: plain
	// AlreadyExists, no compare.
	gets = srv.Requests("GET", "/api/v1/volumes/{name}")
	err = c.Volumes.Create(ctx, &alletra.VolumeCreateRequest{Name: other, CPG: flowCPG, SizeMiB: 1024})
	require.ErrorIs(t, err, alletra.ErrAlreadyExists)
	assert.NotErrorIs(t, err, alletra.ErrConflict)
	assert.Equal(t, gets, srv.Requests("GET", "/api/v1/volumes/{name}"))
	st, _ = srv.Volume(other)
	assert.EqualValues(t, 2048, st.SizeMiB, "the other volume is untouched")
	set, _ = srv.VolumeSet(flowPool)
	assert.Equal(t, []string{name}, set.Members, "a failed create adds nothing to the pool")
	assert.Len(t, srv.Volumes(), 2)
	closeFlow(t, srv, c)
}
