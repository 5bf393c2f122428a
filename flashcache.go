package alletra

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
)

// FlashCacheService manages the array's flash cache (WSAPI /flashcache):
// SSD capacity used as a read cache for the volumes of the volume sets whose
// flashCachePolicy is enabled (VolumeSet.FlashCachePolicy, 1 enabled, 2
// disabled). Arrays need WSAPI build 30201200 or later.
type FlashCacheService service

// FlashCacheMode is the flash cache's mode.
type FlashCacheMode int

// Flash cache modes (HPE's python client: 1 simulator, 2 real, the default).
const (
	FlashCacheSimulator FlashCacheMode = 1 // the cache is simulated, for sizing
	FlashCacheReal      FlashCacheMode = 2
)

// String returns "SIMULATOR", "REAL" or the number.
func (m FlashCacheMode) String() string { return enumName(int(m), "SIMULATOR", "REAL") }

// FlashCache is the array's flash cache.
type FlashCache struct {
	Mode        FlashCacheMode `json:"mode"`
	SizeGiB     int64          `json:"sizeGiB"` // the whole system's: may differ from the size asked for on more than two nodes
	UsedSizeGiB int64          `json:"usedSizeGiB"`
	State       int            `json:"state"` // typed like a CPG's state by HPE's SDK; values not documented
}

// UnmarshalJSON accepts numbers written as strings or floats.
func (f *FlashCache) UnmarshalJSON(b []byte) error {
	var w struct {
		Mode        flexInt `json:"mode"`
		SizeGiB     flexInt `json:"sizeGiB"`
		UsedSizeGiB flexInt `json:"usedSizeGiB"`
		State       flexInt `json:"state"`
	}
	if err := json.Unmarshal(b, &w); err != nil {
		return err
	}
	*f = FlashCache{Mode: FlashCacheMode(w.Mode), SizeGiB: int64(w.SizeGiB), UsedSizeGiB: int64(w.UsedSizeGiB), State: int(w.State)}
	return nil
}

// FlashCacheCreateOptions are the optional members of Create.
type FlashCacheCreateOptions struct {
	Mode FlashCacheMode // 0: the array's default (real)
}

type flashCacheCreate struct {
	FlashCache struct {
		SizeGiB int64          `json:"sizeGiB"`
		Mode    FlashCacheMode `json:"mode,omitempty"`
	} `json:"flashCache"`
}

// flashCacheGranularityGiB: the size is a multiple of 16 GiB
// (INV_FLASH_CACHE_SIZE, HPE's python client).
const flashCacheGranularityGiB = 16

// Get returns the flash cache. An array without one gives ErrNotFound
// (404, code 285).
//
// WSAPI: GET /api/v1/flashcache. Idempotent; retried.
func (s *FlashCacheService) Get(ctx context.Context) (*FlashCache, error) {
	f := new(FlashCache)
	if _, err := s.client.do(ctx, &call{method: http.MethodGet, path: "/flashcache", out: f, kind: CallRead}); err != nil {
		return nil, err
	}
	return f, nil
}

// Create creates the flash cache, sizeGiB per node pair (a positive
// multiple of 16). An existing cache is a 409 matching ErrAlreadyExists
// (EXISTENT_FLASH_CACHE has no published number: classified by operation
// and status).
//
// WSAPI: POST /api/v1/ {"flashCache":{"sizeGiB":N,"mode":M}} (the API root,
// as HPE's python client sends it). Sent again after transient failures;
// only when a retry after a lost answer meets a cache (409) does it read
// GET /api/v1/flashcache: a cache in the mode asked for is this call's own
// (success), another is ErrAlreadyExists and ErrConflict.
func (s *FlashCacheService) Create(ctx context.Context, sizeGiB int64, opts *FlashCacheCreateOptions) error {
	if sizeGiB <= 0 || sizeGiB%flashCacheGranularityGiB != 0 {
		return invalid("sizeGiB", fmt.Sprintf("must be a positive multiple of %d GiB, got %d", flashCacheGranularityGiB, sizeGiB))
	}
	var body flashCacheCreate
	body.FlashCache.SizeGiB = sizeGiB
	if opts != nil {
		if opts.Mode != 0 && opts.Mode != FlashCacheSimulator && opts.Mode != FlashCacheReal {
			return invalid("Mode", fmt.Sprintf("unknown mode %d", opts.Mode))
		}
		body.FlashCache.Mode = opts.Mode
	}
	_, err := s.client.do(ctx, &call{method: http.MethodPost, path: "/", body: body, kind: CallCreate,
		// A retry after a lost answer meets the cache the first attempt
		// made (409, ErrAlreadyExists): a cache in the mode asked for is
		// ours. Its size is the whole system's, so it is not compared.
		reconcile: func(ctx context.Context) (bool, error) {
			f, err := s.Get(ctx)
			if err != nil {
				return false, err
			}
			want := body.FlashCache.Mode
			if want == 0 {
				want = FlashCacheReal // the array's default
			}
			return f.Mode == want, nil
		}})
	return err
}

// Delete deletes the flash cache. An array without one gives ErrNotFound
// (code 285); after an attempt whose answer was lost, that counts as done.
//
// WSAPI: DELETE /api/v1/flashcache. Retried.
func (s *FlashCacheService) Delete(ctx context.Context) error {
	_, err := s.client.do(ctx, &call{method: http.MethodDelete, path: "/flashcache", kind: CallDelete})
	return err
}
