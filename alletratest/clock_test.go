package alletratest_test

import (
	"testing"
	"time"

	"github.com/stretchr/testify/assert"

	"github.com/openalletra/go-alletra/alletratest"
)

func TestManualClock(t *testing.T) {
	t.Parallel()
	start := time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC)
	clk := alletratest.NewManualClock(start)
	var _ alletratest.Clock = clk
	assert.Equal(t, start, clk.Now())
	clk.Advance(time.Minute)
	assert.Equal(t, start.Add(time.Minute), clk.Now())
	clk.Set(start)
	assert.Equal(t, start, clk.Now())
}
