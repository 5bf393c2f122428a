package alletra

// VLUNsService manages exports of volumes to hosts (WSAPI /vluns).
type VLUNsService service
