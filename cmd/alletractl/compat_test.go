package main

import (
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/stretchr/testify/assert"
)

func TestTaskPollID(t *testing.T) {
	for _, tc := range []struct {
		method, url string
		id          int
		ok          bool
	}{
		{"GET", "https://a/api/v1/tasks/12", 12, true},
		{"GET", "https://a/gw/api/v1/tasks/3", 3, true},
		{"PUT", "https://a/api/v1/tasks/12", 0, false},
		{"GET", "https://a/api/v1/tasks", 0, false},
		{"GET", "https://a/api/v1/tasks/x", 0, false},
		{"GET", "https://a/api/v1/tasks/0", 0, false},
		{"GET", "https://a/api/v1/volumes/tasks", 0, false},
	} {
		id, ok := taskPollID(httptest.NewRequest(tc.method, tc.url, nil))
		assert.Equal(t, tc.ok, ok, tc.url)
		assert.Equal(t, tc.id, id, tc.url)
	}
}

type countingTransport struct{ n int }

func (c *countingTransport) RoundTrip(*http.Request) (*http.Response, error) {
	c.n++
	return &http.Response{StatusCode: 200, Body: http.NoBody}, nil
}

func TestTaskSpyTellsEachTaskOnce(t *testing.T) {
	base := &countingTransport{}
	s := &taskSpy{base: base}
	var seen []int
	s.watch(func(id int) { seen = append(seen, id) })
	for _, u := range []string{"https://a/api/v1/tasks/5", "https://a/api/v1/tasks/5", "https://a/api/v1/volumes/v", "https://a/api/v1/tasks/6"} {
		resp, err := s.RoundTrip(httptest.NewRequest("GET", u, nil))
		assert.NoError(t, err)
		resp.Body.Close()
	}
	assert.Equal(t, []int{5, 6}, seen)
	assert.Equal(t, 4, base.n)
	s.watch(nil)
	resp, err := s.RoundTrip(httptest.NewRequest("GET", "https://a/api/v1/tasks/7", nil))
	assert.NoError(t, err)
	resp.Body.Close()
	assert.Equal(t, []int{5, 6}, seen)
}
