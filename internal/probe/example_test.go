package probe_test

import (
	"context"
	"encoding/json"
	"fmt"
	"log"

	"github.com/openalletra/go-alletra/internal/probe"
)

// The simulator probed against itself: the report shows no difference.
// Against an array, set URL, User, Password and HTTPClient (TLS) instead.
func ExampleRun() {
	rep, err := probe.Run(context.Background(), probe.Options{AgainstSim: true, Write: true})
	if err != nil {
		log.Fatal(err)
	}
	data, err := json.Marshal(rep)
	if err != nil {
		log.Fatal(err)
	}
	var back probe.Report
	if err := json.Unmarshal(data, &back); err != nil {
		log.Fatal(err)
	}
	fmt.Println(back.SchemaVersion, back.Mode, back.Array.Build, len(back.Differences), len(back.Leftovers))
	// Output:
	// 1 write 100500031 0 0
}
