package alletra_test

import (
	"context"
	"net/http"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	alletra "github.com/openalletra/go-alletra"
	"github.com/openalletra/go-alletra/alletratest"
)

// holdFirstAnswer passes requests to the simulator, but holds the answer
// to the first GET until a logout went through.
type holdFirstAnswer struct {
	rt         http.RoundTripper
	gets       atomic.Int32
	answered   chan struct{} // closed when the first GET is answered (and held)
	loggedOut  chan struct{} // closed when the first logout is done
	logoutOnce sync.Once
}

func (h *holdFirstAnswer) RoundTrip(req *http.Request) (*http.Response, error) {
	resp, err := h.rt.RoundTrip(req)
	switch {
	case req.Method == http.MethodDelete:
		h.logoutOnce.Do(func() { close(h.loggedOut) })
	case req.Method == http.MethodGet && h.gets.Add(1) == 1:
		close(h.answered)
		<-h.loggedOut
	}
	return resp, err
}

// Close while a call waits out a busy answer: the call must not log in
// again after Close, so no session is left on the array.
func TestCloseWithCallInBackoffLeavesNoSession(t *testing.T) {
	t.Parallel()
	srv := alletratest.NewTestServer(t)
	srv.InjectFault(http.MethodGet, "/api/v1/volumes/{name}", alletratest.Fault{Kind: alletratest.FaultStatus,
		Status: http.StatusServiceUnavailable, Code: int(alletra.CodeSystemBusy), Times: 1})
	// Close waits this long for the call, then gives up and logs out.
	closeCtx, cancel := context.WithTimeout(context.Background(), 100*time.Millisecond)
	defer cancel()
	h := &holdFirstAnswer{rt: srv.HTTPClient().Transport, answered: make(chan struct{}), loggedOut: make(chan struct{})}
	c, err := alletra.NewClient(srv.URL, srv.Username(), srv.Password(),
		alletra.WithHTTPClient(&http.Client{Transport: h}), alletra.WithRetry(3, time.Millisecond, time.Millisecond))
	require.NoError(t, err)
	got := make(chan error, 1)
	go func() {
		_, err := c.Volumes.Get(context.Background(), "nope")
		got <- err
	}()
	<-h.answered // the busy answer is held until Close has logged out
	closeErr := c.Close(closeCtx)
	err = <-got
	assert.Equal(t, 0, srv.Sessions(), "no session left after Close (call: %v, Close: %v)", err, closeErr)
	assert.Equal(t, 1, srv.Stats().Logins, "no login after Close")
	assert.ErrorIs(t, err, alletra.ErrClosed, "the call still in flight when Close's context ended")
}
