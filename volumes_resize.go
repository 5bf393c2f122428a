package alletra

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"sync"
	"time"
)

// This file holds the calls that change a volume's size (Grow, ResizeTo,
// Resize, ResizeBytes) and the guard that keeps a grow whose outcome is
// unknown from being sent twice.

type volumeGrowRequest struct {
	Action  VolumeAction `json:"action"`
	SizeMiB int64        `json:"sizeMiB"`
}

// Grow adds byMiB to the volume's size; the array rounds the amount up to
// its allocation unit (256 or 1000 MiB: read the size afterwards rather
// than compute it). An amount above WithMaxSizeMiB (most likely bytes) is
// refused before any request.
//
// Grow is never sent twice: the size is a delta. When its outcome is
// unknown (a timeout, a connection reset after the request was sent, 502
// or 504, the context ending while it was in flight) the array may still
// carry it out later, so the error matches ErrGrowPending (a
// *GrowPendingError wrapping the failure) and the Client guards the volume
// as ErrGrowPending describes. To recover, call ResizeTo (or Resize) with
// the size you wanted, not Grow again: it grows only if the grow did not
// land and the guard has ended, and otherwise reports the size. A
// successful Grow ends the guard of its volume: its size has changed.
//
// WSAPI: PUT /api/v1/volumes/<name> {"action":3,"sizeMiB":byMiB}: one
// request, never retried. A missing volume gives ErrNotFound (code 23).
func (s *VolumesService) Grow(ctx context.Context, name string, byMiB int64) error {
	if err := s.grow(ctx, name, byMiB); err != nil {
		if outcomeUnknown(err) {
			at := s.client.now()
			s.client.grows.set(name, pendingGrow{byMiB: byMiB, at: at})
			return &GrowPendingError{Volume: name, ByMiB: byMiB, SettlesAt: at.Add(s.client.opts.growSettle), Err: err}
		}
		return err
	}
	s.client.grows.clear(name)
	return nil
}

func (s *VolumesService) grow(ctx context.Context, name string, byMiB int64) error {
	if err := s.client.checkName("name", name); err != nil {
		return err
	}
	switch {
	case byMiB < 0:
		return &ValidationError{Field: "byMiB", Reason: fmt.Sprintf("must be positive, got %d", byMiB), Err: ErrCannotShrink}
	case byMiB == 0:
		return invalid("byMiB", "must be positive, got 0")
	}
	if err := s.client.checkMiB("byMiB", byMiB); err != nil {
		return err
	}
	_, err := s.client.do(ctx, &call{method: http.MethodPut, path: pathf("/volumes/%s", name),
		body: volumeGrowRequest{Action: VolumeActionGrow, SizeMiB: byMiB}, kind: CallDelta})
	return err
}

// ResizeTo makes the volume at least sizeMiB large and returns the size the
// array reports afterwards, in MiB: the size to wait for on the host (it
// may exceed sizeMiB, see below). It reads the current size first, sends
// nothing when the volume is already large enough (and returns that size),
// and refuses a smaller size with ErrCannotShrink before sending anything.
// It is Resize with ReadBack; use Resize to skip the reads a caller does
// not need.
//
// Sizes are compared in the array's 256 MiB steps: sizeMiB is rounded up to
// the next multiple of 256 MiB, so a request anywhere inside the step the
// volume already fills (1025 to 1280 for a 1280 MiB volume) is a no-op that
// returns 1280, and a request below that step (1024 for a 1280 MiB volume)
// is ErrCannotShrink. A grow goes to the rounded size; an array whose grow
// unit is larger than 256 MiB (1000 MiB on some) rounds further, which the
// returned size shows.
//
// Calling ResizeTo again is safe after any error. When the grow's outcome
// is unknown the error matches ErrGrowPending, and until the volume's size
// changes (or the guard settles) ResizeTo returns ErrGrowPending instead of
// growing again; see ErrGrowPending. Every error returns 0 as the size.
//
// WSAPI: GET /api/v1/volumes/<name>, then, when it must grow, PUT with
// action 3 (grow) by the difference and GET again for the new size: one or
// three requests.
func (s *VolumesService) ResizeTo(ctx context.Context, name string, sizeMiB int64) (int64, error) {
	r, err := s.Resize(ctx, name, sizeMiB, &ResizeOptions{ReadBack: true})
	if err != nil {
		return 0, err
	}
	return r.SizeMiB, nil
}

// ResizeOptions tune Resize. The zero value (or nil) reads the size before
// deciding and does not read it after a grow.
type ResizeOptions struct {
	// CurrentMiB is the volume's size as the caller has just read it
	// (Volume.SizeMiB): Resize then sends no GET before deciding. 0 means
	// unknown: Resize reads it. While a grow of the volume is pending (see
	// ErrGrowPending), Resize reads the size itself whatever CurrentMiB says.
	CurrentMiB int64
	// ReadBack reads the volume after a grow, so that ResizeResult.SizeMiB
	// is the size the array reports. Without it SizeMiB is 0 after a grow:
	// arrays round a grow amount up to 256 or 1000 MiB, so the new size is
	// known only by reading it.
	ReadBack bool
}

// ResizeResult says what Resize did.
type ResizeResult struct {
	// Grown is true when a grow was sent and the array accepted it.
	Grown bool
	// FromMiB is the size before: read, or ResizeOptions.CurrentMiB.
	FromMiB int64
	// ByMiB is the amount the grow asked for (the array may round it up);
	// 0 when Grown is false.
	ByMiB int64
	// SizeMiB is the volume's size: FromMiB when nothing was sent; after a
	// grow, the size read back with ResizeOptions.ReadBack, or 0 (unknown,
	// at least FromMiB+ByMiB) without it.
	SizeMiB int64
}

// Resize makes the volume at least sizeMiB large, as ResizeTo does, with
// the same rounding and checks (sizeMiB rounded up to 256 MiB; no request
// when the volume is already that large; ErrCannotShrink, before any
// request, for a smaller size; the ErrGrowPending guard) and says whether
// it grew. A caller that has just read the volume hands its size in
// ResizeOptions.CurrentMiB; the read after the grow is opt-in
// (ResizeOptions.ReadBack).
//
// A missing volume gives ErrNotFound: from the GET, or, with CurrentMiB,
// from the grow itself (404, code 23). With CurrentMiB and nothing to grow,
// no request is sent and the volume's existence is the caller's read.
//
// WSAPI: GET /api/v1/volumes/<name> unless CurrentMiB is given (or a grow
// of the volume is pending); when it must grow, PUT
// /api/v1/volumes/<name> {"action":3,"sizeMiB":<difference>} (never
// retried); with ReadBack after a grow, GET /api/v1/volumes/<name> again.
// So a caller that has read the volume and does not need the new size
// sends one request to grow it, and none when it is large enough.
func (s *VolumesService) Resize(ctx context.Context, name string, sizeMiB int64, opts *ResizeOptions) (ResizeResult, error) {
	if opts == nil {
		opts = &ResizeOptions{}
	}
	if err := s.client.checkName("name", name); err != nil {
		return ResizeResult{}, err
	}
	if sizeMiB <= 0 {
		return ResizeResult{}, invalid("sizeMiB", fmt.Sprintf("must be positive, got %d", sizeMiB))
	}
	if err := s.client.checkMiB("sizeMiB", sizeMiB); err != nil {
		return ResizeResult{}, err
	}
	target, err := roundMiB(sizeMiB)
	if err != nil {
		var ve *ValidationError
		if errors.As(err, &ve) {
			ve.Field = "sizeMiB"
		}
		return ResizeResult{}, err
	}
	if opts.CurrentMiB < 0 {
		return ResizeResult{}, invalid("CurrentMiB", fmt.Sprintf("must not be negative, got %d", opts.CurrentMiB))
	}

	p, pending := s.client.grows.get(name, s.client.now(), s.client.opts.growSettle)
	cur := opts.CurrentMiB
	if cur == 0 || pending {
		v, err := s.Get(ctx, name)
		if err != nil {
			return ResizeResult{}, err
		}
		cur = v.SizeMiB
	}
	if pending {
		switch {
		case p.fromMiB == 0:
			// Grow does not know the size it started from: take this
			// one. If it changes later, the grow has landed.
			p, pending = s.client.grows.baseline(name, cur)
		case cur != p.fromMiB:
			s.client.grows.clear(name) // it landed (or someone else grew the volume)
			pending = false
		}
	}

	switch {
	case sizeMiB <= cur && target >= cur:
		return ResizeResult{FromMiB: cur, SizeMiB: cur}, nil
	case target < cur:
		return ResizeResult{}, &ValidationError{Field: "sizeMiB",
			Reason: fmt.Sprintf("volume %s is %d MiB; cannot shrink to %d MiB", name, cur, target), Err: ErrCannotShrink}
	case pending:
		return ResizeResult{}, &GrowPendingError{Volume: name, FromMiB: p.fromMiB, ByMiB: p.byMiB,
			SettlesAt: p.at.Add(s.client.opts.growSettle)}
	}

	delta := target - cur
	if err := s.grow(ctx, name, delta); err != nil {
		if outcomeUnknown(err) {
			at := s.client.now()
			s.client.grows.set(name, pendingGrow{fromMiB: cur, byMiB: delta, at: at})
			return ResizeResult{}, &GrowPendingError{Volume: name, FromMiB: cur, ByMiB: delta,
				SettlesAt: at.Add(s.client.opts.growSettle), Err: err}
		}
		return ResizeResult{}, err
	}
	r := ResizeResult{Grown: true, FromMiB: cur, ByMiB: delta}
	if opts.ReadBack {
		v, err := s.Get(ctx, name)
		if err != nil {
			return ResizeResult{}, fmt.Errorf("alletra: volume %s grown from %d MiB by %d MiB; reading its new size: %w", name, cur, delta, err)
		}
		r.SizeMiB = v.SizeMiB
	}
	return r, nil
}

// ResizeBytes is Resize for a size in bytes, as LXD keeps them: sizeBytes
// is rounded up to a multiple of 256 MiB (VolumeSizeMiB, never down), so
// the volume holds at least sizeBytes. Convert the result with
// BytesFromMiB. Requests as Resize.
func (s *VolumesService) ResizeBytes(ctx context.Context, name string, sizeBytes int64, opts *ResizeOptions) (ResizeResult, error) {
	mib, err := VolumeSizeMiB(sizeBytes)
	if err != nil {
		var ve *ValidationError
		if errors.As(err, &ve) {
			ve.Field = "sizeBytes"
		}
		return ResizeResult{}, err
	}
	return s.Resize(ctx, name, mib, opts)
}

// ForgetPendingGrow ends the ErrGrowPending guard of the volume called name
// on this Client, and reports whether there was one. Call it only when you
// know the pending grow will not be carried out (or has been): after it, a
// resize computes its grow from the size it reads, and a late grow would
// add on top. No request is sent.
func (s *VolumesService) ForgetPendingGrow(name string) bool {
	return s.client.grows.clear(name)
}

// outcomeUnknown reports a failure after which a request may still have been
// carried out: a transport error other than a failed dial, a 502 or 504, the
// context ending, Close ending the call in flight.
func outcomeUnknown(err error) bool {
	var te *TransportError
	var apiErr *APIError
	switch {
	case errors.As(err, &te):
		return !isDialError(te.Err)
	case errors.As(err, &apiErr):
		return apiErr.StatusCode == http.StatusBadGateway || apiErr.StatusCode == http.StatusGatewayTimeout
	}
	return errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded) || errors.Is(err, ErrClosed)
}

// now reads the Client's clock (WithClock).
func (c *Client) now() time.Time {
	if c.opts.now != nil {
		return c.opts.now()
	}
	return time.Now()
}

// pendingGrow is a grow whose outcome is unknown.
type pendingGrow struct {
	fromMiB int64     // the size it started from; 0 when unknown
	byMiB   int64     // the amount sent
	at      time.Time // when its outcome became unknown, on the Client's clock
}

// growGuard holds a Client's pending grows by volume name; the zero value is
// ready.
type growGuard struct {
	mu sync.Mutex
	m  map[string]pendingGrow
}

// get returns the pending grow of name, dropping it when it has settled by
// now (settle after its outcome became unknown).
func (g *growGuard) get(name string, now time.Time, settle time.Duration) (pendingGrow, bool) {
	g.mu.Lock()
	defer g.mu.Unlock()
	p, ok := g.m[name]
	if ok && !now.Before(p.at.Add(settle)) {
		delete(g.m, name)
		return pendingGrow{}, false
	}
	return p, ok
}

func (g *growGuard) set(name string, p pendingGrow) {
	g.mu.Lock()
	defer g.mu.Unlock()
	if g.m == nil {
		g.m = map[string]pendingGrow{}
	}
	g.m[name] = p
}

// baseline records fromMiB as the starting size of name's pending grow if
// it has none yet, and returns the pending grow, if there still is one.
func (g *growGuard) baseline(name string, fromMiB int64) (pendingGrow, bool) {
	g.mu.Lock()
	defer g.mu.Unlock()
	p, ok := g.m[name]
	if ok && p.fromMiB == 0 {
		p.fromMiB = fromMiB
		g.m[name] = p
	}
	return p, ok
}

// clear forgets name's pending grow and reports whether there was one.
func (g *growGuard) clear(name string) bool {
	g.mu.Lock()
	defer g.mu.Unlock()
	_, ok := g.m[name]
	delete(g.m, name)
	return ok
}
