package alletratest

// Link makes the simulated arrays a and b each other's remote copy target,
// in one process: a reports the system name "alletra-sim-1" and b
// "alletra-sim-2" (GET /system), and each lists the other under
// GET /remotecopytargets. A remote copy group created on one of them
// (POST /remotecopygroups, with the other's name as its target) appears on
// the other as its secondary group, of the same name. Call Link before
// sending requests to either server.
//
// What the linked arrays do, and the sources of each behaviour, is in
// docs/wsapi-evidence.md ("The simulator's remote copy"): secondary volumes
// created and sized with the primary's, content tokens (WriteContent)
// copied on start and on each synchronization, secondary volumes read-only
// until a failover, a grow of a volume in a started group refused 400/29,
// failover, recover and restore.
func Link(a, b *Server) { linkEngines(a.e, b.e, "alletra-sim-1", "alletra-sim-2") }

// SetRemoteCopyLinkDown cuts (true) or restores (false) the remote copy
// link between two linked servers (call it on either). While it is down a
// synchronization's task fails, the group stops on both arrays and its
// volumes lose their synchronized status; starts, recovers and restores are
// refused with 403. A later start and synchronization, with the link back,
// bring the group in sync again.
func (s *Server) SetRemoteCopyLinkDown(down bool) { s.e.SetRemoteCopyLinkDown(down) }

// RemoteCopyGroup is a test's view of a remote copy group on one array.
type RemoteCopyGroup struct {
	Name         string
	Role         int // 1 primary, 2 secondary
	RoleReversed bool
	State        int // 0 never started, 3 started, 5 stopped
	Target       string
	Volumes      map[string]string // local volume → its secondary
	Synced       map[string]bool   // local volume → synchronized
}

// RemoteCopyGroups returns the array's remote copy groups, by name.
func (s *Server) RemoteCopyGroups() []RemoteCopyGroup {
	return s.e.RemoteCopyGroups()
}
