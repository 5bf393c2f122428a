package alletratest

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

const (
	iqn1 = "iqn.1993-08.org.debian:01:6b2f4c9a1e3d"
	iqn2 = "iqn.1993-08.org.debian:01:0000000000b2"
	nqn1 = "nqn.2014-08.org.nvmexpress:uuid:5a2504b0-6a6c-4849-8ee7-ddb0b674fd14"
)

func TestVolumeSets(t *testing.T) {
	t.Parallel()
	c := newTC(t, simConfig{})
	c.volume("a", 256)
	c.volume("b", 256)
	r := c.ok(201, "POST", "/volumesets", map[string]any{"name": "pool1", "comment": "Created and managed by LXD"})
	assert.Equal(t, "/api/v1/volumesets/pool1", r.header.Get("Location"))
	c.fails(409, codeExistentSet, "POST", "/volumesets", map[string]any{"name": "pool1"})
	c.ok(200, "PUT", "/volumesets/pool1", map[string]any{"action": 1, "setmembers": []string{"a"}})
	c.fails(409, 104, "PUT", "/volumesets/pool1", map[string]any{"action": 1, "setmembers": []string{"b", "a"}})
	c.fails(404, codeNonExistentVolume, "PUT", "/volumesets/pool1", map[string]any{"action": 1, "setmembers": []string{"zz"}})
	c.refused(404, "PUT", "/volumesets/pool1", map[string]any{"action": 2, "setmembers": []string{"b"}})
	set, ok := c.srv.Engine.VolumeSet("pool1")
	require.True(t, ok)
	assert.Equal(t, []string{"a"}, set.Members, "failed requests change nothing")
	assert.Equal(t, "Created and managed by LXD", set.Comment)

	got := c.ok(200, "GET", "/volumesets/pool1", nil).json(t)
	assert.Equal(t, []any{"a"}, got["setmembers"])
	q := c.ok(200, "GET", "/volumesets"+qs(`setmembers==a`), nil).members(t)
	require.Len(t, q, 1)
	c.refused(400, "GET", "/volumesets"+qs(`bogus==a`), nil)

	c.fails(409, codeInUse, "DELETE", "/volumes/a", nil)
	c.ok(200, "DELETE", "/volumesets/pool1", nil)
	c.fails(404, codeNonExistentSet, "DELETE", "/volumesets/pool1", nil)
	c.fails(404, codeNonExistentSet, "GET", "/volumesets/pool1", nil)
	c.fails(404, codeNonExistentVolume, "POST", "/volumesets", map[string]any{"name": "p2", "setmembers": []string{"zz"}})
}

func TestHosts(t *testing.T) {
	t.Parallel()
	c := newTC(t, simConfig{})
	r := c.ok(201, "POST", "/hosts", map[string]any{"name": "node1-iscsi", "iSCSINames": []string{iqn1},
		"descriptors": map[string]any{"comment": "Created by LXD", "os": "Linux"}})
	assert.Equal(t, "/api/v1/hosts/node1-iscsi", r.header.Get("Location"))
	c.nvmeHost("node1-nvme-tcp", nqn1)
	c.ok(201, "POST", "/hosts", map[string]any{"name": "esx01", "FCWWNs": []string{"10:00:00:90:fa:1b:2c:3d"}, "persona": 8})

	c.fails(400, codeParamConflict, "POST", "/hosts", map[string]any{"name": "x", "iSCSINames": []string{"iqn.x"}, "FCWWNs": []string{"10000090FA1B2C3E"}})
	c.fails(409, codeExistentHost, "POST", "/hosts", map[string]any{"name": "node1-iscsi", "iSCSINames": []string{iqn2}})
	c.fails(409, codeExistentPath, "POST", "/hosts", map[string]any{"name": "other", "NQN": nqn1})
	c.fails(409, codeExistentPath, "POST", "/hosts", map[string]any{"name": "other", "FCWWNs": []string{"10000090FA1B2C3D"}})
	c.fails(400, codeInvalidInput, "POST", "/hosts", map[string]any{"name": "other", "FCWWNs": []string{"xyz"}})
	c.fails(400, codeInvalidInput, "POST", "/hosts", map[string]any{"name": "other", "nqn": nqn1})

	h := c.ok(200, "GET", "/hosts/node1-nvme-tcp", nil).json(t)
	paths := h["NVMETCPPaths"].([]any)
	require.Len(t, paths, 1)
	assert.Equal(t, nqn1, paths[0].(map[string]any)["NQN"])
	h = c.ok(200, "GET", "/hosts/esx01", nil).json(t)
	assert.Equal(t, "10000090FA1B2C3D", h["FCPaths"].([]any)[0].(map[string]any)["wwn"])
	c.fails(404, codeNonExistentHost, "GET", "/hosts/nope", nil)

	q := c.ok(200, "GET", "/hosts"+qs(`iSCSIPaths[name==`+iqn1+` OR name==`+iqn2+`] OR FCPaths[wwn==10:00:00:90:FA:1B:2C:3D]`), nil).members(t)
	assert.Len(t, q, 2)
	q = c.ok(200, "GET", "/hosts"+qs(`NVMETCPPaths[NQN==`+nqn1+`]`), nil).members(t)
	require.Len(t, q, 1)
	assert.Equal(t, "node1-nvme-tcp", q[0]["name"])
	q = c.ok(200, "GET", "/hosts"+qs(`name==esx01`), nil).members(t)
	assert.Len(t, q, 1)

	// Path changes.
	c.ok(200, "PUT", "/hosts/node1-iscsi", map[string]any{"pathOperation": 1, "iSCSINames": []string{iqn2}})
	c.fails(409, codeExistentPath, "PUT", "/hosts/esx01", map[string]any{"pathOperation": 1, "iSCSINames": []string{iqn2}})
	c.fails(404, codeNonExistentPath, "PUT", "/hosts/esx01", map[string]any{"pathOperation": 2, "iSCSINames": []string{"iqn.none"}})
	c.fails(400, codeOneRequired, "PUT", "/hosts/esx01", map[string]any{"iSCSINames": []string{"iqn.none"}})
	c.ok(200, "PUT", "/hosts/node1-iscsi", map[string]any{"pathOperation": 2, "iSCSINames": []string{iqn1}})
	st, _ := c.srv.Engine.Host("node1-iscsi")
	assert.Equal(t, []string{iqn2}, st.ISCSINames)
	assert.Equal(t, "Created by LXD", st.Comment)

	c.volume("v", 256)
	c.export("v", "node1-iscsi")
	c.fails(409, codeExportedVLUN, "DELETE", "/hosts/node1-iscsi", nil)
	c.ok(200, "PUT", "/hosts/node1-iscsi", map[string]any{"newName": "renamed"})
	assert.Equal(t, "renamed", c.srv.Engine.VLUNs()[0].Hostname)
	c.ok(200, "DELETE", "/hosts/esx01", nil)
	c.fails(404, codeNonExistentHost, "DELETE", "/hosts/esx01", nil)
	assert.Len(t, c.srv.Engine.Hosts(), 2)
}

// HPE's mock: a host in a domain the array does not have is 404
// NON_EXISTENT_DOMAIN (38). A new array has no domains.
func TestHostUnknownDomain(t *testing.T) {
	t.Parallel()
	c := newTC(t, simConfig{})
	c.fails(404, codeNonExistentDomain, "POST", "/hosts", map[string]any{"name": "h", "iSCSINames": []string{iqn1}, "domain": "UNIT_TEST"})
	assert.Empty(t, c.srv.Engine.Hosts())
	c.ok(201, "POST", "/hosts", map[string]any{"name": "h", "iSCSINames": []string{iqn1}})
}

// The guide and HPE's mock answer a GET of a name with an illegal character
// with 400 INV_INPUT_ILLEGAL_CHAR (69), not 404.
func TestGetHostIllegalName(t *testing.T) {
	t.Parallel()
	c := newTC(t, simConfig{})
	c.fails(400, codeIllegalChar, "GET", "/hosts/bad!name", nil)
	c.fails(400, codeIllegalChar, "GET", "/hosts/a%23b", nil)
	c.fails(404, codeNonExistentHost, "GET", "/hosts/good-name", nil)
}

func TestHostConfiguredDomain(t *testing.T) {
	t.Parallel()
	c := newTC(t, simConfig{Domains: []string{"UNIT_TEST"}})
	c.ok(201, "POST", "/hosts", map[string]any{"name": "h", "iSCSINames": []string{iqn1}, "domain": "UNIT_TEST"})
	assert.Equal(t, "UNIT_TEST", c.ok(200, "GET", "/hosts/h", nil).json(t)["domain"])
	st, _ := c.srv.Engine.Host("h")
	assert.Equal(t, "UNIT_TEST", st.Domain)
	c.fails(404, codeNonExistentDomain, "POST", "/hosts", map[string]any{"name": "g", "iSCSINames": []string{iqn2}, "domain": "OTHER"})
}

// A host's domain string is checked before the domain is looked up (HPE's
// mock): empty 400/45, too long 400/57, illegal characters 400/69.
func TestHostDomainValidated(t *testing.T) {
	t.Parallel()
	c := newTC(t, simConfig{})
	host := func(domain string) map[string]any {
		return map[string]any{"name": "h", "iSCSINames": []string{iqn1}, "domain": domain}
	}
	c.fails(400, codeEmptyString, "POST", "/hosts", host(""))
	c.fails(400, codeExceedsLength, "POST", "/hosts", host("D234567890123456789012345678901x"))
	c.fails(400, codeIllegalChar, "POST", "/hosts", host("UNIT#TEST"))
	c.fails(404, codeNonExistentDomain, "POST", "/hosts", host("UNIT_TEST"))
}
