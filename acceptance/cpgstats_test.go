package acceptance_test

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	alletra "github.com/openalletra/go-alletra"
	"github.com/openalletra/go-alletra/alletratest"
)

// CPG statistics on the simulator: samples of the CPG, versus time.
func TestCPGStatsOnSimulator(t *testing.T) {
	t.Parallel()
	ctx := flowCtx(t)
	srv := alletratest.NewTestServer(t)
	c := flowClient(t, srv)
	defer closeFlow(t, srv, c)

	st, err := c.System.CPGStats(ctx, flowCPG, &alletra.CPGStatsOptions{Resolution: alletra.ResolutionHourly})
	require.NoError(t, err)
	require.NotEmpty(t, st)
	for _, s := range st {
		assert.NotZero(t, s.SampleTimeSec)
		require.NotNil(t, s.IO)
	}
	assert.Equal(t, 1, srv.Requests("GET", "/api/v1/systemreporter/vstime/cpgstatistics/hourly;name:"+flowCPG))
}
