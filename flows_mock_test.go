package alletra

// LXD acceptance flows of lxd.md §6 (numbers 2, 6, 8, 9 and 16), run on
// httpmock with a small stateful stand-in for the array. The simulator
// (alletratest) runs all 18 end to end; these pin the SDK side: which
// requests are sent, with which bodies, and how answers are typed.

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"testing"

	"github.com/jarcoal/httpmock"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// flowArray holds the state of the stand-in array. Wire objects are plain
// maps written from wsapi.md, not the SDK's structs.
type flowArray struct {
	t        *testing.T
	mu       sync.Mutex
	sets     map[string]map[string]any
	hosts    []map[string]any // in creation order
	vluns    []map[string]any // in creation order: the array lists older exports first
	posts    map[string]int   // POSTs per collection
	deletes  []string         // escaped paths of DELETE /vluns/...
	subsysNQ string
}

func newFlowArray(t *testing.T, m *mockArray) *flowArray {
	a := &flowArray{t: t, sets: map[string]map[string]any{}, posts: map[string]int{},
		subsysNQ: "nqn.2020-07.com.hpe:4b1e2f0a-9c3d-4e5f-8a6b-7c8d9e0f1a2b"}
	base := regexp.QuoteMeta(testAPI)
	m.RegisterResponder(http.MethodPost, testAPI+"/volumesets", a.locked(a.postSet))
	m.RegisterRegexpResponder(http.MethodGet, regexp.MustCompile(`^`+base+`/volumesets/([^/?]+)$`), a.locked(a.getSet))
	m.RegisterRegexpResponder(http.MethodDelete, regexp.MustCompile(`^`+base+`/volumesets/([^/?]+)$`), a.locked(a.deleteSet))
	m.RegisterResponder(http.MethodGet, testAPI+"/hosts", a.locked(a.listHosts))
	m.RegisterResponder(http.MethodPost, testAPI+"/hosts", a.locked(a.postHost))
	m.RegisterRegexpResponder(http.MethodGet, regexp.MustCompile(`^`+base+`/hosts/([^/?]+)$`), a.locked(a.getHost))
	m.RegisterRegexpResponder(http.MethodDelete, regexp.MustCompile(`^`+base+`/hosts/([^/?]+)$`), a.locked(a.deleteHost))
	m.RegisterResponder(http.MethodGet, testAPI+"/vluns", a.locked(a.listVLUNs))
	m.RegisterResponder(http.MethodPost, testAPI+"/vluns", a.locked(a.postVLUN))
	m.RegisterRegexpResponder(http.MethodDelete, regexp.MustCompile(`^`+base+`/vluns/`), a.locked(a.deleteVLUN))
	m.RegisterResponder(http.MethodGet, testAPI+"/ports", goldenResponder(t, http.StatusOK, "ports.json"))
	m.RegisterResponder(http.MethodGet, testAPI+"/ports/1:2:1/iSCSIVlans/", goldenResponder(t, http.StatusOK, "iscsivlans.json"))
	return a
}

func (a *flowArray) locked(h func(*http.Request) (*http.Response, error)) httpmock.Responder {
	return func(req *http.Request) (*http.Response, error) {
		a.mu.Lock()
		defer a.mu.Unlock()
		return h(req)
	}
}

func flowError(status int, code ErrorCode) (*http.Response, error) {
	return httpmock.NewJsonResponse(status, map[string]any{"code": int(code), "desc": code.String()})
}

func flowCreated(loc string) (*http.Response, error) {
	resp := httpmock.NewStringResponse(http.StatusCreated, "")
	resp.Header.Set("Location", loc)
	return resp, nil
}

func flowLastSegment(req *http.Request) string {
	p := req.URL.Path
	return p[strings.LastIndex(p, "/")+1:]
}

func (a *flowArray) postSet(req *http.Request) (*http.Response, error) {
	a.posts["volumesets"]++
	body := decodeBody(a.t, req)
	name, _ := body["name"].(string)
	if _, ok := a.sets[name]; ok {
		return flowError(http.StatusConflict, CodeExistentSet)
	}
	a.sets[name] = map[string]any{"id": len(a.sets) + 1, "name": name, "comment": body["comment"], "setmembers": []any{}}
	return flowCreated("/api/v1/volumesets/" + name)
}

func (a *flowArray) getSet(req *http.Request) (*http.Response, error) {
	s, ok := a.sets[flowLastSegment(req)]
	if !ok {
		return flowError(http.StatusNotFound, CodeNonExistentSet)
	}
	return httpmock.NewJsonResponse(http.StatusOK, s)
}

func (a *flowArray) deleteSet(req *http.Request) (*http.Response, error) {
	name := flowLastSegment(req)
	if _, ok := a.sets[name]; !ok {
		return flowError(http.StatusNotFound, CodeNonExistentSet)
	}
	delete(a.sets, name)
	return httpmock.NewStringResponse(http.StatusOK, ""), nil
}

// addHost registers a host; nqnKey is the spelling of the NQN key in its path object.
func (a *flowArray) addHost(name, iqn, nqn, nqnKey string) {
	h := map[string]any{"id": len(a.hosts) + 1, "name": name, "persona": 2,
		"FCPaths": []any{}, "iSCSIPaths": []any{}, "NVMETCPPaths": []any{}}
	if iqn != "" {
		h["iSCSIPaths"] = []any{map[string]any{"name": iqn, "IPAddr": "10.0.0.101"}}
	}
	if nqn != "" {
		h["NVMETCPPaths"] = []any{map[string]any{"IP": "10.0.0.101", nqnKey: nqn}}
	}
	a.hosts = append(a.hosts, h)
}

func (a *flowArray) host(name string) map[string]any {
	for _, h := range a.hosts {
		if h["name"] == name {
			return h
		}
	}
	return nil
}

func (a *flowArray) listHosts(req *http.Request) (*http.Response, error) {
	// Like an array without NQN queries: every host is listed.
	return httpmock.NewJsonResponse(http.StatusOK, map[string]any{"total": len(a.hosts), "members": a.hosts})
}

func (a *flowArray) postHost(req *http.Request) (*http.Response, error) {
	a.posts["hosts"]++
	body := decodeBody(a.t, req)
	name, _ := body["name"].(string)
	if a.host(name) != nil {
		return flowError(http.StatusConflict, CodeExistentHost)
	}
	nqn, _ := body["NQN"].(string)
	var iqn string
	if names, ok := body["iSCSINames"].([]any); ok && len(names) > 0 {
		iqn, _ = names[0].(string)
	}
	a.addHost(name, iqn, nqn, "nqn") // LXD's spelling on the way back
	return flowCreated("/api/v1/hosts/" + name)
}

func (a *flowArray) getHost(req *http.Request) (*http.Response, error) {
	h := a.host(flowLastSegment(req))
	if h == nil {
		return flowError(http.StatusNotFound, CodeNonExistentHost)
	}
	return httpmock.NewJsonResponse(http.StatusOK, h)
}

func (a *flowArray) deleteHost(req *http.Request) (*http.Response, error) {
	name := flowLastSegment(req)
	for i, h := range a.hosts {
		if h["name"] != name {
			continue
		}
		for _, v := range a.vluns {
			if v["hostname"] == name {
				return flowError(http.StatusConflict, CodeExportedVLUN)
			}
		}
		a.hosts = append(a.hosts[:i], a.hosts[i+1:]...)
		return httpmock.NewStringResponse(http.StatusOK, ""), nil
	}
	return flowError(http.StatusNotFound, CodeNonExistentHost)
}

// export adds a template and one active record, as an array does once the host logs in.
func (a *flowArray) export(vol, host string, lun int) {
	nvme := false
	if h := a.host(host); h != nil {
		nvme = len(h["NVMETCPPaths"].([]any)) > 0
	}
	a.vluns = append(a.vluns, map[string]any{"lun": lun, "volumeName": vol, "hostname": host, "type": 3, "active": false})
	active := map[string]any{"lun": lun, "volumeName": vol, "hostname": host, "type": 3, "active": true,
		"portPos": map[string]any{"node": 0, "slot": 3, "cardPort": 1}}
	if nvme {
		active["Subsystem_NQN"] = a.subsysNQ
	}
	a.vluns = append(a.vluns, active)
}

// flowQueryTerm reads `field==value` from a WSAPI query, as an array would.
var flowQueryTerm = regexp.MustCompile(`^"(volumeName|hostname)==([^"]+)"$`)

func (a *flowArray) listVLUNs(req *http.Request) (*http.Response, error) {
	members := []map[string]any{}
	q := req.URL.Query().Get("query")
	mt := flowQueryTerm.FindStringSubmatch(q)
	if q != "" && mt == nil {
		return flowError(http.StatusBadRequest, 0) // INV_QUERY_STRING: no published number
	}
	for _, v := range a.vluns {
		if mt == nil || v[mt[1]] == mt[2] {
			members = append(members, v)
		}
	}
	return httpmock.NewJsonResponse(http.StatusOK, map[string]any{"total": len(members), "members": members})
}

func (a *flowArray) postVLUN(req *http.Request) (*http.Response, error) {
	a.posts["vluns"]++
	body := decodeBody(a.t, req)
	vol, _ := body["volumeName"].(string)
	host, _ := body["hostname"].(string)
	h := a.host(host)
	if h == nil {
		return flowError(http.StatusNotFound, CodeNonExistentHost)
	}
	nvme := len(h["NVMETCPPaths"].([]any)) > 0
	used := map[int]bool{}
	for _, v := range a.vluns {
		if v["hostname"] == host {
			used[v["lun"].(int)] = true
			// NVMe refuses a second export of a volume to a host; iSCSI silently adds one.
			if nvme && v["volumeName"] == vol {
				return flowError(http.StatusBadRequest, CodeOther)
			}
		}
	}
	lun := int(body["lun"].(float64))
	if body["autoLun"] == true {
		if nvme && lun == 0 {
			lun = 1 // NVMe namespaces start at 1
		}
		for used[lun] {
			lun++
		}
	}
	a.export(vol, host, lun)
	return flowCreated("/api/v1/vluns/" + vol + "," + strconv.Itoa(lun) + "," + host)
}

func (a *flowArray) deleteVLUN(req *http.Request) (*http.Response, error) {
	a.deletes = append(a.deletes, req.URL.EscapedPath())
	parts := strings.Split(flowLastSegment(req), ",")
	if len(parts) < 3 {
		return flowError(http.StatusBadRequest, CodeInvalidInputMissing)
	}
	lun, _ := strconv.Atoi(parts[1])
	kept := a.vluns[:0:0]
	for _, v := range a.vluns {
		if v["volumeName"] == parts[0] && v["lun"] == lun && v["hostname"] == parts[2] {
			continue // the template and its active records go together
		}
		kept = append(kept, v)
	}
	if len(kept) == len(a.vluns) {
		return flowError(http.StatusNotFound, CodeNonExistentVLUN)
	}
	a.vluns = kept
	return httpmock.NewStringResponse(http.StatusOK, ""), nil
}

func (a *flowArray) snapshot() (sets int, hosts int, vluns []string, posts map[string]int, deletes []string) {
	a.mu.Lock()
	defer a.mu.Unlock()
	for _, v := range a.vluns {
		vluns = append(vluns, fmt.Sprintf("%v,%v,%v,active=%v", v["volumeName"], v["lun"], v["hostname"], v["active"]))
	}
	p := map[string]int{}
	for k, n := range a.posts {
		p[k] = n
	}
	return len(a.sets), len(a.hosts), vluns, p, append([]string(nil), a.deletes...)
}

// Flow 2: pool lifecycle.
func TestMockFlowPoolLifecycle(t *testing.T) {
	t.Parallel()
	c, m := newMock(t)
	a := newFlowArray(t, m)
	ctx := context.Background()
	const comment = "Created and managed by LXD"

	require.NoError(t, c.VolumeSets.Create(ctx, &VolumeSetCreateRequest{Name: "pool1", Comment: comment}))
	set, err := c.VolumeSets.Get(ctx, "pool1")
	require.NoError(t, err)
	assert.Equal(t, comment, set.Comment)
	assert.Empty(t, set.SetMembers)

	err = c.VolumeSets.Create(ctx, &VolumeSetCreateRequest{Name: "pool1", Comment: comment})
	assert.ErrorIs(t, err, ErrAlreadyExists)
	var apiErr *APIError
	require.ErrorAs(t, err, &apiErr)
	assert.Equal(t, http.StatusConflict, apiErr.StatusCode)
	assert.Equal(t, CodeExistentSet, apiErr.Code)

	require.NoError(t, c.VolumeSets.Delete(ctx, "pool1"))
	nsets, _, _, posts, _ := a.snapshot()
	assert.Zero(t, nsets)
	assert.Equal(t, 2, posts["volumesets"])

	err = c.VolumeSets.Delete(ctx, "pool1")
	assert.ErrorIs(t, err, ErrNotFound)
	require.ErrorAs(t, err, &apiErr)
	assert.Equal(t, CodeNonExistentSet, apiErr.Code)
	_, err = c.VolumeSets.Get(ctx, "pool1")
	assert.ErrorIs(t, err, ErrNotFound)
}

// Flow 6: host ensure and map, for an NVMe/TCP host and an iSCSI host.
func TestMockFlowHostEnsureAndMap(t *testing.T) {
	t.Parallel()
	for _, mode := range []string{"nvme-tcp", "iscsi"} {
		t.Run(mode, func(t *testing.T) {
			t.Parallel()
			c, m := newMock(t)
			a := newFlowArray(t, m)
			ctx := context.Background()
			host, initiator := "node1-"+mode, nqnNode1
			req := &HostCreateRequest{Name: host, NQN: nqnNode1, Descriptors: &HostDescriptors{Comment: "Created by LXD"}}
			if mode == "iscsi" {
				initiator = iqnNode1
				req = &HostCreateRequest{Name: host, ISCSINames: []string{iqnNode1}, Descriptors: &HostDescriptors{Comment: "Created by LXD"}}
			}
			a.mu.Lock()
			a.addHost("other", "iqn.2000-01.com.example:other", "", "NQN")
			a.mu.Unlock()

			// (1) Not there yet.
			_, err := c.Hosts.FindByInitiator(ctx, initiator)
			require.ErrorIs(t, err, ErrNotFound)

			// (2) Create it; it is then found by its initiator (the array spells the key "nqn").
			require.NoError(t, c.Hosts.Create(ctx, req))
			h, err := c.Hosts.FindByInitiator(ctx, initiator)
			require.NoError(t, err)
			assert.Equal(t, host, h.Name)
			if mode == "nvme-tcp" {
				require.Len(t, h.NVMETCPPaths, 1)
				assert.Equal(t, nqnNode1, h.NVMETCPPaths[0].NQN)
			}

			// (3) Export with an automatic LUN.
			v, err := c.VLUNs.Create(ctx, &VLUNCreateRequest{VolumeName: "c-web01", HostName: host, AutoLUN: true})
			require.NoError(t, err)
			assert.False(t, v.Existed)
			wantLUN := 0
			if mode == "nvme-tcp" {
				wantLUN = 1
			}
			assert.Equal(t, wantLUN, v.LUN)

			// (4) Export again: the existing vLUN, and no second POST (which the
			// array would refuse for NVMe and silently duplicate for iSCSI).
			again, err := c.VLUNs.Create(ctx, &VLUNCreateRequest{VolumeName: "c-web01", HostName: host, AutoLUN: true})
			require.NoError(t, err)
			assert.True(t, again.Existed)
			assert.Equal(t, v.LUN, again.LUN)

			_, nhosts, vluns, posts, _ := a.snapshot()
			assert.Equal(t, 2, nhosts)
			assert.Equal(t, 1, posts["hosts"])
			assert.Equal(t, 1, posts["vluns"])
			assert.Equal(t, []string{
				fmt.Sprintf("c-web01,%d,%s,active=false", wantLUN, host),
				fmt.Sprintf("c-web01,%d,%s,active=true", wantLUN, host),
			}, vluns, "one template plus its active record")

			// Creating the host again is a conflict, never a silent success.
			err = c.Hosts.Create(ctx, req)
			assert.ErrorIs(t, err, ErrAlreadyExists)
		})
	}
}

// Flow 8: multi-host unexport.
func TestMockFlowMultiHostUnexport(t *testing.T) {
	t.Parallel()
	c, m := newMock(t)
	a := newFlowArray(t, m)
	ctx := context.Background()
	a.mu.Lock()
	a.addHost("hostA", "iqn.2000-01.com.example:a", "", "NQN")
	a.addHost("hostB", "iqn.2000-01.com.example:b", "", "NQN")
	a.export("c-vol", "hostA", 1) // listed first, with its active record
	a.export("c-vol", "hostB", 3)
	a.mu.Unlock()

	// Unexport(vol, hostB): hostB's template, not members[0].
	vs, err := c.VLUNs.List(ctx, &VLUNListOptions{VolumeName: "c-vol", HostName: "hostB"})
	require.NoError(t, err)
	require.Len(t, vs, 1)
	assert.Equal(t, 3, vs[0].LUN)
	id := vs[0].ID()
	require.NoError(t, c.VLUNs.Delete(ctx, id.Volume, id.LUN, id.Host, id.Port))

	_, _, vluns, _, deletes := a.snapshot()
	assert.Equal(t, []string{"/gw/api/v1/vluns/c-vol,3,hostB"}, deletes)
	assert.Equal(t, []string{"c-vol,1,hostA,active=false", "c-vol,1,hostA,active=true"}, vluns, "hostA keeps its export")

	// A second Unexport: nothing listed for hostB, and the delete is a typed NotFound callers may ignore.
	vs, err = c.VLUNs.List(ctx, &VLUNListOptions{VolumeName: "c-vol", HostName: "hostB"})
	require.NoError(t, err)
	assert.Empty(t, vs)
	err = c.VLUNs.Delete(ctx, "c-vol", 3, "hostB", nil)
	assert.ErrorIs(t, err, ErrNotFound)
	assert.True(t, IsNotFound(err))
}

// Flow 9: unmap and auto-delete the host.
func TestMockFlowUnmapAndDeleteHost(t *testing.T) {
	t.Parallel()
	c, m := newMock(t)
	a := newFlowArray(t, m)
	ctx := context.Background()
	a.mu.Lock()
	a.addHost("node1-iscsi", iqnNode1, "", "NQN")
	a.export("c-web01", "node1-iscsi", 0)
	a.export("c-web02", "node1-iscsi", 1)
	a.mu.Unlock()

	// Unexport one volume: a vLUN remains, so deleting the host fails and the host is kept.
	require.NoError(t, c.VLUNs.Delete(ctx, "c-web01", 0, "node1-iscsi", nil))
	left, err := c.VLUNs.List(ctx, &VLUNListOptions{HostName: "node1-iscsi"})
	require.NoError(t, err)
	require.Len(t, left, 1)
	err = c.Hosts.Delete(ctx, "node1-iscsi")
	assert.ErrorIs(t, err, ErrInUse)
	assert.ErrorIs(t, err, ErrExported)
	var apiErr *APIError
	require.ErrorAs(t, err, &apiErr)
	assert.Equal(t, CodeExportedVLUN, apiErr.Code)
	_, err = c.Hosts.Get(ctx, "node1-iscsi")
	require.NoError(t, err, "the host is kept")

	// Unexport the last volume: no vLUN left for the host, so it is deleted.
	require.NoError(t, c.VLUNs.Delete(ctx, left[0].VolumeName, left[0].LUN, left[0].HostName, left[0].PortPos))
	left, err = c.VLUNs.List(ctx, &VLUNListOptions{HostName: "node1-iscsi", IncludeActive: true})
	require.NoError(t, err)
	require.Empty(t, left)
	require.NoError(t, c.Hosts.Delete(ctx, "node1-iscsi"))

	_, nhosts, vluns, _, _ := a.snapshot()
	assert.Zero(t, nhosts)
	assert.Empty(t, vluns)
	_, err = c.Hosts.FindByInitiator(ctx, iqnNode1)
	assert.ErrorIs(t, err, ErrNotFound)
	assert.ErrorIs(t, c.Hosts.Delete(ctx, "node1-iscsi"), ErrNotFound)
}

// Flow 16: discovery data.
func TestMockFlowDiscovery(t *testing.T) {
	t.Parallel()
	c, m := newMock(t)
	a := newFlowArray(t, m)
	ctx := context.Background()
	a.mu.Lock()
	a.addHost("node1-nvme-tcp", "", nqnNode1, "NQN")
	a.export("c-web02", "node1-nvme-tcp", 1)
	a.mu.Unlock()

	// The golden ports hold a down NVMe port (1:3:1), a ready NVMe port
	// whose nodeWWN is an IP, two ready iSCSI ports, one VLAN-tagged.
	nvme, err := c.Ports.TargetAddresses(ctx, ProtocolNVMe)
	require.NoError(t, err)
	ips := []string{}
	for _, t := range nvme {
		ips = append(ips, t.IP)
	}
	assert.Equal(t, []string{"10.0.0.21"}, ips)

	iscsi, err := c.Ports.TargetAddresses(ctx, ProtocolISCSI)
	require.NoError(t, err)
	pairs := []string{}
	for _, t := range iscsi {
		pairs = append(pairs, t.IP+" "+t.TargetName)
	}
	assert.Equal(t, []string{
		"10.0.0.11 iqn.2000-05.com.3pardata:20210002ac021f4b",
		"10.0.1.12 iqn.2000-05.com.3pardata:21210002ac021f4b", // VLAN 100 of 1:2:1 (its IPAddr is 0.0.0.0)
	}, pairs)

	// The target NQN comes from the vLUN, without NVMe discovery.
	vs, err := c.VLUNs.List(ctx, &VLUNListOptions{VolumeName: "c-web02", HostName: "node1-nvme-tcp"})
	require.NoError(t, err)
	require.Len(t, vs, 1)
	assert.Equal(t, a.subsysNQ, vs[0].SubsystemNQN)

	_, err = c.Ports.TargetAddresses(ctx, ProtocolFC)
	assert.ErrorIs(t, err, ErrInvalidInput)
	b, err := json.Marshal(vs[0])
	require.NoError(t, err)
	assert.Contains(t, string(b), `"Subsystem_NQN":"`+a.subsysNQ+`"`)
	assert.NotContains(t, string(b), "Existed")
}
