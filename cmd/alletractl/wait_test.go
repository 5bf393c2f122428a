package main

import (
	"bytes"
	"context"
	"io"
	"strings"
	"sync"
	"testing"
	"time"

	alletra "github.com/openalletra/go-alletra"
	"github.com/openalletra/go-alletra/alletratest"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// termBuffer stands in for a terminal: it records writes and signals each.
type termBuffer struct {
	mu     sync.Mutex
	buf    bytes.Buffer
	writes chan struct{}
}

func (b *termBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	n, err := b.buf.Write(p)
	select {
	case b.writes <- struct{}{}:
	default:
	}
	return n, err
}

func (b *termBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

// TestWaitDrawsAProgressLineOnATerminal runs alletractl in process with a
// stderr that claims to be a terminal, on a simulator whose clock only moves
// when the test says so.
func TestWaitDrawsAProgressLineOnATerminal(t *testing.T) {
	clk := alletratest.NewManualClock(time.Now())
	srv := alletratest.NewTestServer(t, alletratest.WithClock(clk), alletratest.WithTaskDuration(time.Hour),
		alletratest.WithPlainHTTP())
	c, err := srv.Client()
	require.NoError(t, err)
	ctx := context.Background()
	require.NoError(t, c.Volumes.Create(ctx, &alletra.VolumeCreateRequest{Name: "vol1", CPG: "SSD_r6", SizeMiB: 1024}))
	require.NoError(t, c.Snapshots.Create(ctx, "vol1", &alletra.SnapshotCreateRequest{Name: "s1"}))
	require.NoError(t, c.Close(ctx))

	var stdout bytes.Buffer
	stderr := &termBuffer{writes: make(chan struct{}, 1)}
	vars := map[string]string{"ALLETRA_URL": srv.URL, "ALLETRA_USER": srv.Username(), "ALLETRA_PASSWORD": srv.Password()}
	e := &env{stdin: strings.NewReader(""), stdout: &stdout, stderr: stderr,
		getenv: func(k string) string { return vars[k] },
		isTerm: func(w io.Writer) bool { return w == io.Writer(stderr) }}
	done := make(chan int, 1)
	go func() { done <- run(ctx, []string{"snapshot", "restore", "s1", "--wait", "-o", "name"}, e) }()

	deadline := time.After(30 * time.Second)
	for !strings.Contains(stderr.String(), "ACTIVE") {
		select {
		case <-stderr.writes:
		case <-deadline:
			t.Fatalf("no progress line; stderr: %q", stderr.String())
		}
	}
	assert.Regexp(t, `\r\x1b\[Ktask 1  \d+s  ACTIVE`, stderr.String())
	clk.Advance(2 * time.Hour)
	select {
	case code := <-done:
		assert.Equal(t, exitOK, code, stderr.String())
	case <-time.After(30 * time.Second):
		t.Fatal("the wait did not end after the task did")
	}
	assert.Equal(t, "1\n", stdout.String())
	assert.True(t, strings.HasSuffix(stderr.String(), "\r\x1b[K"), "the line is cleared at the end")
	assert.NotContains(t, stderr.String(), srv.Password())
}

func TestProgressLine(t *testing.T) {
	assert.Equal(t, "task 4  3s", progressLine(4, 3500*time.Millisecond, nil))
	task := &alletra.Task{ID: 4, Status: alletra.TaskActive, CompletedPhases: 1, TotalPhases: 3,
		CompletedSteps: 20, TotalSteps: 100}
	assert.Equal(t, "task 4  1m5s  ACTIVE  phase 1/3, step 20/100", progressLine(4, 65*time.Second, task))
}
