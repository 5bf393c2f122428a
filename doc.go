// Package alletra is a client for the WSAPI, the REST API of HPE 3PAR,
// Primera, Alletra 9000 and Alletra MP block arrays.
//
// # Getting started
//
//	c, err := alletra.NewClient("https://array:8080", user, password)
//	if err != nil { ... }
//	defer c.Close(ctx)
//	err = c.Volumes.Create(ctx, &alletra.VolumeCreateRequest{Name: "vol1", CPG: "SSD_r6", SizeMiB: 1024})
//
// Each resource has a service on the Client:
//
//   - Volumes: virtual volumes: create (in a set too), resize, delete,
//     metadata, and [VolumesService.StartTune] to move or convert one.
//   - VolumeSets: volume sets (LXD's pools), their members and set snapshots.
//   - Hosts: hosts and their initiator paths, ensured by initiator and
//     deleted once unused.
//   - HostSets: host sets, groups of hosts a vLUN can target.
//   - VLUNs: exports of volumes to hosts, and Map and Unmap for a node.
//   - Snapshots: virtual copies, restores (promotes), offline and online
//     physical copies.
//   - Tasks: the array's asynchronous tasks: read, wait for, cancel.
//   - Ports: the array's ports and their target addresses.
//   - System: system information, WSAPI version and configuration,
//     capacity, CPGs and their space and statistics, System Reporter samples.
//   - QoS: QoS rules of volume sets and sys:all_others.
//   - RemoteCopy: remote copy groups, targets and disaster recovery.
//   - FlashCache: the array's flash cache.
//
// Every method takes a context; cancelling it ends the call, its retries
// and any task wait.
//
// # Authentication and sessions
//
// NewClient does no I/O. The first request logs in (POST
// /api/v1/credentials) and, by default, every goroutine shares the session
// key: many concurrent first calls cause one login. When the array answers
// that the key is invalid (HTTP 403, WSAPI code 6), which the WSAPI guide
// says happens after fifteen unused minutes, the Client logs in once more
// (one login however many goroutines noticed) and sends each affected
// request again, once.
//
// The array serialises the requests of one key. [WithSessions] lets a
// Client keep several keys for real concurrency, logged in lazily and each
// re-logged in on its own expiry; [WithMaxInFlight] bounds the requests in
// flight over all of them, and the Client's own transport never opens more
// connections than that bound. [Client.Close] waits for the calls in flight
// and logs out every key; a Client used after Close logs in again. Arrays
// allow few sessions (24 to 36 on two-node systems), so close clients you
// no longer need.
//
// TLS certificates are verified unless [WithInsecureSkipVerify] is given;
// [WithCAFile] and [WithCAPEM] trust an array's own CA or self-signed
// certificate, and [WithTLSConfig] takes any other TLS configuration.
// Passwords and session keys never appear in logs, errors or fmt output.
//
// # Retries and idempotency
//
// Requests go through hashicorp/go-retryablehttp with a jittered exponential
// backoff bounded by [WithRetry] and by the context, honouring Retry-After.
// What may be sent again depends on what the request does on the array, its
// [CallKind], and on what failed. Every call follows one outcome table, the
// table in contract.go, which the Client reads:
//
//	kind         dial  refused                         lost  timeout  busy  cut body  re-login  lost, then an error
//	CallRead     yes   yes                             yes   yes      no    yes       yes       stands
//	CallUpdate   yes   yes                             yes   yes      no    no        yes       reconciled
//	CallDelete   yes   yes                             yes   yes      no    no        yes       not found = done
//	CallCreate   yes   yes                             yes   yes      no    no        yes       reconciled
//	CallDelta    yes   no                              no    no       no    no        yes       stands
//	vLUN create  yes   yes                             no    no       no    no        yes       not resent: looked for
//	login        yes   yes (a 503 without 270 stands)  no    no       no    no        no        stands
//	logout       yes   yes                             yes   yes      yes   no        no        stands
//
// The columns are explained at [CallKind]. A vLUN create is not sent again
// after an unknown outcome because arrays would export the volume twice
// rather than refuse: the Client looks for the vLUN instead. A login is
// never sent again after a lost answer, so that no orphan session is left;
// a 503 without code 270 to a login is a full session table
// ([ErrSessionLimit]). A login the array refuses (401, 403) starts a
// back-off ([WithLoginBackoff]) during which no login is sent and every
// call fails at once with a [*LoginRefusedError] matching
// [ErrAuthentication], so that a wrong password does not lock the account;
// until the credentials are accepted once, concurrent calls share one
// login. A 503 that is one of the array's hard limits ([ErrLimitReached]:
// too many volumes, snapshots or volume ids, a CPG at its allocation
// warning) is never sent again, whatever the kind. After a grow whose
// outcome is unknown, whichever call sent it, [VolumesService.Resize] and
// [VolumesService.ResizeTo] return [ErrGrowPending] instead of growing that
// volume again until its size has changed, the settle time has passed
// ([WithGrowSettleTime]) or the caller calls
// [VolumesService.ForgetPendingGrow].
//
// [Client.NewRequest] and [Client.Do] send any WSAPI request the same way;
// the caller declares its kind.
//
// # Errors
//
// An error answer of the array is an [*APIError] with the HTTP status, the
// WSAPI code and the array's text. Test it with errors.Is against the
// sentinels ([ErrNotFound], [ErrEndpoint], [ErrAlreadyExists], [ErrInUse],
// [ErrBusy], [ErrLimitReached], [ErrNoSpace], ...), which are matched by the
// operation, the HTTP status and the WSAPI code only (the text changes between
// releases; see [APIError.Is]), or read its fields with errors.As. The class
// is decided once, when the error is built from the answer; a read after the
// answer that confirms or corrects it returns a new [*APIError]. Bad arguments
// are refused before any I/O with a [*ValidationError] naming the field.
// Failed and cancelled array tasks are [*TaskError]s. A request that got no
// answer is a [*TransportError]; an unreadable answer matches
// [ErrBadResponse].
//
// # Tasks
//
// Every operation the array runs as a task has a call that returns its [*Task]
// as soon as the array accepted it, without waiting:
// [SnapshotsService.StartRestore], [SnapshotsService.StartCopy],
// [SnapshotsService.StartOnlineCopy], [SnapshotsService.StartResync] and
// [VolumesService.StartTune], and for remote copy
// [RemoteCopyService.Synchronize] and [RemoteCopyService.Recovery] (with its
// shorthands Failover, Recover and Restore). The array answers such an action
// with the task id only, so that *Task has only ID set; [TasksService.Get]
// reads the rest and [TasksService.Wait] waits for the end and returns the
// final task or a [*TaskError]. [SnapshotsService.Restore] and
// [SnapshotsService.Copy] are the start call followed by Tasks.Wait, as are
// [RemoteCopyService.SynchronizeAndWait] and
// [RemoteCopyService.RecoveryAndWait].
//
// # Testing
//
// Package alletratest runs an in-memory WSAPI array over httptest, with
// sessions, tasks, fault injection and the statuses and error codes of the
// public record (docs/wsapi-evidence.md in the repository lists each with
// its source), for tests that need no array.
package alletra
