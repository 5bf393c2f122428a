package alletra

import (
	"context"
	"net/http"
)

// SystemService reads system information, the WSAPI version, CPGs, the
// space report and the WSAPI configuration.
type SystemService service

// APIVersion is the answer of GET /api. Build encodes the array OS release
// (e.g. 100500031 for Alletra MP 10.5); compare builds, not major/minor.
type APIVersion struct {
	Major    int `json:"major"`
	Minor    int `json:"minor"`
	Revision int `json:"revision"`
	Build    int `json:"build"`
}

// APIVersion returns the WSAPI version. The first answer is cached for the
// life of the Client.
//
// WSAPI: GET /api (not under /api/v1). Sent with the session key, which
// Alletra MP requires. Idempotent; retried.
func (s *SystemService) APIVersion(ctx context.Context) (*APIVersion, error) {
	c := s.client
	c.versionMu.Lock()
	defer c.versionMu.Unlock()
	if c.version != nil {
		v := *c.version
		return &v, nil
	}
	v := new(APIVersion)
	if _, err := c.do(ctx, &call{method: http.MethodGet, path: "/api", root: true, out: v, safety: safeIdempotent}); err != nil {
		return nil, err
	}
	c.version = v
	out := *v
	return &out, nil
}
