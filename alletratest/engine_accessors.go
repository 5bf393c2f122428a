package alletratest

import "fmt"

// Volume returns the named volume or snapshot.
func (e *engine) Volume(name string) (VolumeState, bool) {
	e.lock()
	defer e.unlock()
	v := e.volumes[name]
	if v == nil {
		return VolumeState{}, false
	}
	return v.state(), true
}

// Volumes returns every volume and snapshot, in creation order.
func (e *engine) Volumes() []VolumeState {
	e.lock()
	defer e.unlock()
	out := []VolumeState{}
	for _, v := range e.sortedVolumes() {
		out = append(out, v.state())
	}
	return out
}

// VolumeSet returns the named volume set.
func (e *engine) VolumeSet(name string) (VolumeSetState, bool) {
	e.lock()
	defer e.unlock()
	s := e.sets[name]
	if s == nil {
		return VolumeSetState{}, false
	}
	return s.state(), true
}

// VolumeSets returns every volume set, in creation order.
func (e *engine) VolumeSets() []VolumeSetState {
	e.lock()
	defer e.unlock()
	out := []VolumeSetState{}
	for _, s := range sortedKeys(e.sets, func(s *volumeSet) int { return s.ID }) {
		out = append(out, s.state())
	}
	return out
}

// Host returns the named host.
func (e *engine) Host(name string) (HostState, bool) {
	e.lock()
	defer e.unlock()
	h := e.hosts[name]
	if h == nil {
		return HostState{}, false
	}
	return h.state(), true
}

// Hosts returns every host, in creation order.
func (e *engine) Hosts() []HostState {
	e.lock()
	defer e.unlock()
	out := []HostState{}
	for _, h := range e.sortedHosts() {
		out = append(out, h.state())
	}
	return out
}

// VLUNs returns every VLUN record (templates and active paths) in insertion
// order.
func (e *engine) VLUNs() []VLUNState {
	e.lock()
	defer e.unlock()
	out := []VLUNState{}
	for _, l := range e.vluns {
		out = append(out, l.state())
	}
	return out
}

// WriteContent simulates a host writing data: it sets the volume's content
// token. Snapshots taken later copy it; promotes and physical copies move it.
func (e *engine) WriteContent(volume, token string) error {
	e.lock()
	defer e.unlock()
	v := e.volumes[volume]
	if v == nil {
		return fmt.Errorf("alletratest: volume %q does not exist", volume)
	}
	if e.rcReadOnly(volume) { // remotecopy.go
		return errReadOnlySecondary(volume)
	}
	v.Content = token
	v.UsedMiB = min(v.SizeMiB, max(int64(len(token)), 1)*chunkMiB)
	return nil
}

// Content returns the volume's content token.
func (e *engine) Content(volume string) (string, error) {
	e.lock()
	defer e.unlock()
	v := e.volumes[volume]
	if v == nil {
		return "", fmt.Errorf("alletratest: volume %q does not exist", volume)
	}
	return v.Content, nil
}
