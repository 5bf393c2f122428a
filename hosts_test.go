package alletra

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"strings"
	"sync"
	"testing"

	"github.com/jarcoal/httpmock"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

const (
	iqnNode1 = "iqn.1993-08.org.debian:01:6b2f4c9a1e3d"
	nqnNode1 = "nqn.2014-08.org.nvmexpress:uuid:5a2504b0-6a6c-4849-8ee7-ddb0b674fd14"
	wwnESX01 = "10000090FA1B2C3D"
	nqnOther = "nqn.2014-08.org.nvmexpress:uuid:00000000-0000-4000-8000-000000000001"
)

func TestHostEnumsString(t *testing.T) {
	t.Parallel()
	assert.Equal(t, "GENERIC", PersonaGeneric.String())
	assert.Equal(t, "GENERIC_ALUA", PersonaGenericALUA.String())
	assert.Equal(t, "VMWARE", PersonaVMware.String())
	assert.Equal(t, "WINDOWS_SERVER", PersonaWindowsServer.String())
	assert.Equal(t, 11, int(PersonaWindowsServer))
	assert.Equal(t, "12", HostPersona(12).String())
	assert.Equal(t, "TCP", TransportTCP.String())
	assert.Equal(t, "1", TransportType(1).String())
	assert.Equal(t, "ADD", PathAdd.String())
	assert.Equal(t, "REMOVE", PathRemove.String())
}

func TestNVMETCPPathUnmarshal(t *testing.T) {
	t.Parallel()
	for _, in := range []string{
		`{"IP":"10.0.0.101","portPos":{"node":0,"slot":3,"cardPort":1},"NQN":"` + nqnNode1 + `"}`,
		`{"IP":"10.0.0.101","portPos":{"node":0,"slot":3,"cardPort":1},"nqn":"` + nqnNode1 + `"}`,
		`{"IP":"10.0.0.101","portPos":{"node":0,"slot":3,"cardPort":1},"Nqn":"` + nqnNode1 + `"}`,
	} {
		var p NVMETCPPath
		require.NoError(t, json.Unmarshal([]byte(in), &p), in)
		assert.Equal(t, NVMETCPPath{IP: "10.0.0.101", PortPos: &PortPos{0, 3, 1}, NQN: nqnNode1}, p, in)
	}
	var p NVMETCPPath
	require.NoError(t, json.Unmarshal([]byte(`{"NQN":null,"IP":"1.2.3.4"}`), &p))
	assert.Equal(t, NVMETCPPath{IP: "1.2.3.4"}, p)
	assert.Error(t, json.Unmarshal([]byte(`{"NQN":7}`), &p))
	assert.Error(t, json.Unmarshal([]byte(`[1]`), &p))

	// Both spellings inside a host.
	var h Host
	require.NoError(t, json.Unmarshal([]byte(`{"name":"h","NVMETCPPaths":[{"nqn":"`+nqnNode1+`"},{"NQN":"`+nqnOther+`"}]}`), &h))
	require.Len(t, h.NVMETCPPaths, 2)
	assert.Equal(t, nqnNode1, h.NVMETCPPaths[0].NQN)
	assert.Equal(t, nqnOther, h.NVMETCPPaths[1].NQN)

	// Encoding uses HPE's spelling.
	b, err := json.Marshal(NVMETCPPath{NQN: nqnNode1})
	require.NoError(t, err)
	assert.JSONEq(t, `{"NQN":"`+nqnNode1+`"}`, string(b))
}

func TestHostHasInitiator(t *testing.T) {
	t.Parallel()
	h := Host{
		ISCSIPaths:   []ISCSIPath{{Name: iqnNode1}},
		NVMETCPPaths: []NVMETCPPath{{NQN: nqnNode1}},
		FCPaths:      []FCPath{{WWN: wwnESX01}},
	}
	assert.True(t, h.HasInitiator(iqnNode1))
	assert.True(t, h.HasInitiator(strings.ToUpper(iqnNode1)))
	assert.True(t, h.HasInitiator(nqnNode1))
	assert.True(t, h.HasInitiator("10:00:00:90:fa:1b:2c:3d"))
	assert.False(t, h.HasInitiator(nqnOther))
	assert.False(t, h.HasInitiator("10000090FA1B2C3E"))
	assert.False(t, h.HasInitiator(""))
}

func TestHostsGet(t *testing.T) {
	t.Parallel()
	c, m := newMock(t)
	m.RegisterResponder(http.MethodGet, testAPI+"/hosts/node1-nvme-tcp", goldenResponder(t, http.StatusOK, "host_nvme.json"))
	m.RegisterResponder(http.MethodGet, testAPI+"/hosts/node1-iscsi", goldenResponder(t, http.StatusOK, "host_iscsi.json"))
	m.RegisterResponder(http.MethodGet, testAPI+"/hosts/gone", errorResponder(http.StatusNotFound, CodeNonExistentHost, "host does not exist"))

	h, err := c.Hosts.Get(context.Background(), "node1-nvme-tcp")
	require.NoError(t, err)
	assert.Equal(t, &Host{ID: 8, Name: "node1-nvme-tcp", Persona: PersonaGenericALUA,
		Descriptors:  &HostDescriptors{Comment: "Created by LXD"},
		FCPaths:      []FCPath{},
		ISCSIPaths:   []ISCSIPath{},
		NVMETCPPaths: []NVMETCPPath{{IP: "10.0.0.101", PortPos: &PortPos{0, 3, 1}, NQN: nqnNode1}},
	}, h)

	h, err = c.Hosts.Get(context.Background(), "node1-iscsi")
	require.NoError(t, err)
	assert.Equal(t, []ISCSIPath{{Name: iqnNode1, IPAddr: "10.0.0.101", PortPos: &PortPos{0, 2, 1}}}, h.ISCSIPaths)
	assert.Equal(t, &HostDescriptors{Comment: "Created by LXD", OS: "Linux"}, h.Descriptors)

	_, err = c.Hosts.Get(context.Background(), "gone")
	assert.ErrorIs(t, err, ErrNotFound)

	n := m.GetTotalCallCount()
	_, err = c.Hosts.Get(context.Background(), "node1/../x")
	assert.ErrorIs(t, err, ErrInvalidInput)
	assert.Equal(t, n, m.GetTotalCallCount())
}

func TestHostsList(t *testing.T) {
	t.Parallel()
	c, m := newMock(t)
	var query []string
	m.RegisterResponder(http.MethodGet, testAPI+"/hosts", func(req *http.Request) (*http.Response, error) {
		query = append(query, req.URL.Query().Get("query"))
		return goldenResponder(t, http.StatusOK, "hosts.json")(req)
	})
	hosts, err := c.Hosts.List(context.Background(), nil)
	require.NoError(t, err)
	require.Len(t, hosts, 3)
	assert.Equal(t, "esx01", hosts[2].Name)
	assert.Equal(t, PersonaVMware, hosts[2].Persona)
	assert.Equal(t, []FCPath{{WWN: wwnESX01, PortPos: &PortPos{0, 1, 1}}}, hosts[2].FCPaths)

	_, err = c.Hosts.List(context.Background(), &HostListOptions{Query: Eq("name", "esx01")})
	require.NoError(t, err)
	assert.Equal(t, []string{"", `"name==esx01"`}, query)
}

func TestHostsCreate(t *testing.T) {
	t.Parallel()
	c, m := newMock(t)
	bodies := recordBodies(t, m, http.MethodPost, testAPI+"/hosts", respondCreatedAt("/api/v1/hosts/h"))

	require.NoError(t, c.Hosts.Create(context.Background(), &HostCreateRequest{
		Name: "node1-iscsi", ISCSINames: []string{iqnNode1}, Persona: PersonaGenericALUA,
		Descriptors: &HostDescriptors{Comment: "Created by LXD", OS: "Linux", IPAddr: "10.0.0.101", Location: "rack 1", Model: "x", Contact: "ops"},
	}))
	require.NoError(t, c.Hosts.Create(context.Background(), &HostCreateRequest{
		Name: "node1-nvme-tcp", NQN: nqnNode1, Descriptors: &HostDescriptors{Comment: "Created by LXD"},
	}))
	wwns := []string{"10:00:00:90:fa:1b:2c:3d", "10000090fa1b2c3e", "10:00:00:90:FA:1B:2C:3D"}
	require.NoError(t, c.Hosts.Create(context.Background(), &HostCreateRequest{
		Name: "esx01", FCWWNs: wwns, Persona: PersonaVMware, Domain: "D1", ForceTearDown: true,
	}))
	require.NoError(t, c.Hosts.Create(context.Background(), &HostCreateRequest{Name: "empty"}))
	require.Len(t, *bodies, 4)

	assert.Equal(t, map[string]any{
		"name": "node1-iscsi", "iSCSINames": []any{iqnNode1}, "persona": float64(2),
		"descriptors": map[string]any{"comment": "Created by LXD", "os": "Linux", "IPAddr": "10.0.0.101",
			"location": "rack 1", "model": "x", "contact": "ops"},
	}, (*bodies)[0])
	assert.Equal(t, map[string]any{
		"name": "node1-nvme-tcp", "NQN": nqnNode1, "transportType": float64(2),
		"descriptors": map[string]any{"comment": "Created by LXD"},
	}, (*bodies)[1])
	assert.Equal(t, map[string]any{
		"name": "esx01", "FCWWNs": []any{"10000090FA1B2C3D", "10000090FA1B2C3E"}, "persona": float64(8),
		"domain": "D1", "forceTearDown": true,
	}, (*bodies)[2])
	assert.Equal(t, map[string]any{"name": "empty"}, (*bodies)[3])
	assert.Equal(t, "10:00:00:90:fa:1b:2c:3d", wwns[0], "the caller's slice is not modified")
}

func TestHostsCreateValidation(t *testing.T) {
	t.Parallel()
	c, m := newMock(t)
	for _, req := range []*HostCreateRequest{
		nil,
		{},
		{Name: "bad name", NQN: nqnNode1},
		{Name: "h", Domain: "bad/domain"},
		{Name: "h", ISCSINames: []string{iqnNode1}, NQN: nqnNode1},
		{Name: "h", ISCSINames: []string{iqnNode1}, FCWWNs: []string{wwnESX01}},
		{Name: "h", FCWWNs: []string{wwnESX01}, NQN: nqnNode1},
		{Name: "h", ISCSINames: []string{"iqn.bad"}},
		{Name: "h", ISCSINames: []string{"iqn.1993-08.org.debian 01"}},
		{Name: "h", ISCSINames: []string{"iqn.1993-8x.org.debian"}},
		{Name: "h", ISCSINames: []string{"eui.0123"}},
		{Name: "h", ISCSINames: []string{"naa.0123456789abcdeg"}},
		{Name: "h", ISCSINames: []string{iqnNode1, ""}},
		{Name: "h", ISCSINames: []string{iqnNode1, wwnESX01}},
		{Name: "h", ISCSINames: []string{"iqn.2000-01.x:" + strings.Repeat("a", 220)}},
		{Name: "h", FCWWNs: []string{"10000090FA1B2C"}},
		{Name: "h", FCWWNs: []string{"10000090FA1B2C3D00"}},
		{Name: "h", FCWWNs: []string{"10000090FA1B2C3G"}},
		{Name: "h", FCWWNs: []string{":10000090FA1B2C3D"}},
		{Name: "h", FCWWNs: []string{"10::00:00:90:FA:1B:2C:3D"}},
		{Name: "h", FCWWNs: []string{iqnNode1}},
		{Name: "h", NQN: "nqn.uuid"},
		{Name: "h", NQN: "nqn.2014-08.org.nvme xpress:uuid:1"},
		{Name: "h", NQN: "iqn.1993-08.org.debian:01:6b"},
		{Name: "h", TransportType: TransportTCP},
		{Name: "h", ISCSINames: []string{iqnNode1}, TransportType: TransportTCP},
		{Name: "h", Persona: -1},
	} {
		err := c.Hosts.Create(context.Background(), req)
		var ve *ValidationError
		assert.ErrorAs(t, err, &ve, "%+v", req)
	}
	assert.Zero(t, m.GetTotalCallCount())

	// Accepted shapes.
	recordBodies(t, m, http.MethodPost, testAPI+"/hosts", respondCreatedAt(""))
	for _, req := range []*HostCreateRequest{
		{Name: "h", ISCSINames: []string{"eui.0123456789ABCDEF", "naa.0123456789abcdef0123456789abcdef", "IQN.2000-01.com.example"}},
		{Name: "h", NQN: "nqn.2014-08.org.nvmexpress.discovery", TransportType: 3},
	} {
		assert.NoError(t, c.Hosts.Create(context.Background(), req), "%+v", req)
	}
}

func TestHostsCreateConflicts(t *testing.T) {
	t.Parallel()
	// The name exists: an error, never a success, and the existing host is not even read.
	c, m := newMock(t)
	// (No responder for GET /hosts/node1-nvme-tcp: a read fails the test.)
	recordBodies(t, m, http.MethodPost, testAPI+"/hosts", errorResponder(http.StatusConflict, CodeExistentHost, "host exists"))
	err := c.Hosts.Create(context.Background(), &HostCreateRequest{Name: "node1-nvme-tcp", NQN: nqnNode1})
	assert.ErrorIs(t, err, ErrAlreadyExists)
	var apiErr *APIError
	require.ErrorAs(t, err, &apiErr)
	assert.Equal(t, CodeExistentHost, apiErr.Code)

	// The initiator belongs to another host.
	c, m = newMock(t)
	recordBodies(t, m, http.MethodPost, testAPI+"/hosts", errorResponder(http.StatusConflict, CodeExistentPath, "path exists"))
	err = c.Hosts.Create(context.Background(), &HostCreateRequest{Name: "new", NQN: nqnNode1})
	assert.ErrorIs(t, err, ErrAlreadyExists)
	require.ErrorAs(t, err, &apiErr)
	assert.Equal(t, CodeExistentPath, apiErr.Code)

	c, m = newMock(t)
	recordBodies(t, m, http.MethodPost, testAPI+"/hosts", errorResponder(http.StatusNotFound, CodeNonExistentDomain, "no domain"))
	err = c.Hosts.Create(context.Background(), &HostCreateRequest{Name: "new", Domain: "D9"})
	assert.ErrorIs(t, err, ErrNotFound)
}

func TestHostsCreateReconcile(t *testing.T) {
	t.Parallel()
	// First attempt committed, answer lost; the retry meets 16 and the host has exactly our NQN.
	c, m := newMock(t)
	bodies := recordBodies(t, m, http.MethodPost, testAPI+"/hosts", httpmock.NewErrorResponder(errors.New("connection reset by peer")), errorResponder(http.StatusConflict, CodeExistentHost, "host exists"))
	m.RegisterResponder(http.MethodGet, testAPI+"/hosts/node1-nvme-tcp", goldenResponder(t, http.StatusOK, "host_nvme.json"))
	require.NoError(t, c.Hosts.Create(context.Background(), &HostCreateRequest{Name: "node1-nvme-tcp", NQN: nqnNode1, Persona: PersonaGenericALUA}))
	assert.Len(t, *bodies, 2)
	assert.Equal(t, 1, m.calls(t, http.MethodGet, testAPI+"/hosts/node1-nvme-tcp"))

	// Same after a retry, but the host has another NQN, another persona, or an extra initiator: conflict.
	for _, req := range []*HostCreateRequest{
		{Name: "node1-nvme-tcp", NQN: nqnOther},
		{Name: "node1-nvme-tcp", NQN: nqnNode1, Persona: PersonaVMware},
		{Name: "node1-nvme-tcp", NQN: nqnNode1, Domain: "D1"},
		{Name: "node1-nvme-tcp"},
	} {
		c, m := newMock(t)
		recordBodies(t, m, http.MethodPost, testAPI+"/hosts", httpmock.NewErrorResponder(errors.New("connection reset by peer")), errorResponder(http.StatusConflict, CodeExistentHost, "host exists"))
		m.RegisterResponder(http.MethodGet, testAPI+"/hosts/node1-nvme-tcp", goldenResponder(t, http.StatusOK, "host_nvme.json"))
		err := c.Hosts.Create(context.Background(), req)
		assert.ErrorIs(t, err, ErrAlreadyExists, "%+v", req)
	}

	// iSCSI with case differences and FC with colons reconcile too.
	c, m = newMock(t)
	recordBodies(t, m, http.MethodPost, testAPI+"/hosts", errorResponder(http.StatusBadGateway, 0, "gw"), errorResponder(http.StatusConflict, CodeExistentHost, "host exists"))
	m.RegisterResponder(http.MethodGet, testAPI+"/hosts/node1-iscsi", goldenResponder(t, http.StatusOK, "host_iscsi.json"))
	require.NoError(t, c.Hosts.Create(context.Background(), &HostCreateRequest{Name: "node1-iscsi", ISCSINames: []string{strings.ToUpper(iqnNode1)}}))
	c, m = newMock(t)
	recordBodies(t, m, http.MethodPost, testAPI+"/hosts", errorResponder(http.StatusBadGateway, 0, "gw"), errorResponder(http.StatusConflict, CodeExistentHost, "host exists"))
	m.RegisterResponder(http.MethodGet, testAPI+"/hosts/esx01", jsonResponder(http.StatusOK, map[string]any{
		"name": "esx01", "FCPaths": []map[string]any{{"wwn": wwnESX01}}}))
	require.NoError(t, c.Hosts.Create(context.Background(), &HostCreateRequest{Name: "esx01", FCWWNs: []string{"10:00:00:90:fa:1b:2c:3d"}}))
}

func TestHostsDelete(t *testing.T) {
	t.Parallel()
	c, m := newMock(t)
	m.RegisterResponder(http.MethodDelete, testAPI+"/hosts/node1-iscsi", respondOKEmpty)
	m.RegisterResponder(http.MethodDelete, testAPI+"/hosts/gone", errorResponder(http.StatusNotFound, CodeNonExistentHost, "no host"))
	m.RegisterResponder(http.MethodDelete, testAPI+"/hosts/busy", errorResponder(http.StatusConflict, CodeExportedVLUN, "exported"))
	require.NoError(t, c.Hosts.Delete(context.Background(), "node1-iscsi"))
	assert.Equal(t, 1, m.calls(t, http.MethodDelete, testAPI+"/hosts/node1-iscsi"))
	assert.ErrorIs(t, c.Hosts.Delete(context.Background(), "gone"), ErrNotFound)
	err := c.Hosts.Delete(context.Background(), "busy")
	assert.ErrorIs(t, err, ErrInUse)
	assert.ErrorIs(t, err, ErrExported)
	n := m.GetTotalCallCount()
	assert.ErrorIs(t, c.Hosts.Delete(context.Background(), ""), ErrInvalidInput)
	assert.Equal(t, n, m.GetTotalCallCount())
}

func TestHostsAddRemovePaths(t *testing.T) {
	t.Parallel()
	c, m := newMock(t)
	bodies := recordBodies(t, m, http.MethodPut, testAPI+"/hosts/"+"node1-iscsi", respondOKEmpty)
	require.NoError(t, c.Hosts.AddPaths(context.Background(), "node1-iscsi", &HostPathsRequest{ISCSINames: []string{"iqn.2000-01.com.example:a"}}))
	require.NoError(t, c.Hosts.RemovePaths(context.Background(), "node1-iscsi", &HostPathsRequest{ISCSINames: []string{iqnNode1}, Force: true}))
	require.NoError(t, c.Hosts.RemovePaths(context.Background(), "node1-iscsi", &HostPathsRequest{FCWWNs: []string{"10:00:00:90:fa:1b:2c:3d"}}))
	require.NoError(t, c.Hosts.AddPaths(context.Background(), "node1-iscsi", &HostPathsRequest{FCWWNs: []string{wwnESX01}}))
	require.Len(t, *bodies, 4)
	assert.Equal(t, map[string]any{"pathOperation": float64(1), "iSCSINames": []any{"iqn.2000-01.com.example:a"}}, (*bodies)[0])
	assert.Equal(t, map[string]any{"pathOperation": float64(2), "iSCSINames": []any{iqnNode1}, "forcePathRemoval": true}, (*bodies)[1])
	assert.Equal(t, map[string]any{"pathOperation": float64(2), "FCWWNs": []any{wwnESX01}}, (*bodies)[2])
	assert.Equal(t, map[string]any{"pathOperation": float64(1), "FCWWNs": []any{wwnESX01}}, (*bodies)[3])

	n := m.GetTotalCallCount()
	for _, req := range []*HostPathsRequest{
		nil, {}, {ISCSINames: []string{iqnNode1}, FCWWNs: []string{wwnESX01}},
		{ISCSINames: []string{nqnNode1}}, {FCWWNs: []string{"xyz"}}, {ISCSINames: []string{wwnESX01}},
	} {
		assert.ErrorIs(t, c.Hosts.AddPaths(context.Background(), "node1-iscsi", req), ErrInvalidInput, "%+v", req)
		assert.ErrorIs(t, c.Hosts.RemovePaths(context.Background(), "node1-iscsi", req), ErrInvalidInput, "%+v", req)
	}
	assert.ErrorIs(t, c.Hosts.AddPaths(context.Background(), "", &HostPathsRequest{ISCSINames: []string{iqnNode1}}), ErrInvalidInput)
	assert.ErrorIs(t, c.Hosts.AddPaths(context.Background(), "node1-iscsi", &HostPathsRequest{ISCSINames: []string{iqnNode1}, Force: true}),
		ErrInvalidInput, "force is for removals only")
	assert.Equal(t, n, m.GetTotalCallCount())
}

func TestHostsPathsIdempotent(t *testing.T) {
	t.Parallel()
	// Adding an initiator the host already has (73) plus a new one: the new one is sent again.
	c, m := newMock(t)
	bodies := recordBodies(t, m, http.MethodPut, testAPI+"/hosts/"+"node1-iscsi", errorResponder(http.StatusConflict, CodeExistentPath, "path exists"), respondOKEmpty)
	m.RegisterResponder(http.MethodGet, testAPI+"/hosts/node1-iscsi", goldenResponder(t, http.StatusOK, "host_iscsi.json"))
	require.NoError(t, c.Hosts.AddPaths(context.Background(), "node1-iscsi", &HostPathsRequest{ISCSINames: []string{iqnNode1, "iqn.2000-01.com.example:b"}}))
	require.Len(t, *bodies, 2)
	assert.Equal(t, []any{"iqn.2000-01.com.example:b"}, (*bodies)[1]["iSCSINames"])

	// Only initiators it has: done after the read.
	c, m = newMock(t)
	bodies = recordBodies(t, m, http.MethodPut, testAPI+"/hosts/"+"node1-iscsi", errorResponder(http.StatusConflict, CodeExistentPath, "path exists"))
	m.RegisterResponder(http.MethodGet, testAPI+"/hosts/node1-iscsi", goldenResponder(t, http.StatusOK, "host_iscsi.json"))
	require.NoError(t, c.Hosts.AddPaths(context.Background(), "node1-iscsi", &HostPathsRequest{ISCSINames: []string{iqnNode1}}))
	assert.Len(t, *bodies, 1)

	// The initiator belongs to another host: the 73 is returned, with no resend.
	c, m = newMock(t)
	bodies = recordBodies(t, m, http.MethodPut, testAPI+"/hosts/"+"node1-iscsi", errorResponder(http.StatusConflict, CodeExistentPath, "path exists"))
	m.RegisterResponder(http.MethodGet, testAPI+"/hosts/node1-iscsi", goldenResponder(t, http.StatusOK, "host_iscsi.json"))
	err := c.Hosts.AddPaths(context.Background(), "node1-iscsi", &HostPathsRequest{ISCSINames: []string{"iqn.2000-01.com.example:other"}})
	assert.ErrorIs(t, err, ErrAlreadyExists)
	assert.Len(t, *bodies, 1)

	// Removing an initiator the host does not have (80): done after the read.
	c, m = newMock(t)
	bodies = recordBodies(t, m, http.MethodPut, testAPI+"/hosts/"+"node1-iscsi", errorResponder(http.StatusNotFound, CodeNonExistentPath, "no path"), respondOKEmpty)
	m.RegisterResponder(http.MethodGet, testAPI+"/hosts/node1-iscsi", goldenResponder(t, http.StatusOK, "host_iscsi.json"))
	require.NoError(t, c.Hosts.RemovePaths(context.Background(), "node1-iscsi", &HostPathsRequest{ISCSINames: []string{"iqn.2000-01.com.example:gone"}}))
	assert.Len(t, *bodies, 1)
	// ... and one it has among them is sent again.
	c, m = newMock(t)
	bodies = recordBodies(t, m, http.MethodPut, testAPI+"/hosts/"+"node1-iscsi", errorResponder(http.StatusNotFound, CodeNonExistentPath, "no path"), respondOKEmpty)
	m.RegisterResponder(http.MethodGet, testAPI+"/hosts/node1-iscsi", goldenResponder(t, http.StatusOK, "host_iscsi.json"))
	require.NoError(t, c.Hosts.RemovePaths(context.Background(), "node1-iscsi",
		&HostPathsRequest{ISCSINames: []string{"iqn.2000-01.com.example:gone", iqnNode1}, Force: true}))
	require.Len(t, *bodies, 2)
	assert.Equal(t, map[string]any{"pathOperation": float64(2), "iSCSINames": []any{iqnNode1}, "forcePathRemoval": true}, (*bodies)[1])

	// A missing host is not a path question.
	c, m = newMock(t)
	recordBodies(t, m, http.MethodPut, testAPI+"/hosts/"+"gone", errorResponder(http.StatusNotFound, CodeNonExistentHost, "no host"))
	err = c.Hosts.RemovePaths(context.Background(), "gone", &HostPathsRequest{ISCSINames: []string{iqnNode1}})
	assert.ErrorIs(t, err, ErrNotFound)
	assert.Equal(t, 2, m.GetTotalCallCount(), "login + PUT")
}

func TestHostsFindByInitiator(t *testing.T) {
	t.Parallel()
	c, m := newMock(t)
	var mu sync.Mutex
	var queries []string
	// The mock ignores the query and answers every host: the client-side check picks the right one.
	m.RegisterResponder(http.MethodGet, testAPI+"/hosts", func(req *http.Request) (*http.Response, error) {
		mu.Lock()
		queries = append(queries, req.URL.Query().Get("query"))
		mu.Unlock()
		return goldenResponder(t, http.StatusOK, "hosts.json")(req)
	})

	h, err := c.Hosts.FindByInitiator(context.Background(), iqnNode1)
	require.NoError(t, err)
	assert.Equal(t, "node1-iscsi", h.Name)

	h, err = c.Hosts.FindByInitiator(context.Background(), "10:00:00:90:fa:1b:2c:3d")
	require.NoError(t, err)
	assert.Equal(t, "esx01", h.Name)

	h, err = c.Hosts.FindByInitiator(context.Background(), " "+nqnNode1+" ")
	require.NoError(t, err)
	assert.Equal(t, "node1-nvme-tcp", h.Name)
	assert.Equal(t, nqnNode1, h.NVMETCPPaths[0].NQN)

	_, err = c.Hosts.FindByInitiator(context.Background(), nqnOther)
	assert.ErrorIs(t, err, ErrNotFound)
	_, err = c.Hosts.FindByInitiator(context.Background(), "iqn.2000-01.com.example:none")
	assert.ErrorIs(t, err, ErrNotFound)

	assert.Equal(t, []string{
		`"iSCSIPaths[name==` + iqnNode1 + `]"`,
		`"FCPaths[wwn==` + wwnESX01 + `]"`,
		"", // NQN: no query form exists
		"",
		`"iSCSIPaths[name==iqn.2000-01.com.example:none]"`,
	}, queries)

	n := m.GetTotalCallCount()
	for _, bad := range []string{"", "  ", "host1", "iqn.", "nqn.x", "1000", "10000090FA1B2C3D1", "eui.12"} {
		_, err := c.Hosts.FindByInitiator(context.Background(), bad)
		assert.ErrorIs(t, err, ErrInvalidInput, "%q", bad)
	}
	assert.Equal(t, n, m.GetTotalCallCount())
}

func TestHostsFindByInitiatorLowercaseNQNKey(t *testing.T) {
	t.Parallel()
	c, m := newMock(t)
	m.RegisterResponder(http.MethodGet, testAPI+"/hosts", func(req *http.Request) (*http.Response, error) {
		b := strings.ReplaceAll(string(golden(t, "hosts.json")), `"NQN"`, `"nqn"`)
		resp := httpmock.NewStringResponse(http.StatusOK, b)
		resp.Header.Set("Content-Type", "application/json")
		return resp, nil
	})
	h, err := c.Hosts.FindByInitiator(context.Background(), nqnNode1)
	require.NoError(t, err)
	assert.Equal(t, "node1-nvme-tcp", h.Name)

	c, m = newMock(t)
	m.RegisterResponder(http.MethodGet, testAPI+"/hosts", errorResponder(http.StatusServiceUnavailable, CodeSystemBusy, "busy"))
	_, err = c.Hosts.FindByInitiator(context.Background(), nqnNode1)
	assert.ErrorIs(t, err, ErrBusy)
	assert.Equal(t, 4, m.calls(t, http.MethodGet, testAPI+"/hosts"), "an idempotent GET is retried")
}

const ensureNQN = "nqn.2014-08.org.nvmexpress:uuid:6a1e1d3c-3d0b-4f5e-9c39-2bb2a1a7b001"

func TestHostsEnsureFindsCreatesOrRefuses(t *testing.T) {
	t.Parallel()
	req := &HostCreateRequest{Name: "node1-nvme-tcp", NQN: ensureNQN}
	nvmeHost := map[string]any{"name": "node1-nvme-tcp", "NVMETCPPaths": []map[string]any{{"NQN": ensureNQN}}}
	otherHost := map[string]any{"name": "node1-nvme-tcp", "NVMETCPPaths": []map[string]any{{"NQN": "nqn.2014-08.org.nvmexpress:uuid:other"}}}

	t.Run("found", func(t *testing.T) {
		t.Parallel()
		c, m := newMock(t)
		m.RegisterResponder(http.MethodGet, testAPI+"/hosts", jsonResponder(200, map[string]any{"total": 1, "members": []any{nvmeHost}}))
		h, created, err := c.Hosts.Ensure(context.Background(), req)
		require.NoError(t, err)
		assert.False(t, created)
		assert.Equal(t, "node1-nvme-tcp", h.Name)
		// (No POST responder: a create fails the test.)
	})
	t.Run("created", func(t *testing.T) {
		t.Parallel()
		c, m := newMock(t)
		m.RegisterResponder(http.MethodGet, testAPI+"/hosts", jsonResponder(200, map[string]any{"total": 0, "members": []any{}}))
		m.RegisterResponder(http.MethodPost, testAPI+"/hosts", func(req *http.Request) (*http.Response, error) {
			body := decodeBody(t, req)
			assert.Equal(t, ensureNQN, body["NQN"])
			assert.EqualValues(t, 2, body["transportType"])
			return jsonResponder(201, nil)(req)
		})
		// (No GET /hosts/<name> responder: the new host is not read back.)
		h, created, err := c.Hosts.Ensure(context.Background(), req)
		require.NoError(t, err)
		assert.True(t, created)
		assert.Equal(t, &Host{Name: "node1-nvme-tcp", NVMETCPPaths: []NVMETCPPath{{NQN: ensureNQN}}}, h, "what was asked for")
		assert.Equal(t, 3, m.GetTotalCallCount(), "login, GET /hosts, POST /hosts")
	})
	t.Run("name taken by a stranger", func(t *testing.T) {
		t.Parallel()
		c, m := newMock(t)
		m.RegisterResponder(http.MethodGet, testAPI+"/hosts", jsonResponder(200, map[string]any{"total": 1, "members": []any{otherHost}}))
		m.RegisterResponder(http.MethodPost, testAPI+"/hosts", errorResponder(409, CodeExistentHost, "host exists"))
		m.RegisterResponder(http.MethodGet, testAPI+"/hosts/node1-nvme-tcp", jsonResponder(200, otherHost))
		_, _, err := c.Hosts.Ensure(context.Background(), req)
		require.ErrorIs(t, err, ErrConflict)
		require.ErrorIs(t, err, ErrAlreadyExists)
		// (No DELETE responder: removing the stranger's host fails the test.)
	})
	t.Run("name taken, its read fails", func(t *testing.T) {
		t.Parallel()
		c, m := newMock(t)
		m.RegisterResponder(http.MethodGet, testAPI+"/hosts", jsonResponder(200, map[string]any{"total": 0, "members": []any{}}))
		m.RegisterResponder(http.MethodPost, testAPI+"/hosts", errorResponder(409, CodeExistentHost, "host exists"))
		m.RegisterResponder(http.MethodGet, testAPI+"/hosts/node1-nvme-tcp", errorResponder(403, CodePermissionDenied, "denied"))
		_, created, err := c.Hosts.Ensure(context.Background(), req)
		assert.False(t, created)
		// The error to act on is the read's (one error, one class), not
		// the create's "exists" with the read's tacked on.
		var apiErr *APIError
		require.ErrorAs(t, err, &apiErr)
		assert.Equal(t, "/hosts/node1-nvme-tcp", apiErr.Path)
		assert.ErrorIs(t, err, ErrPermission)
		assert.NotErrorIs(t, err, ErrConflict)
	})
	t.Run("no initiator", func(t *testing.T) {
		t.Parallel()
		c, m := newMock(t)
		_, _, err := c.Hosts.Ensure(context.Background(), &HostCreateRequest{Name: "h"})
		require.ErrorIs(t, err, ErrInvalidInput)
		_, _, err = c.Hosts.Ensure(context.Background(), nil)
		require.ErrorIs(t, err, ErrInvalidInput)
		assert.Zero(t, m.GetTotalCallCount())
	})
}

func TestHostsEnsureByInitiatorWireShape(t *testing.T) {
	t.Parallel()
	c, m := newMock(t)
	m.RegisterResponder(http.MethodGet, testAPI+"/hosts", jsonResponder(200, map[string]any{"total": 0, "members": []any{}}))
	bodies := recordBodies(t, m, http.MethodPost, testAPI+"/hosts", jsonResponder(201, nil))
	h, created, err := c.Hosts.EnsureByInitiator(context.Background(), "node1-nvme-tcp", ensureNQN)
	require.NoError(t, err)
	assert.True(t, created)
	assert.Equal(t, "node1-nvme-tcp", h.Name)
	require.Len(t, *bodies, 1)
	assert.Equal(t, map[string]any{"name": "node1-nvme-tcp", "NQN": ensureNQN, "transportType": float64(2)}, (*bodies)[0])

	_, _, err = c.Hosts.EnsureByInitiator(context.Background(), "h", "not-an-initiator")
	assert.ErrorIs(t, err, ErrInvalidInput)
}

// DeleteIfUnused sends the delete and nothing else: the array's refusal
// (any 409) means in use, a missing host means nothing to do.
func TestHostsDeleteIfUnused(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name    string
		answer  httpmock.Responder
		deleted bool
		err     error
	}{
		{"deleted", respondOKEmpty, true, nil},
		{"exported", errorResponder(http.StatusConflict, CodeExportedVLUN, "exported"), false, nil},
		{"in a host set", errorResponder(http.StatusConflict, 77, "in set"), false, nil}, // no GET /hostsets
		{"gone", errorResponder(http.StatusNotFound, CodeNonExistentHost, "no host"), false, nil},
		{"refused", errorResponder(http.StatusForbidden, CodePermissionDenied, "no"), false, ErrPermission},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			c, m := newMock(t)
			m.RegisterResponder(http.MethodDelete, testAPI+"/hosts/node1-nvme-tcp", tc.answer)
			deleted, err := c.Hosts.DeleteIfUnused(context.Background(), "node1-nvme-tcp")
			if tc.err != nil {
				require.ErrorIs(t, err, tc.err)
			} else {
				require.NoError(t, err)
			}
			assert.Equal(t, tc.deleted, deleted)
			assert.Equal(t, 1, m.calls(t, http.MethodDelete, testAPI+"/hosts/node1-nvme-tcp"))
		})
	}
	c, m := newMock(t)
	_, err := c.Hosts.DeleteIfUnused(context.Background(), "")
	require.ErrorIs(t, err, ErrInvalidInput)
	assert.Zero(t, m.GetTotalCallCount())
}

func TestHostsAll(t *testing.T) {
	t.Parallel()
	c, m := newMock(t)
	m.RegisterResponder(http.MethodGet, testAPI+"/hosts", goldenResponder(t, http.StatusOK, "hosts.json"))
	ctx := context.Background()
	want, err := c.Hosts.List(ctx, nil)
	require.NoError(t, err)
	require.NotEmpty(t, want)
	var got []Host
	for h, err := range c.Hosts.All(ctx, nil) {
		require.NoError(t, err)
		got = append(got, h)
	}
	assert.Equal(t, want, got)

	c, m = newMock(t)
	m.RegisterResponder(http.MethodGet, testAPI+"/hosts", errorResponder(http.StatusForbidden, CodePermissionDenied, "no"))
	errs := 0
	for h, err := range c.Hosts.All(ctx, nil) {
		assert.Zero(t, h)
		assert.ErrorIs(t, err, ErrPermission)
		errs++
	}
	assert.Equal(t, 1, errs)
}
