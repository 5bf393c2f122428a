package main

import (
	"bytes"
	"encoding/json"
	"os"
	"os/exec"
	"testing"
	"time"

	"github.com/openalletra/go-alletra/alletratest"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestSnapshotCreateListDeleteIdempotent(t *testing.T) {
	c := newCLI(t)
	c.ok("volume", "create", "vol1", "--size", "1GiB", "--cpg", "SSD_r6")
	c.ok("snapshot", "create", "s1", "--volume", "vol1")
	c.fails(exitExists, "snapshot", "create", "s1", "--volume", "vol1")
	var again createdVolume
	require.NoError(t, json.Unmarshal([]byte(c.ok("snapshot", "create", "s1", "--volume", "vol1", "--exists-ok", "-o", "json")), &again))
	assert.False(t, again.Created)
	assert.Equal(t, "vol1", again.CopyOf)

	c.ok("volume", "create", "vol2", "--size", "1GiB", "--cpg", "SSD_r6")
	c.fails(exitExists, "snapshot", "create", "vol2", "--volume", "vol1", "--exists-ok") // a base volume, not our snapshot
	c.fails(exitNotFound, "snapshot", "create", "s2", "--volume", "nope")

	assert.Equal(t, "s1\n", c.ok("snapshot", "list", "--volume", "vol1", "-o", "name"))
	c.fails(exitInUse, "volume", "delete", "vol1") // it has a snapshot
	c.fails(exitInUse, "volume", "delete", "vol1", "--missing-ok")
	c.ok("snapshot", "delete", "s1")
	c.ok("snapshot", "delete", "s1", "--missing-ok")
	c.fails(exitNotFound, "snapshot", "delete", "s1")
}

func TestRestoreAndCopyWaitForTheirTasks(t *testing.T) {
	c := newCLI(t)
	c.ok("volume", "create", "vol1", "--size", "1GiB", "--cpg", "SSD_r6")
	c.ok("volume", "create", "vol2", "--size", "1GiB", "--cpg", "SSD_r6")
	c.ok("volume", "create", "small", "--size", "256MiB", "--cpg", "SSD_r6")
	c.ok("snapshot", "create", "s1", "--volume", "vol1")

	o := c.run("snapshot", "restore", "s1", "--wait", "-o", "json")
	require.Equal(t, 0, o.code, o.stderr)
	assert.NotContains(t, o.stderr, "\r", "no progress line when stderr is not a terminal")
	var task taskView
	require.NoError(t, json.Unmarshal([]byte(o.stdout), &task))
	assert.Equal(t, "DONE", task.Status)
	assert.Equal(t, "PROMOTE_SV", task.Type)

	assert.Regexp(t, `^\d+\n$`, c.ok("snapshot", "copy", "vol1", "vol2", "--wait", "-o", "name"))
	c.fails(exitInvalid, "snapshot", "copy", "vol1", "small", "--wait") // smaller destination
	c.fails(exitNotFound, "snapshot", "restore", "nope", "--wait")

	c.srv.FailNextTask()
	c.fails(exitTaskFailed, "snapshot", "copy", "vol1", "vol2", "--wait")
}

func TestRestoreWithoutWaitReturnsOnceTheTaskRuns(t *testing.T) {
	c := newCLI(t, alletratest.WithTaskDuration(time.Hour))
	c.ok("volume", "create", "vol1", "--size", "1GiB", "--cpg", "SSD_r6")
	c.ok("snapshot", "create", "s1", "--volume", "vol1")

	var task taskView
	require.NoError(t, json.Unmarshal([]byte(c.ok("--timeout", "60s", "snapshot", "restore", "s1", "-o", "json")), &task))
	assert.Equal(t, "ACTIVE", task.Status)
	assert.Positive(t, task.ID)
}

func TestCtrlCStopsWaitingAndPrintsTheTaskID(t *testing.T) {
	c := newCLI(t, alletratest.WithTaskDuration(time.Hour))
	c.ok("volume", "create", "vol1", "--size", "1GiB", "--cpg", "SSD_r6")
	c.ok("snapshot", "create", "s1", "--volume", "vol1")
	c.srv.ResetStats()

	cmd := exec.Command(binary, "snapshot", "restore", "s1", "--wait", "-o", "json")
	cmd.Env = c.env
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	require.NoError(t, cmd.Start())
	// The wait has begun once the array has been asked about the task.
	require.Eventually(t, func() bool { return c.srv.Requests("GET", "/api/v1/tasks/{id}") > 0 },
		30*time.Second, 10*time.Millisecond)
	require.NoError(t, cmd.Process.Signal(os.Interrupt))
	err := cmd.Wait()
	var ee *exec.ExitError
	require.ErrorAs(t, err, &ee, "stderr: %s", stderr.String())
	assert.Equal(t, exitInterrupted, ee.ExitCode())
	assert.Contains(t, stderr.String(), "stopped waiting for task 1")
	assert.Contains(t, stderr.String(), "alletractl task wait 1")
	var task taskView
	require.NoError(t, json.Unmarshal(stdout.Bytes(), &task), stdout.String())
	assert.Equal(t, 1, task.ID)
	assert.Equal(t, "ACTIVE", task.Status)
	assert.Zero(t, c.srv.Sessions(), "the interrupted command still logged out")
	c.noSecret(cmd.Args, outcome{stdout: stdout.String(), stderr: stderr.String()})
}

func TestTimeoutStopsAWaitWithExitNine(t *testing.T) {
	c := newCLI(t, alletratest.WithTaskDuration(time.Hour))
	c.ok("volume", "create", "vol1", "--size", "1GiB", "--cpg", "SSD_r6")
	c.ok("snapshot", "create", "s1", "--volume", "vol1")
	c.fails(exitInterrupted, "--timeout", "300ms", "snapshot", "restore", "s1", "--wait")
	assert.Zero(t, c.srv.Sessions(), "logged out after the timeout")
}

// snapshot delete deletes snapshots only: given a base volume's name it
// refuses (exit 2) and the volume stays (Snapshots.Delete deletes whatever
// volume has the name).
func TestSnapshotDeleteRefusesABaseVolume(t *testing.T) {
	c := newCLI(t)
	c.ok("volume", "create", "vol1", "--size", "1GiB", "--cpg", "SSD_r6")
	o := c.fails(exitInvalid, "snapshot", "delete", "vol1")
	assert.Contains(t, o.stderr, "not a snapshot")
	c.fails(exitInvalid, "snapshot", "delete", "vol1", "--missing-ok")
	c.ok("volume", "get", "vol1")
}
