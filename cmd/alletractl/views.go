package main

// The JSON documents of -o json. Their field names are part of alletractl's
// interface (testdata/*.golden holds each shape): add fields, never rename or
// remove one. Enums are written by name, never as numbers: as the flags take
// them where a flag takes one (priority "medium"), else the WSAPI's names
// (e.g. "TPVV", "ACTIVE"). Times are RFC 3339 (times.go). Absent or unset
// values are omitted, never written as a table's "-".

import (
	"strconv"

	alletra "github.com/openalletra/go-alletra"
)

type volumeView struct {
	Name         string `json:"name"`
	ID           int    `json:"id"`
	UUID         string `json:"uuid,omitempty"`
	WWN          string `json:"wwn,omitempty"`
	NGUID        string `json:"nguid,omitempty"`
	SizeMiB      int64  `json:"sizeMiB"`
	UsedMiB      int64  `json:"usedMiB"`
	CPG          string `json:"cpg,omitempty"`
	SnapCPG      string `json:"snapCPG,omitempty"`
	Provisioning string `json:"provisioning"`
	CopyType     string `json:"copyType"`
	CopyOf       string `json:"copyOf,omitempty"`
	ReadOnly     bool   `json:"readOnly"`
	Comment      string `json:"comment,omitempty"`
	CreationTime string `json:"creationTime,omitempty"` // RFC 3339
}

func newVolumeView(v *alletra.Volume) volumeView {
	return volumeView{Name: v.Name, ID: v.ID, UUID: v.UUID, WWN: v.WWN, NGUID: v.NGUID, SizeMiB: v.SizeMiB,
		UsedMiB: v.TotalUsedMiB, CPG: v.UserCPG, SnapCPG: v.SnapCPG, Provisioning: v.ProvisioningType.String(),
		CopyType: v.CopyType.String(), CopyOf: v.CopyOf, ReadOnly: v.ReadOnly, Comment: v.Comment,
		CreationTime: volumeTime(v.CreationTime8601, v.CreationTimeSec)}
}

// createdVolume is the document of volume and snapshot create.
type createdVolume struct {
	volumeView
	Created bool `json:"created"` // false: it existed already (--exists-ok)
}

type volumeSetView struct {
	Name    string   `json:"name"`
	ID      int      `json:"id"`
	UUID    string   `json:"uuid,omitempty"`
	Domain  string   `json:"domain,omitempty"`
	Comment string   `json:"comment,omitempty"`
	Members []string `json:"members"`
	QoS     bool     `json:"qosEnabled"`
}

func newVolumeSetView(s *alletra.VolumeSet) volumeSetView {
	m := s.SetMembers
	if m == nil {
		m = []string{}
	}
	return volumeSetView{Name: s.Name, ID: s.ID, UUID: s.UUID, Domain: s.Domain, Comment: s.Comment,
		Members: m, QoS: s.QoSEnabled}
}

type createdVolumeSet struct {
	volumeSetView
	Created bool `json:"created"`
}

type hostView struct {
	Name       string   `json:"name"`
	ID         int      `json:"id"`
	Persona    string   `json:"persona,omitempty"`
	Domain     string   `json:"domain,omitempty"`
	ISCSINames []string `json:"iscsiNames,omitempty"`
	FCWWNs     []string `json:"fcWWNs,omitempty"`
	NQNs       []string `json:"nqns,omitempty"`
}

func newHostView(h *alletra.Host) hostView {
	v := hostView{Name: h.Name, ID: h.ID, Domain: h.Domain}
	if h.Persona != 0 {
		v.Persona = h.Persona.String()
	}
	for _, p := range h.ISCSIPaths {
		v.ISCSINames = append(v.ISCSINames, p.Name)
	}
	for _, p := range h.FCPaths {
		v.FCWWNs = append(v.FCWWNs, p.WWN)
	}
	for _, p := range h.NVMETCPPaths {
		v.NQNs = append(v.NQNs, p.NQN)
	}
	return v
}

// initiators lists the host's initiators for a table cell.
func (v hostView) initiators() []string {
	return append(append(append([]string{}, v.ISCSINames...), v.FCWWNs...), v.NQNs...)
}

type ensuredHost struct {
	hostView
	Created bool `json:"created"` // false: a host had the initiator already
}

type vlunView struct {
	Volume       string `json:"volume"`
	LUN          int    `json:"lun"`
	Host         string `json:"host,omitempty"`
	Port         string `json:"port,omitempty"` // n:s:p
	Type         string `json:"type"`
	Active       bool   `json:"active"`
	VolumeWWN    string `json:"volumeWWN,omitempty"`
	RemoteName   string `json:"remoteName,omitempty"`
	Multipathing string `json:"multipathing,omitempty"`
	SubsystemNQN string `json:"subsystemNQN,omitempty"`
}

func newVLUNView(l *alletra.VLUN) vlunView {
	v := vlunView{Volume: l.VolumeName, LUN: l.LUN, Host: l.HostName, Type: l.Type.String(), Active: l.Active,
		VolumeWWN: l.VolumeWWN, RemoteName: l.RemoteName, SubsystemNQN: l.SubsystemNQN}
	if l.PortPos != nil {
		v.Port = l.PortPos.String()
	}
	if l.Multipathing != 0 {
		v.Multipathing = l.Multipathing.String()
	}
	return v
}

type exportedVLUN struct {
	vlunView
	Created bool `json:"created"` // false: the volume was exported to the host already
}

type unexportView struct {
	Volume      string `json:"volume"`
	Host        string `json:"host"`
	Unexported  bool   `json:"unexported"`  // false: it was not exported to the host (--missing-ok)
	HostDeleted bool   `json:"hostDeleted"` // --delete-host-if-unused: the host had no vLUN left and was deleted
}

// deletedView is the document of every delete.
type deletedView struct {
	Kind    string `json:"kind"` // volume, snapshot, volumeset, host
	Name    string `json:"name"`
	Deleted bool   `json:"deleted"` // false: it did not exist (--missing-ok)
}

type portView struct {
	Port      string `json:"port"` // n:s:p
	Protocol  string `json:"protocol"`
	Mode      string `json:"mode,omitempty"`
	LinkState string `json:"linkState"`
	Type      string `json:"type"`
	Label     string `json:"label,omitempty"`
	PortWWN   string `json:"portWWN,omitempty"`
	NodeWWN   string `json:"nodeWWN,omitempty"`
	IPAddr    string `json:"ipAddr,omitempty"`
	ISCSIName string `json:"iscsiName,omitempty"`
}

func newPortView(p *alletra.Port) portView {
	v := portView{Port: p.PortPos.String(), Protocol: p.Protocol.String(), LinkState: p.LinkState.String(),
		Type: p.Type.String(), Label: p.Label, PortWWN: p.PortWWN, NodeWWN: p.NodeWWN, IPAddr: p.IPAddr,
		ISCSIName: p.ISCSIName}
	if p.Mode != 0 {
		v.Mode = p.Mode.String()
	}
	return v
}

type targetView struct {
	Protocol   string `json:"protocol"`
	IP         string `json:"ip"`
	TargetName string `json:"targetName,omitempty"`
	Port       string `json:"port"`
	VLANTag    int    `json:"vlanTag,omitempty"`
}

func newTargetView(t *alletra.TargetAddress) targetView {
	return targetView{Protocol: t.Protocol.String(), IP: t.IP, TargetName: t.TargetName,
		Port: t.PortPos.String(), VLANTag: t.VLANTag}
}

type spaceView struct {
	TotalMiB    int64 `json:"totalMiB"`
	UsedMiB     int64 `json:"usedMiB"`
	RawTotalMiB int64 `json:"rawTotalMiB"`
	RawUsedMiB  int64 `json:"rawUsedMiB"`
}

type cpgView struct {
	Name          string    `json:"name"`
	ID            int       `json:"id"`
	UUID          string    `json:"uuid,omitempty"`
	Domain        string    `json:"domain,omitempty"`
	NumFPVVs      int       `json:"numFPVVs"`
	NumTPVVs      int       `json:"numTPVVs"`
	NumTDVVs      int       `json:"numTDVVs"`
	UserSpace     spaceView `json:"userSpace"`
	SnapAdminSpc  spaceView `json:"snapshotAdminSpace"`
	SnapDataSpace spaceView `json:"snapshotDataSpace"`
}

func newCPGView(c *alletra.CPG) cpgView {
	sv := func(u alletra.CPGUsage) spaceView {
		return spaceView{TotalMiB: u.TotalMiB, UsedMiB: u.UsedMiB, RawTotalMiB: u.RawTotalMiB, RawUsedMiB: u.RawUsedMiB}
	}
	return cpgView{Name: c.Name, ID: c.ID, UUID: c.UUID, Domain: c.Domain, NumFPVVs: c.NumFPVVs,
		NumTPVVs: c.NumTPVVs, NumTDVVs: c.NumTDVVs, UserSpace: sv(c.UsrUsage), SnapAdminSpc: sv(c.SAUsage),
		SnapDataSpace: sv(c.SDUsage)}
}

type spaceReportView struct {
	CPG                    string `json:"cpg"`
	TotalMiB               int64  `json:"totalMiB"` // over-provisioned used + free, the pool size LXD reports
	RawFreeMiB             int64  `json:"rawFreeMiB"`
	UsableFreeMiB          int64  `json:"usableFreeMiB"`
	OverprovisionedUsedMiB int64  `json:"overprovisionedUsedMiB"`
	OverprovisionedFreeMiB int64  `json:"overprovisionedFreeMiB"`
}

func newSpaceReportView(cpg string, r *alletra.SpaceReport) spaceReportView {
	return spaceReportView{CPG: cpg, TotalMiB: r.TotalMiB(), RawFreeMiB: r.RawFreeMiB, UsableFreeMiB: r.UsableFreeMiB,
		OverprovisionedUsedMiB: r.OverprovisionedUsedMiB, OverprovisionedFreeMiB: r.OverprovisionedFreeMiB}
}

type taskView struct {
	ID              int    `json:"id"`
	Type            string `json:"type"`
	Name            string `json:"name,omitempty"`
	Status          string `json:"status"`
	CompletedPhases int    `json:"completedPhases"`
	TotalPhases     int    `json:"totalPhases"`
	CompletedSteps  int    `json:"completedSteps"`
	TotalSteps      int    `json:"totalSteps"`
	StartTime       string `json:"startTime,omitempty"`  // RFC 3339
	FinishTime      string `json:"finishTime,omitempty"` // RFC 3339; absent while the task runs
	Priority        string `json:"priority,omitempty"`   // high, medium or low, as --priority takes it
	User            string `json:"user,omitempty"`
	// The array's own text of a time alletractl cannot convert without
	// guessing (a zone abbreviation with several meanings, e.g. CST); then
	// startTime or finishTime is absent.
	StartTimeText  string `json:"startTimeText,omitempty"`
	FinishTimeText string `json:"finishTimeText,omitempty"`
}

func newTaskView(t *alletra.Task) taskView {
	v := taskView{ID: t.ID, Type: t.Type.String(), Name: t.Name, Status: t.Status.String(),
		CompletedPhases: t.CompletedPhases, TotalPhases: t.TotalPhases, CompletedSteps: t.CompletedSteps,
		TotalSteps: t.TotalSteps, User: t.User, Priority: priorityName(t.Priority)}
	var ok bool
	if v.StartTime, ok = taskTime(t.StartTime); !ok {
		v.StartTimeText = t.StartTime
	}
	if v.FinishTime, ok = taskTime(t.FinishTime); !ok {
		v.FinishTimeText = t.FinishTime
	}
	return v
}

// priorityName spells a task priority as --priority takes it; "" for none
// (system tasks have -1).
func priorityName(p alletra.TaskPriority) string {
	switch p {
	case alletra.PriorityHigh:
		return "high"
	case alletra.PriorityMedium:
		return "medium"
	case alletra.PriorityLow:
		return "low"
	}
	return ""
}

// taskRow is a task's table row.
func taskRow(t taskView) []string {
	return []string{strconv.Itoa(t.ID), t.Type, t.Status, progressDetail(t), t.Name}
}

var taskHeader = []string{"ID", "TYPE", "STATUS", "PROGRESS", "NAME"}

type apiVersionView struct {
	Major    int `json:"major"`
	Minor    int `json:"minor"`
	Revision int `json:"revision"`
	Build    int `json:"build"`
}

type systemView struct {
	Name                 string          `json:"name"`
	ID                   int             `json:"id"`
	Model                string          `json:"model"`
	SerialNumber         string          `json:"serialNumber"`
	SystemVersion        string          `json:"systemVersion"`
	WSAPI                *apiVersionView `json:"wsapi,omitempty"`
	TotalNodes           int             `json:"totalNodes"`
	OnlineNodes          []int           `json:"onlineNodes,omitempty"`
	TotalCapacityMiB     int64           `json:"totalCapacityMiB"`
	AllocatedCapacityMiB int64           `json:"allocatedCapacityMiB"`
	FreeCapacityMiB      int64           `json:"freeCapacityMiB"`
	FailedCapacityMiB    int64           `json:"failedCapacityMiB"`
}

func newSystemView(s *alletra.System, v *alletra.APIVersion) systemView {
	out := systemView{Name: s.Name, ID: s.ID, Model: s.Model, SerialNumber: s.SerialNumber,
		SystemVersion: s.SystemVersion, TotalNodes: s.TotalNodes, OnlineNodes: s.OnlineNodes,
		TotalCapacityMiB: s.TotalCapacityMiB, AllocatedCapacityMiB: s.AllocatedCapacityMiB,
		FreeCapacityMiB: s.FreeCapacityMiB, FailedCapacityMiB: s.FailedCapacityMiB}
	if v != nil {
		out.WSAPI = &apiVersionView{Major: v.Major, Minor: v.Minor, Revision: v.Revision, Build: v.Build}
	}
	return out
}
