package alletra

import (
	"context"
	"errors"
	"net/http"
	"slices"
	"strings"
)

// HostSetsService manages host sets (WSAPI /hostsets): named groups of
// hosts that a vLUN can target as a whole, with HostName "set:<host set>"
// in a VLUNCreateRequest.
type HostSetsService service

// HostSet is a host set.
type HostSet struct {
	ID         int      `json:"id"`
	UUID       string   `json:"uuid,omitempty"`
	Name       string   `json:"name"`
	Domain     string   `json:"domain,omitempty"`
	Comment    string   `json:"comment,omitempty"`
	SetMembers []string `json:"setmembers"` // host names
}

// Has reports whether the set lists the host called name.
func (h *HostSet) Has(name string) bool { return slices.Contains(h.SetMembers, name) }

// HostSetCreateRequest is the body of POST /hostsets. Name is required.
type HostSetCreateRequest struct {
	Name       string   `json:"name"`
	Domain     string   `json:"domain,omitempty"`
	Comment    string   `json:"comment,omitempty"` // at most 511 characters
	SetMembers []string `json:"setmembers,omitempty"`
}

// Get returns the host set called name.
//
// WSAPI: GET /api/v1/hostsets/<name>. Idempotent; retried. A missing set
// gives ErrNotFound (code 102).
func (s *HostSetsService) Get(ctx context.Context, name string) (*HostSet, error) {
	if err := s.client.checkName("name", name); err != nil {
		return nil, err
	}
	h := new(HostSet)
	if _, err := s.client.do(ctx, &call{method: http.MethodGet, path: pathf("/hostsets/%s", name),
		out: h, kind: CallRead}); err != nil {
		return nil, err
	}
	return h, nil
}

// List returns all host sets.
//
// WSAPI: GET /api/v1/hostsets. Idempotent; retried.
func (s *HostSetsService) List(ctx context.Context) ([]HostSet, error) {
	var out collection[HostSet]
	if _, err := s.client.do(ctx, &call{method: http.MethodGet, path: "/hostsets", out: &out, kind: CallRead}); err != nil {
		return nil, err
	}
	return out.Members, nil
}

// FindForHost returns the host sets that list the host called host; none
// is an empty list, not an error.
//
// WSAPI: GET /api/v1/hostsets, filtered here. No source shows a query that
// filters host sets by member on the array (HPE's python client also lists
// the sets and scans their members), so the whole list is read.
func (s *HostSetsService) FindForHost(ctx context.Context, host string) ([]HostSet, error) {
	if err := s.client.checkName("host", host); err != nil {
		return nil, err
	}
	sets, err := s.List(ctx)
	if err != nil {
		return nil, err
	}
	out := []HostSet{}
	for _, h := range sets {
		if h.Has(host) {
			out = append(out, h)
		}
	}
	return out, nil
}

// Create creates a host set, optionally with members.
//
// WSAPI: POST /api/v1/hostsets → 201 with Location /api/v1/hostsets/<name>.
// Retried; when a retry meets "already exists" (the first attempt was
// committed but its answer lost), the existing set counts as created if its
// comment and domain are the ones asked for and it holds the requested
// members. A set of that name made by someone else gives ErrAlreadyExists
// (code 101); a missing member host gives ErrNotFound (code 17).
func (s *HostSetsService) Create(ctx context.Context, req *HostSetCreateRequest) error {
	if req == nil {
		return invalid("req", "nil *HostSetCreateRequest")
	}
	return createSet(ctx, s.client, "/hostsets", "member", setCreateBody(*req), // volumesets.go
		func(ctx context.Context, name string) (setCreateBody, error) {
			set, err := s.Get(ctx, name)
			if err != nil {
				return setCreateBody{}, err
			}
			return setCreateBody{Name: set.Name, Domain: set.Domain, Comment: set.Comment, SetMembers: set.SetMembers}, nil
		})
}

// Delete deletes the host set called name; its hosts remain. A set that
// vLUNs still target gives ErrInUse and ErrExported (code 26).
//
// WSAPI: DELETE /api/v1/hostsets/<name>. Idempotent; retried. A missing
// set gives ErrNotFound (code 102), which callers tearing down may ignore.
func (s *HostSetsService) Delete(ctx context.Context, name string) error {
	if err := s.client.checkName("name", name); err != nil {
		return err
	}
	_, err := s.client.do(ctx, &call{method: http.MethodDelete, path: pathf("/hostsets/%s", name), kind: CallDelete})
	return err
}

// AddMembers adds the named hosts to the set. It is idempotent, as
// VolumeSets.AddMembers is: hosts that are already members count as added.
//
// WSAPI: PUT /api/v1/hostsets/<set> {"action":1,"setmembers":[...]}.
// Retried. When the array refuses the batch because a host is already a
// member (MEMBER_IN_SET, or any 409: its number is not reliably published),
// the set is read and the hosts still missing are sent once more; nil when
// none is missing. A
// missing set gives ErrNotFound (code 102), a missing host ErrNotFound
// (code 17).
func (s *HostSetsService) AddMembers(ctx context.Context, set string, names ...string) error {
	return s.changeMembers(ctx, set, SetActionMemAdd, names)
}

// RemoveMembers removes the named hosts from the set. It is idempotent:
// hosts that are not members (or no longer exist) count as removed.
//
// WSAPI: PUT /api/v1/hostsets/<set> {"action":2,"setmembers":[...]}.
// Retried. When the array refuses the batch because a host is not a member
// (MEMBER_NOT_IN_SET, a 404 without a public number, or another not-found
// answer that is not about the set itself), the set is read and the hosts
// still present are sent once more; nil when none is left. A missing set
// gives ErrNotFound (code 102).
func (s *HostSetsService) RemoveMembers(ctx context.Context, set string, names ...string) error {
	return s.changeMembers(ctx, set, SetActionMemRemove, names)
}

func (s *HostSetsService) changeMembers(ctx context.Context, set string, action SetAction, names []string) error {
	if err := s.client.checkName("set", set); err != nil {
		return err
	}
	members, err := checkSetMembers(s.client, "names", "member", names)
	if err != nil {
		return err
	}
	return changeSetMembers(ctx, s.client, pathf("/hostsets/%s", set), action, members,
		func(ctx context.Context) (func(string) bool, error) {
			h, err := s.Get(ctx, set)
			if err != nil {
				return nil, err
			}
			return h.Has, nil
		})
}

// checkSetMembers validates the names of a set's members (what: "volume"
// or "member") and drops duplicates, keeping order.
func checkSetMembers(c *Client, field, what string, names []string) ([]string, error) {
	if len(names) == 0 {
		return nil, invalid(field, "no "+what+" names")
	}
	out := make([]string, 0, len(names))
	seen := make(map[string]bool, len(names))
	for _, n := range names {
		if err := c.checkName(field, n); err != nil {
			return nil, err
		}
		if !seen[n] {
			seen[n] = true
			out = append(out, n)
		}
	}
	return out, nil
}

// classifyHostDelete classifies a refused DELETE /hosts/<name> by its
// operation and status: a 409 without a known code (HOST_IN_SET has none;
// HPE's mock sends 77, which it also gives another error) is confirmed with
// one read of the host sets. When a set lists the host, the error matches
// ErrInHostSet and ErrInUse; otherwise err is returned unchanged (a known
// code, such as 26 EXPORTED_VLUN, keeps its meaning).
func (c *Client) classifyHostDelete(ctx context.Context, host string, err error) error {
	var apiErr *APIError
	if !hasUnknownCode(err, http.StatusConflict) || !errors.As(err, &apiErr) {
		return err
	}
	sets, ferr := c.HostSets.FindForHost(ctx, host)
	if ferr != nil || len(sets) == 0 {
		return err
	}
	names := make([]string, len(sets))
	for i, h := range sets {
		names[i] = h.Name
	}
	return refine(apiErr, "the host is in host set(s) "+strings.Join(names, ", "), ErrInHostSet, ErrInUse)
}
