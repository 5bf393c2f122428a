package acceptance_test

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"io"
	"log"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	alletra "github.com/openalletra/go-alletra"
)

// volumeArray is a canned array over plain HTTP on loopback: a login
// answers a key, GET /api/v1/volumes/vol1 the golden volume. Its own work
// is the same for every client, and small, so that allocation counts show
// the clients.
func volumeArray(tb testing.TB) *httptest.Server {
	tb.Helper()
	raw, err := os.ReadFile(filepath.Join("..", "testdata", "golden", "volume.json"))
	if err != nil {
		tb.Fatal(err)
	}
	var vol bytes.Buffer
	if err := json.Compact(&vol, raw); err != nil {
		tb.Fatal(err)
	}
	body := vol.Bytes()
	srv := httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch {
		case r.Method == http.MethodPost && r.URL.Path == "/api/v1/credentials":
			w.WriteHeader(http.StatusCreated)
			_, _ = io.WriteString(w, `{"key":"canned-key"}`)
		case r.Method == http.MethodGet && r.URL.Path == "/api/v1/volumes/vol1":
			w.Header().Set("Content-Type", "application/json")
			_, _ = w.Write(body)
		default:
			w.WriteHeader(http.StatusOK)
		}
	}))
	srv.Config.ErrorLog = log.New(io.Discard, "", 0)
	srv.Start()
	tb.Cleanup(srv.Close)
	return srv
}

// BenchmarkVolumesGetAllocs is the allocation pair of issue 21: one warm
// Volumes.Get against a bare keep-alive GET + typed decode of the same
// answer, both over loopback HTTP from a canned array. Goal: sdk allocs/op
// at most 1.25x bare's. The array's own allocations are in both; "server"
// measures them alone (a raw keep-alive connection that writes the request
// and reads the answer without allocating), so that sdk-server and
// bare-server are the clients' own.
//
//	go test -run '^$' -bench BenchmarkVolumesGetAllocs -benchmem -benchtime 5000x -count 3 ./acceptance
func BenchmarkVolumesGetAllocs(b *testing.B) {
	srv := volumeArray(b)
	ctx := context.Background()
	b.Run("sdk", func(b *testing.B) {
		c, err := alletra.NewClient(srv.URL, "u", "p")
		if err != nil {
			b.Fatal(err)
		}
		defer c.Close(ctx)
		if _, err := c.Volumes.Get(ctx, "vol1"); err != nil { // warm: login, connection
			b.Fatal(err)
		}
		b.ReportAllocs()
		for b.Loop() {
			if _, err := c.Volumes.Get(ctx, "vol1"); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("server", func(b *testing.B) {
		conn, err := net.Dial("tcp", strings.TrimPrefix(srv.URL, "http://"))
		if err != nil {
			b.Fatal(err)
		}
		defer conn.Close()
		req := []byte("GET /api/v1/volumes/vol1 HTTP/1.1\r\nHost: array\r\nAccept: application/json\r\n" +
			"X-HP3PAR-WSAPI-SessionKey: canned-key\r\n\r\n")
		br := bufio.NewReaderSize(conn, 64<<10)
		body := make([]byte, 64<<10)
		get := func() {
			if _, err := conn.Write(req); err != nil {
				b.Fatal(err)
			}
			n := -1
			for {
				line, err := br.ReadSlice('\n')
				if err != nil {
					b.Fatal(err)
				}
				if len(line) <= 2 {
					break
				}
				if k, v, ok := bytes.Cut(line, []byte(":")); ok && bytes.EqualFold(k, []byte("Content-Length")) {
					n = 0
					for _, d := range bytes.TrimSpace(v) {
						n = n*10 + int(d-'0')
					}
				}
			}
			if n < 0 {
				b.Fatal("no Content-Length")
			}
			if _, err := io.ReadFull(br, body[:n]); err != nil {
				b.Fatal(err)
			}
		}
		get()
		b.ReportAllocs()
		for b.Loop() {
			get()
		}
	})
	b.Run("bare", func(b *testing.B) {
		hc := &http.Client{Transport: http.DefaultTransport.(*http.Transport).Clone()}
		defer hc.CloseIdleConnections()
		url := srv.URL + "/api/v1/volumes/vol1"
		if _, err := bareGet(ctx, hc, url, "canned-key"); err != nil { // warm: connection
			b.Fatal(err)
		}
		b.ReportAllocs()
		for b.Loop() {
			if _, err := bareGet(ctx, hc, url, "canned-key"); err != nil {
				b.Fatal(err)
			}
		}
	})
}

// TestWarmGetCoverage runs $ALLETRA_WARM_GETS (1 or 2) Volumes.Get calls on
// one client of a canned array, so that two coverage profiles, one with one
// call and one with two, differ by exactly one warm call (logged in,
// connection open). The command in BENCHMARKS.md counts the SDK functions
// whose blocks ran more often in the second profile.
func TestWarmGetCoverage(t *testing.T) {
	n, _ := strconv.Atoi(os.Getenv("ALLETRA_WARM_GETS"))
	if n < 1 || n > 2 {
		t.Skip("set ALLETRA_WARM_GETS to 1 or 2 (BENCHMARKS.md)")
	}
	srv := volumeArray(t)
	ctx := context.Background()
	c, err := alletra.NewClient(srv.URL, "u", "p")
	if err != nil {
		t.Fatal(err)
	}
	for range n {
		if _, err := c.Volumes.Get(ctx, "vol1"); err != nil {
			t.Fatal(err)
		}
	}
	if err := c.Close(ctx); err != nil {
		t.Fatal(err)
	}
}
