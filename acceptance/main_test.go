// Package acceptance_test holds go-alletra's black-box suites: the LXD
// acceptance flows (flows_*_test.go), the fault matrix (faults_test.go) and
// the benchmarks (bench_*_test.go). They use only the public API of
// go-alletra and the alletratest simulator, never a hand-written fake array
// or the package's internals; the unit and wire-shape tests live beside the
// code they test in the root package.
package acceptance_test

import (
	"testing"

	"go.uber.org/goleak"
)

func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }
