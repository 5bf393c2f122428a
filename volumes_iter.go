package alletra

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"iter"
	"net/http"
)

// All returns the volumes (and snapshots) that match opts, nil opts for
// all, one at a time: the answer is decoded as it arrives, so listing
// 100,000 volumes holds one Volume in memory, not the whole slice. Use it on
// big arrays; List is simpler when the result fits in memory.
//
//	for v, err := range c.Volumes.All(ctx, nil) {
//		if err != nil {
//			return err
//		}
//		fmt.Println(v.Name)
//	}
//
// An error (the request failed, or the answer broke off) is yielded once,
// with a zero Volume, and ends the sequence; the volumes yielded before it
// are what the array sent. A broken-off answer matches ErrBadResponse: it is
// not retried, as volumes were already handed out. The request holds one of
// the Client's in-flight slots until the loop ends, so with WithMaxInFlight(1)
// do not call the Client from inside the loop.
//
// WSAPI: GET /api/v1/volumes[?query="..."]. Idempotent: the request itself
// is retried like List's until the answer starts.
func (s *VolumesService) All(ctx context.Context, opts *VolumeListOptions) iter.Seq2[Volume, error] {
	return func(yield func(Volume, error) bool) {
		q, err := listQuery(opts)
		if err != nil {
			yield(Volume{}, err)
			return
		}
		resp, err := s.client.do(ctx, &call{method: http.MethodGet, path: "/volumes", query: q,
			kind: CallRead, stream: true})
		if err != nil {
			yield(Volume{}, err)
			return
		}
		defer resp.Body.Close()
		err = eachMember(json.NewDecoder(resp.Body), func(v *Volume) bool { return yield(*v, nil) })
		if err != nil && !errors.Is(err, errStopped) {
			yield(Volume{}, errBadResponse(http.MethodGet, "/volumes", err))
		}
	}
}

// eachMember decodes the collection envelope {"total": N, "members": [...]}
// token by token, handing each member to f as soon as it is decoded. Other
// members of the envelope are skipped.
func eachMember[T any](dec *json.Decoder, f func(*T) bool) error {
	tok, err := dec.Token()
	switch {
	case err == io.EOF:
		return nil // no body: no members
	case err != nil:
		return err
	}
	if d, ok := tok.(json.Delim); !ok || d != '{' {
		return fmt.Errorf("expected {, got %v", tok)
	}
	for dec.More() {
		tok, err := dec.Token()
		if err != nil {
			return err
		}
		if tok != "members" {
			var skip json.RawMessage
			if err := dec.Decode(&skip); err != nil {
				return err
			}
			continue
		}
		tok, err = dec.Token()
		if err != nil {
			return err
		}
		if tok == nil {
			continue // "members": null
		}
		if d, ok := tok.(json.Delim); !ok || d != '[' {
			return fmt.Errorf("members: expected an array, got %v", tok)
		}
		for dec.More() {
			var v T
			if err := dec.Decode(&v); err != nil {
				return err
			}
			if !f(&v) {
				return errStopped
			}
		}
		if err := expectDelim(dec, ']'); err != nil {
			return err
		}
	}
	return expectDelim(dec, '}')
}

func expectDelim(dec *json.Decoder, want json.Delim) error {
	tok, err := dec.Token()
	if err != nil {
		return err
	}
	if d, ok := tok.(json.Delim); !ok || d != want {
		return fmt.Errorf("expected %v, got %v", want, tok)
	}
	return nil
}
