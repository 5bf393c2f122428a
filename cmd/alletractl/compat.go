package main

// What alletractl does on top of single SDK calls: unexporting a volume from
// a host named on the command line, with the host's clean-up.

import (
	"context"
	"errors"

	alletra "github.com/openalletra/go-alletra"
)

// unexportResult is what unexport did.
type unexportResult struct {
	Unexported  bool // some export of the volume to the host was removed
	HostDeleted bool // asked to, the host had no vLUN left and was deleted
}

// unexport removes every export of volume to host and then, only when
// deleteHost (--delete-host-if-unused), deletes the host when no vLUN of it
// is left (what LXD's driver does on unmap). A volume not exported to the
// host is not an error here: the caller decides with --missing-ok. A host
// that is still exported elsewhere, or another client's export appearing in
// between, keeps the host: VLUNs.DeleteForHost, then Hosts.DeleteIfUnused
// (the array refuses to delete a host that is still exported to).
func unexport(ctx context.Context, c *alletra.Client, volume, host string, deleteHost bool) (unexportResult, error) {
	var res unexportResult
	err := c.VLUNs.DeleteForHost(ctx, volume, host)
	switch {
	case err == nil:
		res.Unexported = true
	case !errors.Is(err, alletra.ErrNotFound):
		return res, err
	}
	if !deleteHost {
		return res, nil
	}
	// One DELETE: the array refuses it while anything is exported to the
	// host (the host is then kept), so a concurrent export is safe.
	deleted, err := c.Hosts.DeleteIfUnused(ctx, host)
	if err != nil {
		return res, err
	}
	res.HostDeleted = deleted
	return res, nil
}
