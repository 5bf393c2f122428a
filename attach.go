package alletra

import (
	"context"
	"errors"
	"net/http"
	"strings"
)

// MapRequest names a volume and the node to export it to. Volume, Host and
// Initiator are required; the rest asks for reads a caller may not need.
type MapRequest struct {
	// Volume is the volume (or snapshot) to export.
	Volume string
	// Host is the name to give the node's host when no host has Initiator
	// yet, e.g. naming.HostName(server, "nvme/tcp"). An existing host with
	// the initiator is used whatever its name.
	Host string
	// Initiator is the node's iSCSI name (iqn., eui., naa.), NVMe host NQN
	// (nqn.) or FC WWN; it decides the kind of host created.
	Initiator string
	// Targets also returns the ready target addresses of the initiator's
	// protocol (iSCSI or NVMe/TCP; none for FC), at the price of GET
	// /ports, sent before anything is changed. Leave it false when the
	// addresses are configured.
	Targets bool
	// SubsystemNQN also returns the NVMe subsystem (target) NQN of a new
	// export in VLUN.SubsystemNQN, at the price of one more GET
	// /vluns?query="volumeName==V" (the answer to the export names the LUN
	// only). An export that was already there comes with it at no cost.
	// Leave it false when the node finds the subsystem by NVMe discovery,
	// as LXD's driver does.
	SubsystemNQN bool
}

// Mapping is a volume exported to a node, with what the node needs to
// connect to it.
type Mapping struct {
	// Host is the node's host, as HostsService.Ensure returns it: the
	// array's record when the host was there, what was asked for when this
	// call created it (no read-back; Hosts.Get reads it).
	Host *Host
	// HostCreated is true when this call created the host (see
	// HostsService.Ensure for when it can tell).
	HostCreated bool
	// VLUN is the export's template record: the LUN, and VLUN.Existed when
	// the export was already there. An export that was there is the full
	// record, with VLUN.SubsystemNQN when the array reports one; a new one
	// has the identity fields only, and the subsystem NQN when
	// MapRequest.SubsystemNQN asked for it (older arrays report none: use
	// NVMe discovery then).
	VLUN *VLUN
	// Targets are the addresses to connect to, when MapRequest.Targets
	// asked for them (see PortsService.TargetAddresses and TargetIPs).
	Targets []TargetAddress
}

// maxMapAttempts bounds Map's retries after a concurrent unmap deleted the
// host between its ensure and its export.
const maxMapAttempts = 3

// Map exports a volume to a node in the right order: it ensures the node's
// host by its initiator (HostsService.EnsureByInitiator), then exports the
// volume to it with an automatic LUN (VLUNsService.Create, which never
// exports twice), and returns what the node needs to connect: the LUN and,
// when asked, the target addresses and the NVMe subsystem NQN.
//
// It is all or nothing. On success the Mapping is returned and the error
// is nil; on failure the Mapping is nil, and what this call made is
// undone: a new export is deleted, and a host this call created is deleted
// unless something else uses it by then (HostsService.DeleteIfUnused). When
// the undo cannot finish, the error is a *MapError naming exactly what this
// call made that is still on the array; otherwise nothing of this call is
// left. One case stays open, as for any create: when the host's create
// gets no answer on any of its attempts, the host may or may not have been
// made, and the error is the create's own; a later Map finds and uses it,
// and HostsService.DeleteIfUnused removes it.
//
// It is safe against a concurrent unmap that deletes the host as it
// becomes unused (on this or another node): when the host vanishes between
// the ensure and the export (the export answers 404, code 17) the host is
// ensured again and the export repeated, at most three times in all.
//
// WSAPI, in this order: GET /api/v1/ports when Targets is set; GET
// /api/v1/hosts[?query=...] and, when no host has the initiator, POST
// /api/v1/hosts (see HostsService.Ensure); GET
// /api/v1/vluns?query="volumeName==V" and, when the export is not there,
// POST /api/v1/vluns (see Create); GET /api/v1/vluns?query="volumeName==V"
// when SubsystemNQN is set, the host is NVMe and the export is new. A new
// host and a new export with Targets: 5 requests, as LXD's own client
// sends. On failure, the undo: DELETE /api/v1/vluns/<id> for a new export,
// DELETE /api/v1/hosts/<name> for a new host (and GET /api/v1/hosts/<name>
// when the array keeps it as in use). Safe to call again.
func (s *VLUNsService) Map(ctx context.Context, req *MapRequest) (*Mapping, error) {
	if req == nil {
		return nil, invalid("req", "nil *MapRequest")
	}
	if err := s.client.checkVLUNName("Volume", req.Volume); err != nil {
		return nil, err
	}
	if err := s.client.checkName("Host", req.Host); err != nil {
		return nil, err
	}
	hostReq, kind, err := hostRequestFor(req.Host, req.Initiator)
	if err != nil {
		return nil, err
	}
	m := &Mapping{}
	if protocol := kind.protocol(); req.Targets && protocol != 0 { // FC: the fabric finds the targets
		if m.Targets, err = s.client.Ports.TargetAddresses(ctx, protocol); err != nil {
			return nil, err
		}
	}
	hosts := s.client.Hosts
	for attempt := 1; ; attempt++ {
		h, created, err := hosts.Ensure(ctx, hostReq)
		if err != nil {
			return nil, err
		}
		m.Host, m.HostCreated = h, created
		v, err := s.Create(ctx, &VLUNCreateRequest{VolumeName: req.Volume, HostName: h.Name, AutoLUN: true})
		if err != nil && hasCode(err, http.StatusNotFound, CodeNonExistentHost) && attempt < maxMapAttempts {
			continue // a concurrent unmap deleted the host: ensure it again
		}
		if err != nil {
			return nil, s.undoMap(ctx, err, m)
		}
		m.VLUN = v
		if kind == initiatorNVMe && req.SubsystemNQN && !v.Existed && v.SubsystemNQN == "" {
			full, err := s.findTemplate(ctx, &VLUNCreateRequest{VolumeName: req.Volume, HostName: h.Name})
			if err != nil {
				return nil, s.undoMap(ctx, err, m)
			}
			if full != nil {
				m.VLUN = full
			}
		}
		return m, nil
	}
}

// protocol is the port protocol of the initiator's targets; 0 for FC.
func (k initiatorKind) protocol() PortProtocol {
	switch k {
	case initiatorISCSI:
		return ProtocolISCSI
	case initiatorNVMe:
		return ProtocolNVMe
	}
	return 0
}

// undoMap removes what a failed Map made (m.VLUN when new, m.Host when
// created) and returns the error to give the caller: cause itself when
// nothing of this call is left, a *MapError naming what is otherwise.
func (s *VLUNsService) undoMap(ctx context.Context, cause error, m *Mapping) error {
	me := &MapError{Err: cause}
	if m.VLUN != nil && !m.VLUN.Existed {
		id := m.VLUN.ID()
		if err := s.Delete(ctx, id); err != nil && !errors.Is(err, ErrNotFound) {
			me.VLUN, me.UndoErr = &id, err
		}
	}
	if m.HostCreated {
		switch deleted, err := s.client.Hosts.DeleteIfUnused(ctx, m.Host.Name); {
		case err != nil:
			me.Host, me.UndoErr = m.Host.Name, errors.Join(me.UndoErr, err)
		case !deleted:
			// In use: by the export that could not be deleted, by one whose
			// create had an unknown outcome, or by a concurrent caller's.
			// Either way it is still there, and the caller is told.
			if _, gerr := s.client.Hosts.Get(ctx, m.Host.Name); gerr == nil {
				me.Host = m.Host.Name
			}
		}
	}
	if me.Host == "" && me.VLUN == nil {
		return cause
	}
	return me
}

// Unmapping is the result of Unmap.
type Unmapping struct {
	// Host is the host that has the initiator; "" when no host has it (then
	// nothing was mapped and nothing was done).
	Host string
	// Removed counts the vLUN templates of the volume removed from the host
	// (0 when it was not exported there).
	Removed int
	// HostUnused is true when the host had no other vLUN when it was
	// listed: the node can log out of the array's targets, then call
	// HostsService.DeleteIfUnused(Host), which the array refuses (and so
	// keeps the host) if a concurrent map exported something to it
	// meanwhile.
	HostUnused bool
}

// Unmap removes a volume's export from a node, and says whether the node's
// host has anything else mapped; it leaves the host in place. This is the
// first half of LXD's unmap, in LXD's order:
//
//  1. Unmap: delete the exports (this call);
//  2. when Unmapping.HostUnused, disconnect on the node (log out of the
//     iSCSI targets, nvme disconnect): the caller's own step;
//  3. HostsService.DeleteIfUnused(Unmapping.Host): delete the host unless
//     something uses it by then.
//
// It finds the node's host by its initiator, lists that host's vLUNs, and
// deletes its templates of the volume (never another host's record). It is
// idempotent: a volume that is not exported, a host that is gone, and an
// initiator no host has are no errors.
//
// On failure after the lookup, the error is an *UnmapError that says which
// exports were removed and which are left; the result is then nil.
//
// WSAPI: GET /api/v1/hosts[?query=...] (see FindByInitiator), GET
// /api/v1/vluns?query="hostname==H", then DELETE /api/v1/vluns/<id> per
// template of the volume: 3 requests for one export, where LXD's own client
// sends 4 for the same (it lists the volume's vLUNs, then the host's);
// step 3 is one more, as in LXD.
func (s *VLUNsService) Unmap(ctx context.Context, volume, initiator string) (*Unmapping, error) {
	if err := s.client.checkVLUNName("volume", volume); err != nil {
		return nil, err
	}
	h, err := s.client.Hosts.FindByInitiator(ctx, initiator)
	switch {
	case errors.Is(err, ErrNotFound):
		return &Unmapping{}, nil
	case err != nil:
		return nil, err
	}
	vs, err := s.List(ctx, &VLUNListOptions{HostName: h.Name})
	if err != nil {
		return nil, &UnmapError{Err: err, Host: h.Name}
	}
	out := &Unmapping{Host: h.Name, HostUnused: true}
	var mine []VLUNID
	for _, v := range vs {
		if strings.EqualFold(v.VolumeName, volume) {
			mine = append(mine, v.ID())
		} else {
			out.HostUnused = false
		}
	}
	for i, id := range mine {
		if err := s.Delete(ctx, id); err != nil && !errors.Is(err, ErrNotFound) {
			return nil, &UnmapError{Err: err, Host: h.Name, Removed: mine[:i:i], Left: mine[i:]}
		}
		out.Removed++
	}
	return out, nil
}
