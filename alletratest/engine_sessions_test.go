package alletratest

import (
	"net/http"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestLoginAndAuth(t *testing.T) {
	t.Parallel()
	c := newTC(t, simConfig{})
	r := c.raw("", "POST", "/api/v1/credentials", map[string]any{"user": "3paradm", "password": "nope"})
	require.Equal(t, 403, r.status)
	assert.Equal(t, codeInvalidUserPass, r.code(t))

	r = c.raw("", "GET", "/api/v1/system", nil)
	require.Equal(t, 403, r.status)
	assert.Equal(t, codeInvalidSessionKey, r.code(t))
	r = c.raw("bogus", "GET", "/api/v1/system", nil)
	assert.Equal(t, codeInvalidSessionKey, r.code(t))

	// The header name is case-insensitive.
	req, _ := http.NewRequest("GET", c.srv.URL+"/api/v1/system", nil)
	req.Header["x-hp3par-wsapi-sessionkey"] = []string{c.key}
	req.Header.Set("X-Hp3Par-Wsapi-Sessionkey", c.key)
	res, err := c.hc.Do(req)
	require.NoError(t, err)
	res.Body.Close()
	assert.Equal(t, 200, res.StatusCode)

	c.fails(400, codeMissingRequired, "POST", "/credentials", map[string]any{"user": "x"})
	st := c.srv.Engine.Stats()
	assert.Equal(t, 1, st.Logins)
	assert.Equal(t, 1, st.FailedLogins)
	assert.Equal(t, 1, st.LiveSessions)
}

func TestAPIVersionNeedsSessionOnNewBuilds(t *testing.T) {
	t.Parallel()
	c := newTC(t, simConfig{})
	r := c.raw("", "GET", "/api", nil)
	require.Equal(t, 403, r.status)
	r = c.raw(c.key, "GET", "/api", nil)
	require.Equal(t, 200, r.status)
	assert.Equal(t, map[string]any{"major": 1.0, "minor": 15.0, "revision": 0.0, "build": 100500031.0}, r.json(t))

	old := newTC(t, simConfig{Build: 40202010})
	r = old.raw("", "GET", "/api", nil)
	require.Equal(t, 200, r.status)
	assert.EqualValues(t, 40202010, r.json(t)["build"])
}

func TestSessionIdleExpiry(t *testing.T) {
	t.Parallel()
	clk := NewManualClock(epoch)
	c := newTC(t, simConfig{Clock: clk})
	c.ok(200, "GET", "/system", nil)
	clk.Advance(14 * time.Minute)
	c.ok(200, "GET", "/system", nil) // use refreshes the idle timer
	clk.Advance(14 * time.Minute)
	c.ok(200, "GET", "/system", nil)
	clk.Advance(16 * time.Minute)
	assert.Equal(t, 0, c.srv.Engine.Sessions())
	c.fails(403, codeInvalidSessionKey, "GET", "/system", nil)
}

func TestSessionLimitAndLogout(t *testing.T) {
	t.Parallel()
	c := newTC(t, simConfig{SessionLimit: 2})
	second := c.login()
	r := c.raw("", "POST", "/api/v1/credentials", map[string]any{"user": defaultUser, "password": defaultPassword})
	require.Equal(t, 503, r.status)
	m := r.json(t)
	assert.EqualValues(t, codeServiceUnavailable, m["code"])
	assert.Contains(t, m["desc"], "Maximum number of WSAPI connections")

	r = c.raw("", "DELETE", "/api/v1/credentials/"+second, nil)
	require.Equal(t, 200, r.status)
	assert.Empty(t, r.body)
	assert.Empty(t, r.header.Get("Content-Type"))
	r = c.raw("", "DELETE", "/api/v1/credentials/"+second, nil)
	require.Equal(t, 403, r.status)
	assert.Equal(t, codeInvalidSessionKey, r.code(t))
	c.login() // room again
	assert.Equal(t, 2, c.srv.Engine.Sessions())
	c.srv.Engine.ExpireSessions()
	assert.Equal(t, 0, c.srv.Engine.Sessions())
	c.fails(403, codeInvalidSessionKey, "GET", "/system", nil)
	assert.Equal(t, 1, c.srv.Engine.Stats().Logouts)
}

func TestLogoutWhileKeyInUse(t *testing.T) {
	t.Parallel()
	c := newTC(t, simConfig{})
	c.srv.Engine.InjectFault("GET", "/api/v1/system", Fault{Kind: FaultDelay, Delay: 300 * time.Millisecond})
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		c.ok(200, "GET", "/system", nil)
	}()
	require.Eventually(t, func() bool {
		c.srv.Engine.mu.Lock()
		defer c.srv.Engine.mu.Unlock()
		s := c.srv.Engine.sessions[c.key]
		return s != nil && s.inflight > 0
	}, 5*time.Second, time.Millisecond)
	r := c.raw("", "DELETE", "/api/v1/credentials/"+c.key, nil)
	require.Equal(t, 409, r.status)
	assert.Equal(t, codeInUse, r.code(t))
	wg.Wait()
	r = c.raw("", "DELETE", "/api/v1/credentials/"+c.key, nil)
	assert.Equal(t, 200, r.status)
}

func TestSerializedSessions(t *testing.T) {
	t.Parallel()
	c := newTC(t, simConfig{SerializedSessions: true})
	c.srv.Engine.ResetStats()
	c.srv.Engine.InjectFault("GET", "/api/v1/system", Fault{Kind: FaultDelay, Delay: 20 * time.Millisecond, Times: -1})
	start := time.Now()
	var wg sync.WaitGroup
	for range 5 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			c.ok(200, "GET", "/system", nil)
		}()
	}
	wg.Wait()
	assert.GreaterOrEqual(t, time.Since(start), 100*time.Millisecond, "requests on one key must not overlap")
	// All five are in the handler at once, but they run one at a time; a
	// different key is not blocked.
	assert.Equal(t, 5, c.srv.Engine.Requests("GET", "/api/v1/system"))
	c.srv.Engine.ClearFaults()
	other := c.login()
	r := c.raw(other, "GET", "/api/v1/system", nil)
	assert.Equal(t, 200, r.status)
}

// An edition of the WSAPI guide gives 31 SVC_UNAVAIL (503) for "maximum
// connections reached".
func TestLoginSessionLimitIsCode31(t *testing.T) {
	t.Parallel()
	c := newTC(t, simConfig{SessionLimit: 1})
	r := c.raw("", "POST", "/api/v1/credentials", map[string]any{"user": defaultUser, "password": defaultPassword})
	require.Equal(t, http.StatusServiceUnavailable, r.status, string(r.body))
	assert.Equal(t, 31, r.code(t))
	assert.Equal(t, "application/json", r.header.Get("Content-Type"))
}
