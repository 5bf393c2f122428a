package alletra

// SnapshotsService manages virtual copies (snapshots) and physical copies of volumes.
type SnapshotsService service
