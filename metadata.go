package alletra

import (
	"context"
	"errors"
	"net/http"
)

// Metadata is one key/value pair of a volume's metadata (WSAPI
// objectKeyValues), where Cinder and HPE's own tooling keep their
// bookkeeping.
type Metadata struct {
	Key              string `json:"key"`
	Value            string `json:"value"`
	CreationTimeSec  int64  `json:"creationTimeSec,omitempty"`
	CreationTime8601 string `json:"creationTime8601,omitempty"`
}

type metadataCreateBody struct {
	Key   string `json:"key"`
	Value string `json:"value"`
}

type metadataUpdateBody struct {
	Value string `json:"value"`
}

// checkMetadataKey refuses a key the array could not take as a path
// segment. Length and character limits are the array's: HPE's mock server
// allows 31 characters and refuses ! @ # $ % & ^, and HPE's tests note that
// some arrays allow longer keys.
func checkMetadataKey(key string) error {
	if key == "" {
		return invalid("key", "empty")
	}
	if key == "." || key == ".." {
		return invalid("key", "not a valid key")
	}
	return nil
}

// SetMetadata sets the key of the volume's metadata to value, creating the
// key or updating it.
//
// WSAPI: POST /api/v1/volumes/<volume>/objectKeyValues {"key","value"}
// (201); when the key exists (409, code 181 EXISTENT_OBJECT_KEY),
// PUT /api/v1/volumes/<volume>/objectKeyValues/<key> {"value"} (200), as
// HPE's python client does. Both set absolute values: idempotent, retried.
// A missing volume gives ErrNotFound (code 23); a key or value the array
// refuses gives ErrInvalidInput (e.g. code 57 too long, 69 illegal
// character).
func (s *VolumesService) SetMetadata(ctx context.Context, volume, key, value string) error {
	if err := s.client.checkName("volume", volume); err != nil {
		return err
	}
	if err := checkMetadataKey(key); err != nil {
		return err
	}
	_, err := s.client.do(ctx, &call{method: http.MethodPost, path: pathf("/volumes/%s/objectKeyValues", volume),
		body: metadataCreateBody{Key: key, Value: value}, kind: CallUpdate})
	var apiErr *APIError
	if err == nil || !errors.As(err, &apiErr) || apiErr.StatusCode != http.StatusConflict {
		return err
	}
	_, err = s.client.do(ctx, &call{method: http.MethodPut, path: pathf("/volumes/%s/objectKeyValues/%s", volume, key),
		body: metadataUpdateBody{Value: value}, kind: CallUpdate})
	return err
}

// GetMetadata returns one key of the volume's metadata.
//
// WSAPI: GET /api/v1/volumes/<volume>/objectKeyValues/<key>. Idempotent;
// retried. A missing key gives ErrNotFound (code 180
// NON_EXISTENT_OBJECT_KEY), a missing volume ErrNotFound (code 23).
func (s *VolumesService) GetMetadata(ctx context.Context, volume, key string) (*Metadata, error) {
	if err := s.client.checkName("volume", volume); err != nil {
		return nil, err
	}
	if err := checkMetadataKey(key); err != nil {
		return nil, err
	}
	return s.getMetadata(ctx, volume, key)
}

// getMetadata is GetMetadata without the checks, for names the array listed.
func (s *VolumesService) getMetadata(ctx context.Context, volume, key string) (*Metadata, error) {
	m := new(Metadata)
	if _, err := s.client.do(ctx, &call{method: http.MethodGet, path: pathf("/volumes/%s/objectKeyValues/%s", volume, key),
		out: m, kind: CallRead}); err != nil {
		return nil, err
	}
	return m, nil
}

// ListMetadata returns the volume's metadata.
//
// WSAPI: GET /api/v1/volumes/<volume>/objectKeyValues → {total, members}.
// Idempotent; retried. A missing volume gives ErrNotFound (code 23).
func (s *VolumesService) ListMetadata(ctx context.Context, volume string) ([]Metadata, error) {
	if err := s.client.checkName("volume", volume); err != nil {
		return nil, err
	}
	var out collection[Metadata]
	if _, err := s.client.do(ctx, &call{method: http.MethodGet, path: pathf("/volumes/%s/objectKeyValues", volume),
		out: &out, kind: CallRead}); err != nil {
		return nil, err
	}
	return out.Members, nil
}

// DeleteMetadata removes a key from the volume's metadata.
//
// WSAPI: DELETE /api/v1/volumes/<volume>/objectKeyValues/<key>.
// Idempotent; retried. A missing key gives ErrNotFound (code 180), which
// callers tearing down may ignore.
func (s *VolumesService) DeleteMetadata(ctx context.Context, volume, key string) error {
	if err := s.client.checkName("volume", volume); err != nil {
		return err
	}
	if err := checkMetadataKey(key); err != nil {
		return err
	}
	_, err := s.client.do(ctx, &call{method: http.MethodDelete, path: pathf("/volumes/%s/objectKeyValues/%s", volume, key),
		kind: CallDelete})
	return err
}

// FindByMetadata returns the volumes whose metadata holds key with value.
// opts narrows the volumes looked at (nil: all of them).
//
// No source shows a WSAPI query on metadata, so this lists the volumes
// (GET /api/v1/volumes[?query=...]) and reads the key of each
// (GET /api/v1/volumes/<name>/objectKeyValues/<key>): one request per
// volume. Volumes without the key, or deleted meanwhile, are skipped.
func (s *VolumesService) FindByMetadata(ctx context.Context, key, value string, opts *VolumeListOptions) ([]Volume, error) {
	if err := checkMetadataKey(key); err != nil {
		return nil, err
	}
	vols, err := s.List(ctx, opts)
	if err != nil {
		return nil, err
	}
	out := []Volume{}
	for _, v := range vols {
		m, err := s.getMetadata(ctx, v.Name, key)
		switch {
		case errors.Is(err, ErrNotFound):
			continue
		case err != nil:
			return nil, err
		case m.Value == value:
			out = append(out, v)
		}
	}
	return out, nil
}
