package alletra

import (
	"context"
	"net/http"
	"testing"

	"github.com/jarcoal/httpmock"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestVolumesAllReadsEveryEnvelope(t *testing.T) {
	t.Parallel()
	for body, want := range map[string]int{
		`{"total":2,"members":[{"name":"a"},{"name":"b"}]}`:           2,
		`{"members":[{"name":"a"}],"total":1,"links":[{"href":"x"}]}`: 1,
		`{"total":0,"members":null}`:                                  0,
		`{"total":0}`:                                                 0,
		``:                                                            0,
		`{"members":[{"name":"a"},{"name":"b"},{"name":"c"}]} `:             3,
		`{"total":2,"members":[{"name":"a"},{"name":"b"}],"extra":{"x":1}}`: 2,
	} {
		c, m := newMock(t)
		m.RegisterResponder(http.MethodGet, testAPI+"/volumes", httpmock.NewStringResponder(http.StatusOK, body))
		n := 0
		for v, err := range c.Volumes.All(context.Background(), nil) {
			require.NoError(t, err, body)
			assert.NotEmpty(t, v.Name, body)
			n++
		}
		assert.Equal(t, want, n, body)
		assert.Equal(t, 1, m.calls(t, http.MethodGet, testAPI+"/volumes"), body)
	}
	// Not an envelope: a typed error, once.
	c, m := newMock(t)
	m.RegisterResponder(http.MethodGet, testAPI+"/volumes", httpmock.NewStringResponder(http.StatusOK, `{"members":{"name":"a"}}`))
	errs := 0
	for _, err := range c.Volumes.All(context.Background(), nil) {
		assert.ErrorIs(t, err, ErrBadResponse)
		errs++
	}
	assert.Equal(t, 1, errs)
}
