package main

import (
	"bufio"
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/openalletra/go-alletra/alletratest"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// readmeMarker precedes each ```sh block of the README that this test runs.
const readmeMarker = "<!-- readme-test"

// readmeURL is the simulator address the README's blocks use; the test
// points them at its own simulator instead.
const readmeURL = "http://127.0.0.1:18080"

// readmeBlocks returns the README's ```sh blocks marked with readmeMarker.
func readmeBlocks(t *testing.T, readme []byte) []string {
	t.Helper()
	var blocks []string
	var cur *strings.Builder
	marked := false
	s := bufio.NewScanner(bytes.NewReader(readme))
	for s.Scan() {
		line := s.Text()
		switch {
		case cur != nil && strings.HasPrefix(line, "```"):
			blocks = append(blocks, cur.String())
			cur = nil
		case cur != nil:
			cur.WriteString(line + "\n")
		case strings.HasPrefix(line, readmeMarker):
			marked = true
		case marked && line == "```sh":
			cur, marked = &strings.Builder{}, false
		case marked && strings.TrimSpace(line) != "":
			t.Fatalf("README: %q must come right before a ```sh block, not before %q", readmeMarker, line)
		}
	}
	require.NoError(t, s.Err())
	require.Nil(t, cur, "README: an unterminated ```sh block")
	return blocks
}

// TestREADMEShellBlocksRunTwice runs the README's marked shell blocks, in
// order, each twice in a row, against a simulator (plain HTTP on loopback, the
// README's default credentials), with the built alletractl as ./alletractl.
// Every command must succeed both times: what the README shows works again
// and again.
func TestREADMEShellBlocksRunTwice(t *testing.T) {
	readme, err := os.ReadFile(filepath.Join("..", "..", "README.md"))
	require.NoError(t, err)
	blocks := readmeBlocks(t, readme)
	require.GreaterOrEqual(t, len(blocks), 2, "README: no blocks marked %q", readmeMarker)

	srv := alletratest.NewTestServer(t, alletratest.WithPlainHTTP())
	dir := t.TempDir()
	require.NoError(t, os.Symlink(binary, filepath.Join(dir, "alletractl")))
	_, jqErr := exec.LookPath("jq")
	// One shell for all blocks, as in one terminal: the first block's
	// export holds for the next. Each block runs twice in a row (a pipeline
	// that empties what it reads meets nothing the second time), and the
	// whole script twice. pipefail: a failing alletractl on the left of a
	// pipe fails the pipeline.
	var script strings.Builder
	script.WriteString("set -euo pipefail\n")
	for i, block := range blocks {
		require.Contains(t, block, "./alletractl", "block %d runs no alletractl", i)
		block = strings.ReplaceAll(block, readmeURL, srv.URL)
		for range 2 {
			for l := range strings.Lines(block) {
				if jqErr != nil && strings.Contains(l, "jq ") {
					t.Logf("jq is not installed: skipping %s", strings.TrimSpace(l))
					continue
				}
				script.WriteString(l)
			}
		}
	}
	for run := 1; run <= 2; run++ {
		cmd := exec.Command("bash", "-c", script.String())
		cmd.Dir = dir
		cmd.Env = []string{"PATH=" + os.Getenv("PATH"), "HOME=" + dir}
		out, err := cmd.CombinedOutput()
		require.NoError(t, err, "run %d of the README's blocks:\n%s\noutput:\n%s", run, script.String(), out)
		assert.Contains(t, string(out), "vol1", "run %d: the blocks list vol1", run)
	}
	// the blocks did what they say
	_, ok := srv.Volume("vol1")
	assert.True(t, ok)
	_, ok = srv.Host("node1")
	assert.True(t, ok, "the hosts stay")
}

func TestREADMEBlocksAreFound(t *testing.T) {
	blocks := readmeBlocks(t, []byte("text\n<!-- readme-test -->\n```sh\na\nb\n```\n```sh\nnot marked\n```\n"+
		"<!-- readme-test: why -->\n\n```sh\nc\n```\n"))
	assert.Equal(t, []string{"a\nb\n", "c\n"}, blocks)
}
