package alletratest

// GET /capacity, as HPE's python client reads it (getOverallSystemCapacity)
// and its mock answers it: allCapacity, FCCapacity, NLCapacity and
// SSDCapacity, each with totalMiB, allocated {totalAllocatedMiB, volumes
// {...}, system {...}}, freeMiB, freeInitializedMiB, freeUninitializedMiB,
// unavailableCapacityMiB and failedCapacityMiB. The simulated array is all
// flash: every MiB is on SSDs, FC and NL report zeros. The totals agree with
// GET /system.

type capacityVolumesJSON struct {
	TotalVolumesMiB      mib `json:"totalVolumesMiB"`
	NonCPGsMiB           mib `json:"nonCPGsMiB"`
	NonCPGUserMiB        mib `json:"nonCPGUserMiB"`
	NonCPGSnapshotMiB    mib `json:"nonCPGSnapshotMiB"`
	NonCPGAdminMiB       mib `json:"nonCPGAdminMiB"`
	CPGsMiB              mib `json:"CPGsMiB"`
	CPGUserMiB           mib `json:"CPGUserMiB"`
	CPGUserUsedMiB       mib `json:"CPGUserUsedMiB"`
	CPGUserUnusedMiB     mib `json:"CPGUserUnusedMiB"`
	CPGSnapshotMiB       mib `json:"CPGSnapshotMiB"`
	CPGSnapshotUsedMiB   mib `json:"CPGSnapshotUsedMiB"`
	CPGSnapshotUnusedMiB mib `json:"CPGSnapshotUnusedMiB"`
	CPGAdminMiB          mib `json:"CPGAdminMiB"`
	CPGAdminUsedMiB      mib `json:"CPGAdminUsedMiB"`
	CPGAdminUnusedMiB    mib `json:"CPGAdminUnusedMiB"`
	UnmappedMiB          mib `json:"unmappedMiB"`
}

type capacitySystemJSON struct {
	TotalSystemMiB mib `json:"totalSystemMiB"`
	InternalMiB    mib `json:"internalMiB"`
	SpareMiB       mib `json:"spareMiB"`
	SpareUsedMiB   mib `json:"spareUsedMiB"`
	SpareUnusedMiB mib `json:"spareUnusedMiB"`
}

type capacityAllocatedJSON struct {
	TotalAllocatedMiB mib                 `json:"totalAllocatedMiB"`
	Volumes           capacityVolumesJSON `json:"volumes"`
	System            capacitySystemJSON  `json:"system"`
}

type capacityJSON struct {
	TotalMiB               mib                   `json:"totalMiB"`
	Allocated              capacityAllocatedJSON `json:"allocated"`
	FreeMiB                mib                   `json:"freeMiB"`
	FreeInitializedMiB     mib                   `json:"freeInitializedMiB"`
	FreeUninitializedMiB   mib                   `json:"freeUninitializedMiB"`
	UnavailableCapacityMiB mib                   `json:"unavailableCapacityMiB"`
	FailedCapacityMiB      mib                   `json:"failedCapacityMiB"`
}

type overallCapacityJSON struct {
	All capacityJSON `json:"allCapacity"`
	FC  capacityJSON `json:"FCCapacity"`
	NL  capacityJSON `json:"NLCapacity"`
	SSD capacityJSON `json:"SSDCapacity"`
}

// capacity is one device type's record for used and free MiB.
func (e *engine) capacity(used, free int64) capacityJSON {
	m := e.mib
	return capacityJSON{
		TotalMiB: m(used + free),
		Allocated: capacityAllocatedJSON{
			TotalAllocatedMiB: m(used),
			Volumes: capacityVolumesJSON{TotalVolumesMiB: m(used), NonCPGsMiB: m(0), NonCPGUserMiB: m(0),
				NonCPGSnapshotMiB: m(0), NonCPGAdminMiB: m(0), CPGsMiB: m(used), CPGUserMiB: m(used),
				CPGUserUsedMiB: m(used), CPGUserUnusedMiB: m(0), CPGSnapshotMiB: m(0), CPGSnapshotUsedMiB: m(0),
				CPGSnapshotUnusedMiB: m(0), CPGAdminMiB: m(0), CPGAdminUsedMiB: m(0), CPGAdminUnusedMiB: m(0),
				UnmappedMiB: m(0)},
			System: capacitySystemJSON{TotalSystemMiB: m(0), InternalMiB: m(0), SpareMiB: m(0),
				SpareUsedMiB: m(0), SpareUnusedMiB: m(0)},
		},
		FreeMiB: m(free), FreeInitializedMiB: m(free), FreeUninitializedMiB: m(0),
		UnavailableCapacityMiB: m(0), FailedCapacityMiB: m(0),
	}
}

// getCapacity handles GET /capacity.
func (e *engine) getCapacity(_ *request) response {
	e.lock()
	defer e.unlock()
	used, free := e.space("")
	all := e.capacity(used, free)
	return okJSON(overallCapacityJSON{All: all, FC: e.capacity(0, 0), NL: e.capacity(0, 0), SSD: all})
}
