package alletratest

import (
	"fmt"
	"net/http"
	"sort"
	"sync/atomic"
)

// Remote copy: two engines linked with Link are each other's remote copy
// target. A group is created on one engine (its primary) and mirrored on
// the other as a secondary group of the same name. Handlers that touch both
// engines lock them in link order (a, then b), so a link never deadlocks.
// docs/wsapi-evidence.md ("The simulator's remote copy") gives the sources.
//
// Simplifications: the content tokens are copied when a synchronization,
// start, recover or restore is accepted (its task then runs for the task
// duration); every mode replicates only on start and on synchronizations.

// Remote copy numbers (see docs/wsapi-evidence.md, section 8).
const (
	codeNonExistentRCGroup = 187 // NON_EXISTENT_RCOPY_GROUP, 404 (HPE mock, Cinder, flowkit)
	codeRCGroupStarted     = 215 // 403, the group is already started (Cinder, flowkit)
	codeRCInvalidTarget    = 194 // RCOPY_GROUP_INV_TARGET (hpe3par_ansible_module #48); 403 on create, start, add volume (HPE's python client)
	codeExistentRCGroup    = 237 // EXISTENT_RCOPY_GROUP, 409 (HPE mock, Cinder)

	taskTypeRemoteCopySync     = 5 // REMOTE_COPY_SYNC
	taskTypeRemoteCopyFailover = 7 // REMOTE_COPY_FAILOVER
	taskTypeRemoteCopyRecover  = 8 // REMOTE_COPY_RECOVER
	taskTypeRemoteCopyRestore  = 9 // REMOTE_COPY_RESTORE

	rcStarted   = 3
	rcStopped   = 5
	rcPrimary   = 1
	rcSecondary = 2
	rcSynced    = 3

	defaultSystemName = "alletra-sim"
)

// rcLink is the pair of linked engines.
type rcLink struct {
	a, b *engine
	down atomic.Bool
}

// rcState is one engine's remote copy state, guarded by the engine's mu
// (its link and name are set once, by Link, before any request).
type rcState struct {
	link   *rcLink
	peer   *engine
	name   string // the system name, "" for defaultSystemName
	groups map[string]*rcGroup
}

type rcPolicies struct {
	AutoRecover     bool `json:"autoRecover"`
	OverPeriodAlert bool `json:"overPeriodAlert"`
	AutoFailover    bool `json:"autoFailover"`
	PathManagement  bool `json:"pathManagement"`
}

// rcGroup is one engine's view of a group: its public state (Volumes and
// Synced stay nil here; RemoteCopyGroups derives them from vols, which keeps
// the volumes in the order they were added) and what only the engine and the
// wire show.
type rcGroup struct {
	RemoteCopyGroup
	id                         int
	domain                     string
	mode                       int
	localUserCPG, localSnapCPG string
	remoteUserCPG              string
	policies                   rcPolicies
	lastSync                   string
	vols                       []*rcVol
}

type rcVol struct {
	local, remote string
	synced        bool
}

// Link makes a and b each other's remote copy target, named nameA and nameB
// (their GET /system name). Call it before serving requests.
func linkEngines(a, b *engine, nameA, nameB string) {
	l := &rcLink{a: a, b: b}
	a.mu.Lock()
	a.rc.link, a.rc.peer, a.rc.name = l, b, nameA
	a.mu.Unlock()
	b.mu.Lock()
	b.rc.link, b.rc.peer, b.rc.name = l, a, nameB
	b.mu.Unlock()
}

// SetRemoteCopyLinkDown cuts (true) or restores (false) the remote copy
// link of a linked engine, for both sides. While it is down,
// synchronizations fail and the groups stop; starts and recovers are
// refused.
func (e *engine) SetRemoteCopyLinkDown(down bool) {
	if l := e.rcLinkOf(); l != nil {
		l.down.Store(down)
	}
}

func (e *engine) rcLinkOf() *rcLink {
	e.mu.Lock()
	defer e.mu.Unlock()
	return e.rc.link
}

// systemName is the name GET /system reports.
func (e *engine) systemName() string {
	if e.rc.name != "" {
		return e.rc.name
	}
	return defaultSystemName
}

// lockBoth locks e and its peer in link order and returns the unlock.
func (e *engine) lockBoth() func() {
	l := e.rcLinkOf()
	if l == nil {
		e.lock()
		return e.unlock
	}
	l.a.lock()
	l.b.lock()
	return func() { l.b.unlock(); l.a.unlock() }
}

func errNoRCGroup(name string) *apiError {
	return errNotFound(codeNonExistentRCGroup, "remote copy group %s does not exist", name)
}

func (e *engine) rcGroups() map[string]*rcGroup {
	if e.rc.groups == nil {
		e.rc.groups = map[string]*rcGroup{}
	}
	return e.rc.groups
}

// rcGroupOf returns the group a volume is in on this engine. Callers hold e.mu.
func (e *engine) rcGroupOf(volume string) (*rcGroup, *rcVol) {
	for _, g := range e.rc.groups {
		for _, v := range g.vols {
			if v.local == volume {
				return g, v
			}
		}
	}
	return nil, nil
}

// rcGrowGuard refuses a grow of a volume in a started group: 400 code 29
// (csi-driver #332). Callers hold e.mu.
func (e *engine) rcGrowGuard(volume string) *apiError {
	if g, _ := e.rcGroupOf(volume); g != nil && g.State == rcStarted {
		return errBadRequest(codeOther, "the remote copy group %s must be stopped before the volume's user space can be grown", g.Name)
	}
	return nil
}

// rcReadOnly reports whether volume is a secondary volume hosts cannot
// write (RCOPY_GROUP_TARGET_VOL_IS_RO). Callers hold e.mu.
func (e *engine) rcReadOnly(volume string) bool {
	g, _ := e.rcGroupOf(volume)
	return g != nil && g.Role == rcSecondary
}

type rcGroupJSON struct {
	ID              int            `json:"id"`
	Name            string         `json:"name"`
	Domain          string         `json:"domain,omitempty"`
	Role            int            `json:"role"`
	RoleReversed    bool           `json:"roleReversed"`
	RemoteGroupName string         `json:"remoteGroupName"`
	LocalUserCPG    string         `json:"localUserCPG,omitempty"`
	LocalSnapCPG    string         `json:"localSnapCPG,omitempty"`
	Targets         []rcTargetJSON `json:"targets"`
	Volumes         []rcVolumeJSON `json:"volumes"`
}

type rcTargetJSON struct {
	Target            string     `json:"target"`
	State             int        `json:"state,omitempty"`
	Mode              int        `json:"mode"`
	UserCPG           string     `json:"userCPG,omitempty"`
	Policies          rcPolicies `json:"policies"`
	GroupLastSyncTime string     `json:"groupLastSyncTime,omitempty"`
	RoleReversed      bool       `json:"roleReversed"`
}

type rcVolumeJSON struct {
	LocalVolumeName string         `json:"localVolumeName"`
	RemoteVolumes   []rcRemoteJSON `json:"remoteVolumes"`
}

type rcRemoteJSON struct {
	TargetName       string `json:"targetName"`
	RemoteVolumeName string `json:"remoteVolumeName"`
	SyncStatus       int    `json:"syncStatus,omitempty"`
}

func (g *rcGroup) volJSON(v *rcVol) rcVolumeJSON {
	r := rcRemoteJSON{TargetName: g.Target, RemoteVolumeName: v.remote}
	if v.synced {
		r.SyncStatus = rcSynced
	}
	return rcVolumeJSON{LocalVolumeName: v.local, RemoteVolumes: []rcRemoteJSON{r}}
}

func (g *rcGroup) wire() rcGroupJSON {
	j := rcGroupJSON{ID: g.id, Name: g.Name, Domain: g.domain, Role: g.Role, RoleReversed: g.RoleReversed,
		RemoteGroupName: g.Name, LocalUserCPG: g.localUserCPG, LocalSnapCPG: g.localSnapCPG,
		Targets: []rcTargetJSON{{Target: g.Target, State: g.State, Mode: g.mode, UserCPG: g.remoteUserCPG,
			Policies: g.policies, GroupLastSyncTime: g.lastSync, RoleReversed: g.RoleReversed}},
		Volumes: []rcVolumeJSON{}}
	for _, v := range g.vols {
		j.Volumes = append(j.Volumes, g.volJSON(v))
	}
	return j
}

// remoteCopyInfo handles GET /remotecopy. No public source documents the
// answer's members: the simulator sends none.
func (e *engine) remoteCopyInfo(_ *request) response { return okJSON(struct{}{}) }

type rcTargetInfoJSON struct {
	Name     string `json:"name"`
	Status   int    `json:"status"`
	Policies struct {
		MirrorConfig bool `json:"mirrorConfig"`
	} `json:"policies"`
}

// listRCTargets handles GET /remotecopytargets.
func (e *engine) listRCTargets(_ *request) response {
	unlock := e.lockBoth()
	defer unlock()
	out := []rcTargetInfoJSON{}
	if p := e.rc.peer; p != nil {
		t := rcTargetInfoJSON{Name: p.systemName(), Status: 3}
		t.Policies.MirrorConfig = true
		out = append(out, t)
	}
	return listResponse(out)
}

// listRCGroups handles GET /remotecopygroups.
func (e *engine) listRCGroups(_ *request) response {
	e.lock()
	defer e.unlock()
	gs := sortedKeys(e.rc.groups, func(g *rcGroup) int { return g.id })
	out := make([]rcGroupJSON, 0, len(gs))
	for _, g := range gs {
		out = append(out, g.wire())
	}
	return listResponse(out)
}

// getRCGroup handles GET /remotecopygroups/{name}.
func (e *engine) getRCGroup(req *request) response {
	e.lock()
	defer e.unlock()
	g := e.rc.groups[req.params[0]]
	if g == nil {
		return errResponse(errNoRCGroup(req.params[0]))
	}
	return okJSON(g.wire())
}

// listRCVolumes handles GET /remotecopygroups/{name}/volumes.
func (e *engine) listRCVolumes(req *request) response {
	e.lock()
	defer e.unlock()
	g := e.rc.groups[req.params[0]]
	if g == nil {
		return errResponse(errNoRCGroup(req.params[0]))
	}
	out := make([]rcVolumeJSON, 0, len(g.vols))
	for _, v := range g.vols {
		out = append(out, g.volJSON(v))
	}
	return listResponse(out)
}

// getRCVolume handles GET /remotecopygroups/{name}/volumes/{volume}.
func (e *engine) getRCVolume(req *request) response {
	e.lock()
	defer e.unlock()
	g := e.rc.groups[req.params[0]]
	if g == nil {
		return errResponse(errNoRCGroup(req.params[0]))
	}
	for _, v := range g.vols {
		if v.local == req.params[1] {
			return okJSON(g.volJSON(v))
		}
	}
	return errResponse(apiErr(http.StatusNotFound, 0, "volume %s is not in the remote copy group", req.params[1]))
}

type rcTargetBody struct {
	TargetName      *string     `json:"targetName"`
	Mode            *int        `json:"mode"`
	UserCPG         *string     `json:"userCPG"`
	SnapCPG         *string     `json:"snapCPG"`
	RemoteUserCPG   *string     `json:"remoteUserCPG"`
	RemoteSnapCPG   *string     `json:"remoteSnapCPG"`
	SyncPeriod      *int        `json:"syncPeriod"`
	RmSyncPeriod    *bool       `json:"rmSyncPeriod"`
	SnapFrequency   *int        `json:"snapFrequency"`
	RmSnapFrequency *bool       `json:"rmSnapFrequency"`
	Policies        *rcPolicies `json:"policies"`
	SecVolumeName   *string     `json:"secVolumeName"`
}

type rcCreateBody struct {
	Name         *string        `json:"name"`
	Targets      []rcTargetBody `json:"targets"`
	Domain       *string        `json:"domain"`
	LocalUserCPG *string        `json:"localUserCPG"`
	LocalSnapCPG *string        `json:"localSnapCPG"`
}

func str(p *string) string {
	if p == nil {
		return ""
	}
	return *p
}

// rcNotReady: the array has no remote copy configuration or its link is
// down (RCOPY_IS_NOT_READY, RCOPY_TARGET_IS_NOT_READY: 403, no number).
func rcNotReady() *apiError {
	return errForbidden(0, "the remote copy configuration or target is not ready")
}

// createRCGroup handles POST /remotecopygroups.
func (e *engine) createRCGroup(req *request) response {
	var b rcCreateBody
	if err := decodeStrict(req.body, &b); err != nil {
		return errResponse(err)
	}
	if b.Name == nil {
		return errResponse(missing("name"))
	}
	if err := e.validName("name", *b.Name); err != nil {
		return errResponse(err)
	}
	if len(b.Targets) == 0 {
		return errResponse(missing("targets"))
	}
	if len(b.Targets) > 1 {
		return errResponse(errForbidden(0, "the simulator links one target per array"))
	}
	t := b.Targets[0]
	if t.TargetName == nil {
		return errResponse(missing("targetName"))
	}
	if t.Mode == nil {
		return errResponse(missing("mode"))
	}
	if *t.Mode < 1 || *t.Mode > 4 {
		return errResponse(withRef(errBadRequest(codeBadEnumValue, "invalid input: bad enum value"), "mode"))
	}
	unlock := e.lockBoth()
	defer unlock()
	p := e.rc.peer
	if p == nil {
		return errResponse(rcNotReady())
	}
	if *t.TargetName != p.systemName() {
		return errResponse(errForbidden(codeRCInvalidTarget, "%s is not a remote copy target", *t.TargetName))
	}
	if e.cfg.Build >= buildNoSnapCPG && (b.LocalSnapCPG != nil || t.SnapCPG != nil) {
		return errResponse(withRef(errBadRequest(codeInvalidInput, "invalid input: snapCPG is not supported"), "snapCPG"))
	}
	if c := str(b.LocalUserCPG); c != "" && e.cpgs[c] == nil {
		return errResponse(errNoCPG(c))
	}
	if c := str(t.UserCPG); c != "" && p.cpgs[c] == nil {
		return errResponse(errNoCPG(c))
	}
	if e.rcGroups()[*b.Name] != nil {
		return errResponse(errConflict(codeExistentRCGroup, "remote copy group %s exists", *b.Name))
	}
	if p.rcGroups()[*b.Name] != nil {
		return errResponse(errConflict(codeExistentRCGroup, "remote copy group %s exists on the target", *b.Name))
	}
	g := &rcGroup{RemoteCopyGroup: RemoteCopyGroup{Name: *b.Name, Target: p.systemName(), Role: rcPrimary},
		id: e.newID(), domain: str(b.Domain), mode: *t.Mode, localUserCPG: str(b.LocalUserCPG), localSnapCPG: str(b.LocalSnapCPG), remoteUserCPG: str(t.UserCPG)}
	s := &rcGroup{RemoteCopyGroup: RemoteCopyGroup{Name: g.Name, Target: e.systemName(), Role: rcSecondary},
		id: p.newID(), domain: g.domain, mode: g.mode, localUserCPG: g.remoteUserCPG, remoteUserCPG: g.localUserCPG}
	e.rc.groups[g.Name], p.rc.groups[s.Name] = g, s
	return response{status: http.StatusOK}
}

// peerGroup returns the peer's side of g. Callers hold both locks.
func (e *engine) peerGroup(g *rcGroup) *rcGroup {
	if e.rc.peer == nil {
		return nil
	}
	return e.rc.peer.rc.groups[g.Name]
}

// deleteRCGroup handles DELETE /remotecopygroups/{name}[?keepSnap=...]: the
// group goes on both sides; the volumes stay.
func (e *engine) deleteRCGroup(req *request) response {
	unlock := e.lockBoth()
	defer unlock()
	g := e.rc.groups[req.params[0]]
	if g == nil {
		return errResponse(errNoRCGroup(req.params[0]))
	}
	if g.Role != rcPrimary {
		return errResponse(errForbidden(0, "operation only on the primary side"))
	}
	if g.State == rcStarted {
		return errResponse(errForbidden(codeRCGroupStarted, "remote copy group %s is started", g.Name))
	}
	delete(e.rc.groups, g.Name)
	if e.rc.peer != nil {
		delete(e.rc.peer.rc.groups, g.Name)
	}
	return response{status: http.StatusOK}
}

type rcModifyBody struct {
	Action                *int                `json:"action"`
	VolumeName            *string             `json:"volumeName"`
	Targets               []rcTargetBody      `json:"targets"`
	SnapshotName          *string             `json:"snapshotName"`
	VolumeAutoCreation    *bool               `json:"volumeAutoCreation"`
	SkipInitialSync       *bool               `json:"skipInitialSync"`
	TargetName            *string             `json:"targetName"`
	StartingSnapshots     []map[string]string `json:"startingSnapshots"`
	NoSnapshot            *bool               `json:"noSnapshot"`
	NoResyncSnapshot      *bool               `json:"noResyncSnapshot"`
	FullSync              *bool               `json:"fullSync"`
	LocalUserCPG          *string             `json:"localUserCPG"`
	LocalSnapCPG          *string             `json:"localSnapCPG"`
	UnsetUserCPG          *bool               `json:"unsetUserCPG"`
	UnsetSnapCPG          *bool               `json:"unsetSnapCPG"`
	KeepSnap              *bool               `json:"keepSnap"`
	DifferentSecondaryWWN *bool               `json:"differentSecondaryWWN"`
}

// modifyRCGroup handles PUT /remotecopygroups/{name}: modify (no action),
// admit (1) or dismiss (2) a volume, start (3), stop (4), synchronize (5).
func (e *engine) modifyRCGroup(req *request) response {
	var b rcModifyBody
	if err := decodeStrict(req.body, &b); err != nil {
		return errResponse(err)
	}
	unlock := e.lockBoth()
	defer unlock()
	g := e.rc.groups[req.params[0]]
	if g == nil {
		return errResponse(errNoRCGroup(req.params[0]))
	}
	if b.TargetName != nil && *b.TargetName != g.Target {
		return errResponse(errForbidden(codeRCInvalidTarget, "%s is not a target of the group", *b.TargetName))
	}
	if b.Action == nil {
		return e.rcModify(g, &b)
	}
	if g.Role != rcPrimary {
		return errResponse(errForbidden(0, "operation only on the primary side"))
	}
	switch *b.Action {
	case 1:
		return e.rcAdmit(g, &b)
	case 2:
		return e.rcDismiss(g, str(b.VolumeName), false)
	case 3:
		return e.rcStart(g, b.SkipInitialSync != nil && *b.SkipInitialSync)
	case 4:
		e.rcSetState(g, rcStopped)
		return response{status: http.StatusOK}
	case 5:
		return e.rcSync(req, g)
	}
	return errResponse(withRef(errBadRequest(codeBadEnumValue, "invalid input: bad enum value"), "action"))
}

func (e *engine) rcModify(g *rcGroup, b *rcModifyBody) response {
	if c := str(b.LocalUserCPG); c != "" {
		if e.cpgs[c] == nil {
			return errResponse(errNoCPG(c))
		}
		g.localUserCPG = c
	}
	if b.UnsetUserCPG != nil && *b.UnsetUserCPG {
		g.localUserCPG, g.remoteUserCPG = "", ""
	}
	s := e.peerGroup(g)
	for _, t := range b.Targets {
		if str(t.TargetName) != g.Target {
			return errResponse(errForbidden(codeRCInvalidTarget, "%s is not a target of the group", str(t.TargetName)))
		}
		if t.SyncPeriod != nil && (*t.SyncPeriod < 300 || *t.SyncPeriod > 31622400) {
			return errResponse(withRef(errBadRequest(codeExceedsRange, "invalid input: period out of range"), "syncPeriod"))
		}
		if t.Mode != nil {
			if g.State == rcStarted {
				return errResponse(errForbidden(codeRCGroupStarted, "remote copy group %s is started", g.Name))
			}
			g.mode = *t.Mode
		}
		if t.Policies != nil {
			g.policies = *t.Policies
		}
		if c := str(t.RemoteUserCPG); c != "" {
			g.remoteUserCPG = c
		}
	}
	if s != nil {
		s.mode, s.policies = g.mode, g.policies
	}
	return response{status: http.StatusOK}
}

func (e *engine) rcAdmit(g *rcGroup, b *rcModifyBody) response {
	name := str(b.VolumeName)
	if name == "" {
		return errResponse(missing("volumeName"))
	}
	v := e.volumes[name]
	if v == nil {
		return errResponse(errNoVolume(name))
	}
	if in, _ := e.rcGroupOf(name); in == g {
		return errResponse(errConflict(0, "volume %s is already in the remote copy group", name))
	} else if in != nil {
		return errResponse(errForbidden(0, "volume %s is in another remote copy group", name))
	}
	if g.State == rcStarted {
		return errResponse(errForbidden(codeRCGroupStarted, "remote copy group %s is started", g.Name))
	}
	p, s := e.rc.peer, e.peerGroup(g)
	if p == nil || s == nil {
		return errResponse(rcNotReady())
	}
	auto := b.VolumeAutoCreation != nil && *b.VolumeAutoCreation
	sec := name
	switch {
	case len(b.Targets) > 1:
		return errResponse(errForbidden(0, "the wrong number of targets"))
	case len(b.Targets) == 1:
		if str(b.Targets[0].TargetName) != g.Target {
			return errResponse(errForbidden(codeRCInvalidTarget, "%s is not a target of the group", str(b.Targets[0].TargetName)))
		}
		if n := str(b.Targets[0].SecVolumeName); n != "" {
			sec = n
		}
	case !auto:
		return errResponse(missing("targets"))
	}
	pv := p.volumes[sec]
	switch {
	case auto && pv != nil:
		return errResponse(errConflict(0, "secondary volume %s exists on the target", sec))
	case auto:
		cpg := g.remoteUserCPG
		if cpg == "" {
			cpg = v.CPG
		}
		if p.cpgs[cpg] == nil {
			return errResponse(errForbidden(0, "no CPG defined for the remote copy group on the target"))
		}
		id := p.newID()
		p.volumes[sec] = &volume{VolumeState: VolumeState{ID: id, UUID: newUUID(), Name: sec, CPG: cpg, SizeMiB: v.SizeMiB,
			ProvisioningType: v.ProvisioningType, CopyType: copyBase, Created: p.now()}, baseID: id}
	case pv == nil:
		return errResponse(apiErr(http.StatusNotFound, 0, "secondary volume %s does not exist on the target", sec))
	case pv.SizeMiB != v.SizeMiB:
		return errResponse(errForbidden(0, "the size of the volume does not match its secondary"))
	}
	if in, _ := p.rcGroupOf(sec); in != nil {
		return errResponse(errConflict(0, "secondary volume %s is in a remote copy group", sec))
	}
	skip := b.SkipInitialSync != nil && *b.SkipInitialSync
	g.vols = append(g.vols, &rcVol{local: name, remote: sec, synced: skip})
	s.vols = append(s.vols, &rcVol{local: sec, remote: name, synced: skip})
	return response{status: http.StatusOK}
}

// rcDismiss removes volume from g (and its pair from the peer's group);
// removeSecondary deletes the secondary volume too.
func (e *engine) rcDismiss(g *rcGroup, volume string, removeSecondary bool) response {
	if volume == "" {
		return errResponse(missing("volumeName"))
	}
	if g.Role != rcPrimary {
		return errResponse(errForbidden(0, "operation only on the primary side"))
	}
	if g.State == rcStarted {
		return errResponse(errForbidden(codeRCGroupStarted, "remote copy group %s is started", g.Name))
	}
	i := -1
	for k, v := range g.vols {
		if v.local == volume {
			i = k
		}
	}
	if i < 0 {
		return errResponse(apiErr(http.StatusNotFound, 0, "volume %s is not in the remote copy group", volume))
	}
	sec := g.vols[i].remote
	if removeSecondary && e.rc.peer != nil && e.rc.peer.exported(sec) {
		return errResponse(errConflict(codeExportedVLUN, "volume %s is exported", sec))
	}
	g.vols = append(g.vols[:i], g.vols[i+1:]...)
	if s := e.peerGroup(g); s != nil {
		for k, v := range s.vols {
			if v.local == sec {
				s.vols = append(s.vols[:k], s.vols[k+1:]...)
				break
			}
		}
		if removeSecondary {
			delete(e.rc.peer.volumes, sec)
		}
	}
	return response{status: http.StatusOK}
}

// deleteRCVolume handles DELETE /remotecopygroups/{name}/volumes/{volume}
// [?keepSnap=true|?removeSecondaryVolume=true].
func (e *engine) deleteRCVolume(req *request) response {
	keep, remove := req.query.Get("keepSnap") == "true", req.query.Get("removeSecondaryVolume") == "true"
	if keep && remove {
		return errResponse(errBadRequest(codeParamConflict, "invalid input: parameters cannot be present at the same time"))
	}
	unlock := e.lockBoth()
	defer unlock()
	g := e.rc.groups[req.params[0]]
	if g == nil {
		return errResponse(errNoRCGroup(req.params[0]))
	}
	return e.rcDismiss(g, req.params[1], remove)
}

// rcSetState sets the state on both sides. Callers hold both locks.
func (e *engine) rcSetState(g *rcGroup, state int) {
	g.State = state
	if s := e.peerGroup(g); s != nil {
		s.State = state
	}
}

// rcCopy copies the content of g's volumes (on e) to their secondaries
// (on the peer) and marks them synchronized. Callers hold both locks.
func (e *engine) rcCopy(g *rcGroup) {
	p, s := e.rc.peer, e.peerGroup(g)
	if p == nil || s == nil {
		return
	}
	for _, v := range g.vols {
		src, dst := e.volumes[v.local], p.volumes[v.remote]
		if src != nil && dst != nil {
			dst.Content, dst.UsedMiB = src.Content, src.UsedMiB
		}
		v.synced = true
		for _, w := range s.vols {
			if w.local == v.remote {
				w.synced = true
			}
		}
	}
	now := fmtTime8601(e.now())
	g.lastSync, s.lastSync = now, now
}

// rcUnsync marks g's volumes on both sides as not synchronized.
func (e *engine) rcUnsync(g *rcGroup) {
	for _, v := range g.vols {
		v.synced = false
	}
	if s := e.peerGroup(g); s != nil {
		for _, v := range s.vols {
			v.synced = false
		}
	}
}

func (e *engine) rcStart(g *rcGroup, skipSync bool) response {
	if g.State == rcStarted {
		return errResponse(errForbidden(codeRCGroupStarted, "remote copy group %s is already started", g.Name))
	}
	if len(g.vols) == 0 {
		return errResponse(errBadRequest(0, "the remote copy group must contain volumes before being started"))
	}
	if e.rc.link == nil || e.rc.link.down.Load() {
		return errResponse(rcNotReady())
	}
	e.rcSetState(g, rcStarted)
	if !skipSync {
		e.rcCopy(g)
	}
	return response{status: http.StatusOK}
}

// rcSync starts a REMOTE_COPY_SYNC task. With the link down (or
// FailNextTask) the task fails, the group stops on both sides and its
// volumes are no longer synchronized.
func (e *engine) rcSync(req *request, g *rcGroup) response {
	if g.State != rcStarted {
		return errResponse(errForbidden(0, "remote copy group %s is not started", g.Name))
	}
	fail := e.failNext || e.rc.link == nil || e.rc.link.down.Load()
	if fail {
		e.failNext = true
		e.rcSetState(g, rcStopped)
		e.rcUnsync(g)
	} else {
		e.rcCopy(g)
	}
	t := e.startTask(taskTypeRemoteCopySync, g.Name, req.user, "", "", 2)
	return okJSON(map[string]int{"taskid": t.ID})
}

type rcRecoverBody struct {
	Action               *int    `json:"action"`
	TargetName           *string `json:"targetName"`
	SkipStart            *bool   `json:"skipStart"`
	SkipSync             *bool   `json:"skipSync"`
	DiscardNewData       *bool   `json:"discardNewData"`
	SkipPromote          *bool   `json:"skipPromote"`
	NoSnapshot           *bool   `json:"noSnapshot"`
	StopGroups           *bool   `json:"stopGroups"`
	LocalGroupsDirection *bool   `json:"localGroupsDirection"`
}

func isSet(b *bool) bool { return b != nil && *b }

// recoverRCGroup handles POST /remotecopygroups/{name} {"action":6–11}:
// failover (7), recover (9) and restore (10) are simulated, run on the
// array that holds the secondary group.
func (e *engine) recoverRCGroup(req *request) response {
	var b rcRecoverBody
	if err := decodeStrict(req.body, &b); err != nil {
		return errResponse(err)
	}
	if b.Action == nil {
		return errResponse(missing("action"))
	}
	unlock := e.lockBoth()
	defer unlock()
	g := e.rc.groups[req.params[0]]
	if g == nil {
		return errResponse(errNoRCGroup(req.params[0]))
	}
	if b.TargetName != nil && *b.TargetName != g.Target {
		return errResponse(errBadRequest(codeRCInvalidTarget, "%s is not a target of the group", *b.TargetName))
	}
	p := e.peerGroup(g)
	if p == nil {
		return errResponse(rcNotReady())
	}
	conflict := func() response {
		return errResponse(errForbidden(0, "the group is not in the correct role for this operation"))
	}
	up := !e.rc.link.down.Load()
	var typ int
	switch *b.Action {
	case 7: // failover: the secondary group becomes primary, its volumes writable
		if g.Role != rcSecondary || g.RoleReversed {
			return conflict()
		}
		if g.State == rcStarted && up {
			return errResponse(errForbidden(0, "remote copy group %s is not stopped", g.Name))
		}
		g.Role, g.RoleReversed, g.State = rcPrimary, true, rcStopped
		p.State = rcStopped
		typ = taskTypeRemoteCopyFailover
	case 9: // recover: replicate back to the old primary, which becomes secondary
		if g.Role != rcPrimary || !g.RoleReversed || p.Role != rcPrimary {
			return conflict()
		}
		if !up {
			return errResponse(rcNotReady())
		}
		p.Role, p.RoleReversed = rcSecondary, true
		if !isSet(b.SkipStart) {
			e.rcSetState(g, rcStarted)
		}
		if !isSet(b.SkipSync) {
			e.rcCopy(g)
		}
		typ = taskTypeRemoteCopyRecover
	case 10: // restore: the natural direction again, started
		if g.Role != rcPrimary || !g.RoleReversed || p.Role != rcSecondary {
			return conflict()
		}
		if !up {
			return errResponse(rcNotReady())
		}
		if !isSet(b.SkipSync) {
			e.rcCopy(g)
		}
		g.Role, p.Role, g.RoleReversed, p.RoleReversed = rcSecondary, rcPrimary, false, false
		state := rcStarted
		if isSet(b.SkipStart) {
			state = rcStopped
		}
		g.State, p.State = state, state
		typ = taskTypeRemoteCopyRestore
	case 6, 8, 11:
		return errResponse(apiErr(http.StatusNotImplemented, codeUnsupportedOperation, "recovery action %d is not simulated", *b.Action))
	default:
		return errResponse(withRef(errBadRequest(codeBadEnumValue, "invalid input: bad enum value"), "action"))
	}
	t := e.startTask(typ, g.Name, req.user, "", "", 2)
	return okJSON(map[string]int{"taskid": t.ID})
}

// RemoteCopyGroups returns the engine's groups, by name.
func (e *engine) RemoteCopyGroups() []RemoteCopyGroup {
	e.lock()
	defer e.unlock()
	out := []RemoteCopyGroup{}
	for _, g := range e.rc.groups {
		s := g.RemoteCopyGroup
		s.Volumes, s.Synced = map[string]string{}, map[string]bool{}
		for _, v := range g.vols {
			s.Volumes[v.local], s.Synced[v.local] = v.remote, v.synced
		}
		out = append(out, s)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Name < out[j].Name })
	return out
}

// errReadOnlySecondary is WriteContent's refusal of a secondary volume.
func errReadOnlySecondary(volume string) error {
	return fmt.Errorf("alletratest: volume %q is a remote copy secondary: read-only until a failover", volume)
}

func init() {
	const v1 = "/api/v1"
	add := func(tmpl string, m map[string]handlerFunc) {
		routes = append(routes, &route{template: tmpl, segs: splitTemplate(tmpl), methods: m, noAuth: map[string]bool{}})
	}
	add(v1+"/remotecopy", map[string]handlerFunc{"GET": (*engine).remoteCopyInfo})
	add(v1+"/remotecopytargets", map[string]handlerFunc{"GET": (*engine).listRCTargets})
	add(v1+"/remotecopygroups", map[string]handlerFunc{"GET": (*engine).listRCGroups, "POST": (*engine).createRCGroup})
	add(v1+"/remotecopygroups/{name}", map[string]handlerFunc{
		"GET": (*engine).getRCGroup, "PUT": (*engine).modifyRCGroup, "POST": (*engine).recoverRCGroup,
		"DELETE": (*engine).deleteRCGroup,
	})
	add(v1+"/remotecopygroups/{name}/volumes", map[string]handlerFunc{"GET": (*engine).listRCVolumes})
	add(v1+"/remotecopygroups/{name}/volumes/{vol}", map[string]handlerFunc{
		"GET": (*engine).getRCVolume, "DELETE": (*engine).deleteRCVolume,
	})
}

// splitTemplate returns a route template's segments, "" for parameters.
func splitTemplate(tmpl string) []string {
	var out []string
	seg := ""
	for _, r := range tmpl[1:] + "/" {
		if r == '/' {
			if len(seg) > 0 && seg[0] == '{' {
				seg = ""
			}
			out = append(out, seg)
			seg = ""
			continue
		}
		seg += string(r)
	}
	return out
}
