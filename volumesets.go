package alletra

import (
	"context"
	"errors"
	"net/http"
	"slices"
	"strings"
)

// VolumeSetsService manages volume sets (WSAPI /volumesets), the pools of LXD's driver.
type VolumeSetsService service

// SetAction is the action of PUT /volumesets/<name> (and /hostsets/<name>).
type SetAction int

// Set actions.
const (
	SetActionMemAdd                 SetAction = 1 // add the listed members
	SetActionMemRemove              SetAction = 2 // remove the listed members
	SetActionResyncPhysicalCopy     SetAction = 3
	SetActionStopPhysicalCopy       SetAction = 4
	SetActionPromoteVirtualCopy     SetAction = 5
	SetActionStopPromoteVirtualCopy SetAction = 6
)

// String returns the WSAPI name of the action.
func (a SetAction) String() string {
	return enumName(int(a), "MEM_ADD", "MEM_REMOVE", "RESYNC_PHYSICAL_COPY", "STOP_PHYSICAL_COPY",
		"PROMOTE_VIRTUAL_COPY", "STOP_PROMOTE_VIRTUAL_COPY")
}

// VolumeSet is a volume set.
type VolumeSet struct {
	ID               int      `json:"id"`
	UUID             string   `json:"uuid,omitempty"`
	Name             string   `json:"name"`
	Domain           string   `json:"domain,omitempty"`
	Comment          string   `json:"comment,omitempty"`
	SetMembers       []string `json:"setmembers"` // volume names
	QoSEnabled       bool     `json:"qosEnabled"`
	FlashCachePolicy int      `json:"flashCachePolicy,omitempty"` // 1 enabled, 2 disabled
}

// Has reports whether the set lists the volume called name.
func (v *VolumeSet) Has(name string) bool { return slices.Contains(v.SetMembers, name) }

// VolumeSetCreateRequest is the body of POST /volumesets. Name is required.
type VolumeSetCreateRequest struct {
	Name       string   `json:"name"`
	Domain     string   `json:"domain,omitempty"`
	Comment    string   `json:"comment,omitempty"` // at most 511 characters
	SetMembers []string `json:"setmembers,omitempty"`
}

// setModifyRequest is the body of a membership change of a volume set or a
// host set (the same members and actions for both).
type setModifyRequest struct {
	Action     SetAction `json:"action"`
	SetMembers []string  `json:"setmembers"`
}

// Get returns the volume set called name.
//
// WSAPI: GET /api/v1/volumesets/<name>. Idempotent; retried. A missing set
// gives ErrNotFound (code 102).
func (s *VolumeSetsService) Get(ctx context.Context, name string) (*VolumeSet, error) {
	if err := s.client.checkName("name", name); err != nil {
		return nil, err
	}
	v := new(VolumeSet)
	if _, err := s.client.do(ctx, &call{method: http.MethodGet, path: pathf("/volumesets/%s", name),
		out: v, kind: CallRead}); err != nil {
		return nil, err
	}
	return v, nil
}

// List returns all volume sets.
//
// WSAPI: GET /api/v1/volumesets. Idempotent; retried.
func (s *VolumeSetsService) List(ctx context.Context) ([]VolumeSet, error) {
	var out collection[VolumeSet]
	if _, err := s.client.do(ctx, &call{method: http.MethodGet, path: "/volumesets", out: &out, kind: CallRead}); err != nil {
		return nil, err
	}
	return out.Members, nil
}

// Create creates a volume set, optionally with members.
//
// WSAPI: POST /api/v1/volumesets. Retried; when a retry meets "already
// exists" (the first attempt was committed but its answer lost), the
// existing set counts as created if its comment and domain are the ones
// asked for and it holds the requested members. A set of that name made by
// someone else gives ErrAlreadyExists (code 101).
func (s *VolumeSetsService) Create(ctx context.Context, req *VolumeSetCreateRequest) error {
	if req == nil {
		return invalid("req", "nil *VolumeSetCreateRequest")
	}
	return createSet(ctx, s.client, "/volumesets", "volume", setCreateBody(*req),
		func(ctx context.Context, name string) (setCreateBody, error) {
			set, err := s.Get(ctx, name)
			if err != nil {
				return setCreateBody{}, err
			}
			return setCreateBody{Name: set.Name, Domain: set.Domain, Comment: set.Comment, SetMembers: set.SetMembers}, nil
		})
}

// setCreateBody is the body of POST /volumesets and POST /hostsets, which
// take the same members.
type setCreateBody struct {
	Name       string   `json:"name"`
	Domain     string   `json:"domain,omitempty"`
	Comment    string   `json:"comment,omitempty"`
	SetMembers []string `json:"setmembers,omitempty"`
}

// createSet is the Create of volume sets and host sets: the same checks
// before any I/O, and the same reconcile after an attempt whose answer was
// lost (the existing set counts as created when its comment and domain are
// the ones asked for and it holds the requested members). what names the
// members in errors ("volume", "member").
func createSet(ctx context.Context, c *Client, path, what string, body setCreateBody,
	get func(context.Context, string) (setCreateBody, error)) error {
	if err := c.checkName("Name", body.Name); err != nil {
		return err
	}
	if body.Domain != "" {
		if err := c.checkName("Domain", body.Domain); err != nil {
			return err
		}
	}
	if err := checkComment(body.Comment); err != nil {
		return err
	}
	if len(body.SetMembers) > 0 {
		members, err := checkSetMembers(c, "SetMembers", what, body.SetMembers)
		if err != nil {
			return err
		}
		body.SetMembers = members
	}
	_, err := c.do(ctx, &call{method: http.MethodPost, path: path, body: &body,
		kind: CallCreate, reconcile: func(ctx context.Context) (bool, error) {
			set, err := get(ctx, body.Name)
			if err != nil {
				return false, err
			}
			if set.Comment != body.Comment || !strings.EqualFold(set.Domain, body.Domain) {
				return false, nil
			}
			for _, m := range body.SetMembers {
				if !slices.Contains(set.SetMembers, m) {
					return false, nil
				}
			}
			return true, nil
		}})
	return err
}

// Delete deletes the volume set called name; its volumes remain. A set
// that is exported gives ErrInUse (code 26). A set that a QoS rule targets
// gives ErrQoSTarget and ErrInUse (409 VVSET_QOS_TARGET, confirmed by
// reading the set's rule); delete the rule first with QoS.Delete.
//
// WSAPI: DELETE /api/v1/volumesets/<name>. Idempotent; retried. Only when
// the array refuses it with 409 and no known code, GET
// /api/v1/qos/vvset:<name> looks for the rule. A missing set gives
// ErrNotFound (code 102), which callers tearing down may ignore.
func (s *VolumeSetsService) Delete(ctx context.Context, name string) error {
	if err := s.client.checkName("name", name); err != nil {
		return err
	}
	_, err := s.client.do(ctx, &call{method: http.MethodDelete, path: pathf("/volumesets/%s", name), kind: CallDelete})
	if err != nil {
		return s.client.classifySetDelete(ctx, name, err)
	}
	return nil
}

// AddMembers adds the named volumes to the set. It is idempotent: volumes
// that are already members count as added.
//
// WSAPI: PUT /api/v1/volumesets/<set> {"action":1,"setmembers":[...]}.
// Retried. When the array refuses the batch because a volume is already a
// member (MEMBER_IN_SET, or any 409), the set is read and the volumes still
// missing are sent once more; nil when none is missing. A missing set gives
// ErrNotFound (code 102), a missing volume ErrNotFound (code 23).
func (s *VolumeSetsService) AddMembers(ctx context.Context, set string, names ...string) error {
	return s.changeMembers(ctx, set, SetActionMemAdd, names)
}

// RemoveMembers removes the named volumes from the set. It is idempotent:
// volumes that are not members (or no longer exist) count as removed.
//
// WSAPI: PUT /api/v1/volumesets/<set> {"action":2,"setmembers":[...]}.
// Retried. When the array refuses the batch because a volume is not a
// member (MEMBER_NOT_IN_SET, or a not-found answer other than for the set
// itself), the set is read and the volumes still present are sent once
// more; nil when none is left. A missing set gives ErrNotFound (code 102).
func (s *VolumeSetsService) RemoveMembers(ctx context.Context, set string, names ...string) error {
	return s.changeMembers(ctx, set, SetActionMemRemove, names)
}

func (s *VolumeSetsService) changeMembers(ctx context.Context, set string, action SetAction, names []string) error {
	if err := s.client.checkName("set", set); err != nil {
		return err
	}
	members, err := checkSetMembers(s.client, "names", "volume", names)
	if err != nil {
		return err
	}
	return changeSetMembers(ctx, s.client, pathf("/volumesets/%s", set), action, members,
		func(ctx context.Context) (func(string) bool, error) {
			v, err := s.Get(ctx, set)
			if err != nil {
				return nil, err
			}
			return v.Has, nil
		})
}

// changeSetMembers adds or removes members of the set at path (a volume set
// or a host set: the same body and actions) until read reports each as
// present (add) or absent (remove); see converge.
func changeSetMembers(ctx context.Context, c *Client, path string, action SetAction, members []string,
	read func(context.Context) (has func(string) bool, err error)) error {
	put := func(ctx context.Context, pending []string) error {
		_, err := c.do(ctx, &call{method: http.MethodPut, path: path,
			body: setModifyRequest{Action: action, SetMembers: pending}, kind: CallUpdate})
		return err
	}
	benign := isAlreadyMemberError
	if action == SetActionMemRemove {
		benign = isNotMemberError
	}
	return converge(ctx, members, put, benign, func(ctx context.Context, want []string) ([]string, error) {
		has, err := read(ctx)
		if err != nil {
			return nil, err
		}
		var pending []string
		for _, n := range want {
			if has(n) != (action == SetActionMemAdd) {
				pending = append(pending, n)
			}
		}
		return pending, nil
	})
}

// isAlreadyMemberError reports an answer to an add that may mean that some
// of the members were already there: any 409 (MEMBER_IN_SET, whose number is
// not reliably published); the set is read to confirm.
func isAlreadyMemberError(err error) bool {
	var apiErr *APIError
	return errors.As(err, &apiErr) && apiErr.StatusCode == http.StatusConflict
}

// isNotMemberError reports an answer to a removal that may mean that some
// of the members were not there: a not-found answer that is not about the
// set itself (MEMBER_NOT_IN_SET, which has no published number, or a volume
// that no longer exists); the set is read to confirm.
func isNotMemberError(err error) bool {
	var apiErr *APIError
	return errors.As(err, &apiErr) && errors.Is(apiErr, ErrNotFound) && apiErr.Code != CodeNonExistentSet
}

// converge applies an idempotent membership change whose batch the array
// may refuse as a whole because part of it is already done. It sends want;
// on an error that benign says may mean "partly done", it asks pending for
// what is still to do: nothing left is a success; a smaller batch is sent
// once more; an unchanged batch means the error was about something else
// and is returned. At most two writes.
func converge(ctx context.Context, want []string, put func(context.Context, []string) error,
	benign func(error) bool, pending func(context.Context, []string) ([]string, error)) error {
	todo := want
	for round := 0; ; round++ {
		err := put(ctx, todo)
		if err == nil || !benign(err) {
			return err
		}
		left, perr := pending(ctx, want)
		if perr != nil {
			return err
		}
		if len(left) == 0 {
			return nil
		}
		if round == 1 || len(left) == len(todo) {
			// Nothing of the batch was done: the read disproves a membership
			// answer, so a named-only one matches no sentinel.
			return refute(err)
		}
		todo = left
	}
}
