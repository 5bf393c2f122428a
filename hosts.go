package alletra

// HostsService manages hosts and their initiator paths (WSAPI /hosts).
type HostsService service
