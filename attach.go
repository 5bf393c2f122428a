package alletra

import (
	"context"
	"errors"
	"net/http"
)

// MapRequest names a volume and the node to export it to.
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
	// /ports. Leave it false when the addresses are configured.
	Targets bool
}

// Mapping is a volume exported to a node, with what the node needs to
// connect to it.
type Mapping struct {
	// Host is the node's host on the array.
	Host *Host
	// HostCreated is true when this call created the host (see
	// HostsService.Ensure for when it can tell).
	HostCreated bool
	// VLUN is the export's template record: the LUN, and VLUN.Existed when
	// the export was already there. For an NVMe host it is the full record,
	// with VLUN.SubsystemNQN, the target subsystem's NQN, when the array
	// reports one (older arrays do not: use NVMe discovery then).
	VLUN *VLUN
	// Targets are the addresses to connect to, when MapRequest.Targets
	// asked for them (see PortsService.TargetAddresses).
	Targets []TargetAddress
}

// maxMapAttempts bounds Map's retries after a concurrent Unmap deleted the
// host between its ensure and its export.
const maxMapAttempts = 3

// Map exports a volume to a node in the right order: it ensures the node's
// host by its initiator (HostsService.EnsureByInitiator), then exports the
// volume to it with an automatic LUN (VLUNsService.Create, which never
// exports twice), and returns what the node needs to connect: the LUN, the
// NVMe subsystem NQN and, when asked, the target addresses.
//
// It is safe against a concurrent Unmap that deletes the host as it
// becomes unused (on this or another node): when the export finds the host
// gone (404, code 17) the host is ensured again and the export repeated.
// When the export fails for another reason and this call created the host,
// the host is deleted again unless something else is mapped to it, so
// nothing is left half-done.
//
// When only reading the connection details fails, the export is made: the
// Mapping comes back with the error.
//
// WSAPI: as EnsureByInitiator, then GET and POST /api/v1/vluns (see
// Create); for an NVMe host whose new export lacks the subsystem NQN, GET
// /api/v1/vluns?query="volumeName==V" once more; GET /api/v1/ports when
// Targets is set. Safe to call again.
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
	hosts := s.client.Hosts
	for attempt := 1; ; attempt++ {
		h, created, err := hosts.Ensure(ctx, hostReq)
		if err != nil {
			if created {
				s.dropUnusedHost(ctx, hostReq.Name)
			}
			return nil, err
		}
		v, err := s.Create(ctx, &VLUNCreateRequest{VolumeName: req.Volume, HostName: h.Name, AutoLUN: true})
		var apiErr *APIError
		if err != nil && errors.As(err, &apiErr) && apiErr.Code == CodeNonExistentHost && attempt < maxMapAttempts {
			continue // a concurrent Unmap deleted the host: ensure it again
		}
		if err != nil {
			if created {
				s.dropUnusedHost(ctx, h.Name)
			}
			return nil, err
		}
		m := &Mapping{Host: h, HostCreated: created, VLUN: v}
		if err := s.completeMapping(ctx, req, kind, m); err != nil {
			return m, err
		}
		return m, nil
	}
}

// completeMapping fills in what a node needs to connect: the full vLUN
// record of an NVMe export and, when asked, the target addresses.
func (s *VLUNsService) completeMapping(ctx context.Context, req *MapRequest, kind initiatorKind, m *Mapping) error {
	if kind == initiatorNVMe && m.VLUN.SubsystemNQN == "" {
		v, err := s.findTemplate(ctx, &VLUNCreateRequest{VolumeName: req.Volume, HostName: m.Host.Name})
		if err != nil {
			return err
		}
		if v != nil {
			v.Existed = m.VLUN.Existed
			m.VLUN = v
		}
	}
	var protocol PortProtocol
	switch kind {
	case initiatorISCSI:
		protocol = ProtocolISCSI
	case initiatorNVMe:
		protocol = ProtocolNVMe
	}
	if !req.Targets || protocol == 0 {
		return nil // FC: the fabric finds the targets
	}
	targets, err := s.client.Ports.TargetAddresses(ctx, protocol)
	m.Targets = targets
	return err
}

// Unmapping is the result of Unmap.
type Unmapping struct {
	// Host is the host that has the initiator; "" when no host has it (then
	// nothing was mapped and nothing was done).
	Host string
	// Removed counts the vLUN templates of the volume removed from the host
	// (0 when it was not exported there).
	Removed int
	// HostDeleted is true when the host had nothing else mapped and was
	// deleted: the node can also log out of the array's targets. It is
	// false when the host still has vLUNs, including one a concurrent Map
	// made meanwhile (the array then refuses the delete, which is no error).
	HostDeleted bool
}

// Unmap removes a volume's export from a node and cleans the host up: it
// finds the node's host by its initiator, deletes that host's vLUNs of the
// volume (never another host's), and when the host has nothing else
// mapped, deletes the host. This is what LXD's driver does on unmap.
//
// It is safe against a concurrent Map (on this or another node): the host
// is deleted only after its vLUNs were listed as none, and the array
// refuses to delete a host that has vLUNs (409, code 26, or another 409):
// that answer means "still in use", and Unmap returns with HostDeleted
// false and no error. It is idempotent: a volume that is not exported, a
// host that is gone, and an initiator no host has are no errors.
//
// WSAPI: GET /api/v1/hosts[?query=...] (see FindByInitiator), GET
// /api/v1/vluns?query="volumeName==V" and DELETE /api/v1/vluns/<id> per
// template, GET /api/v1/vluns?query="hostname==H", then DELETE
// /api/v1/hosts/<name> when nothing is left.
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
	out := &Unmapping{Host: h.Name}
	vs, err := s.List(ctx, &VLUNListOptions{VolumeName: volume, HostName: h.Name})
	if err != nil {
		return out, err
	}
	for _, v := range vs {
		if err := s.Delete(ctx, v.VolumeName, v.LUN, v.HostName, v.PortPos); err != nil && !errors.Is(err, ErrNotFound) {
			return out, err
		}
		out.Removed++
	}
	out.HostDeleted, err = s.deleteHostIfUnused(ctx, h.Name)
	return out, err
}

// deleteHostIfUnused deletes the host when it has no vLUNs. A host that has
// some, or gets one before the delete lands (409), is kept; one already
// gone counts as not deleted by this call.
func (s *VLUNsService) deleteHostIfUnused(ctx context.Context, host string) (bool, error) {
	rest, err := s.List(ctx, &VLUNListOptions{HostName: host})
	if err != nil || len(rest) > 0 {
		return false, err
	}
	err = s.client.Hosts.Delete(ctx, host)
	var apiErr *APIError
	switch {
	case err == nil:
		return true, nil
	case errors.Is(err, ErrNotFound):
		return false, nil
	case errors.As(err, &apiErr) && apiErr.StatusCode == http.StatusConflict:
		return false, nil // still in use: a concurrent map, or a host set
	}
	return false, err
}

// dropUnusedHost undoes a host this call created, unless it is in use; its
// errors are not the caller's concern (the call already fails).
func (s *VLUNsService) dropUnusedHost(ctx context.Context, host string) {
	_, _ = s.deleteHostIfUnused(ctx, host)
}
