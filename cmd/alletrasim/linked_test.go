package main

import (
	"bufio"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// -linked serves a second array, linked to the first: each lists the other
// as its remote copy target.
func TestRunLinkedServesTwoArrays(t *testing.T) {
	t.Parallel()
	ctx, cancel := context.WithCancel(context.Background())
	pr, pw := io.Pipe()
	done := make(chan error, 1)
	go func() {
		err := run(ctx, []string{"-addr", "127.0.0.1:0", "-plain", "-linked", "127.0.0.1:0"}, pw, io.Discard)
		pw.CloseWithError(io.EOF)
		done <- err
	}()
	urls := map[string]string{}
	sc := bufio.NewScanner(pr)
	for sc.Scan() {
		k, v, _ := strings.Cut(sc.Text(), ":")
		if k == "URL" || k == "Linked" {
			urls[k] = strings.Fields(strings.TrimSpace(v))[0]
		}
		if strings.HasPrefix(sc.Text(), "WSAPI at") {
			break
		}
	}
	go func() { _, _ = io.Copy(io.Discard, pr) }()
	defer func() { cancel(); require.NoError(t, <-done) }()
	require.NotEmpty(t, urls["URL"])
	require.NotEmpty(t, urls["Linked"])

	hc := &http.Client{Transport: &http.Transport{}}
	defer hc.CloseIdleConnections()
	for url, want := range map[string]string{urls["URL"]: "alletra-sim-2", urls["Linked"]: "alletra-sim-1"} {
		s := &started{url: url, user: "3paradm", password: "3pardata"}
		key := login(t, hc, s)
		status, body := call(t, hc, "GET", url+"/api/v1/remotecopytargets", key, nil)
		require.Equal(t, 200, status, string(body))
		var out struct{ Members []struct{ Name string } }
		require.NoError(t, json.Unmarshal(body, &out))
		require.Len(t, out.Members, 1)
		assert.Equal(t, want, out.Members[0].Name)
		status, _ = call(t, hc, "DELETE", url+"/api/v1/credentials/"+key, key, nil)
		assert.Equal(t, 200, status)
	}
}

// The fixtures flags apply to the linked array too: a group's remote user
// CPG is a CPG of the second array (a -cpg fixture missing there was 404).
func TestRunLinkedHasTheFixtures(t *testing.T) {
	t.Parallel()
	ctx, cancel := context.WithCancel(context.Background())
	pr, pw := io.Pipe()
	done := make(chan error, 1)
	go func() {
		err := run(ctx, []string{"-addr", "127.0.0.1:0", "-plain", "-cpg", "FC_r1", "-linked", "127.0.0.1:0"}, pw, io.Discard)
		pw.CloseWithError(io.EOF)
		done <- err
	}()
	var linked string
	sc := bufio.NewScanner(pr)
	for sc.Scan() {
		if k, v, _ := strings.Cut(sc.Text(), ":"); k == "Linked" {
			linked = strings.Fields(strings.TrimSpace(v))[0]
		}
		if strings.HasPrefix(sc.Text(), "WSAPI at") {
			break
		}
	}
	go func() { _, _ = io.Copy(io.Discard, pr) }()
	defer func() { cancel(); require.NoError(t, <-done) }()
	require.NotEmpty(t, linked)

	hc := &http.Client{Transport: &http.Transport{}}
	defer hc.CloseIdleConnections()
	s := &started{url: linked, user: "3paradm", password: "3pardata"}
	key := login(t, hc, s)
	status, body := call(t, hc, "GET", linked+"/api/v1/cpgs/FC_r1", key, nil)
	assert.Equal(t, 200, status, string(body))
	status, _ = call(t, hc, "DELETE", linked+"/api/v1/credentials/"+key, key, nil)
	assert.Equal(t, 200, status)
}
