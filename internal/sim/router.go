package sim

import (
	"net/http"
	"net/url"
	"slices"
	"strings"
)

type handlerFunc func(e *Engine, req *request) response

type route struct {
	template string
	segs     []string // "" marks a parameter
	methods  map[string]handlerFunc
	noAuth   map[string]bool // methods that need no session key
}

// request is what a handler sees.
type request struct {
	method string
	route  string
	params []string // unescaped path parameters
	raw    []string // the same, still escaped
	query  url.Values
	body   []byte
	user   string
}

// response is what a handler returns; the HTTP layer writes it.
type response struct {
	status   int
	location string
	body     any   // nil: no body
	list     bool  // collection: {"total":N,"members":members}
	members  []any // for list
}

func errResponse(err *APIError) response { return response{status: err.Status, body: err.body()} }

func listResponse[T any](items []T) response {
	m := make([]any, len(items))
	for i := range items {
		m[i] = items[i]
	}
	return response{status: http.StatusOK, list: true, members: m}
}

func okJSON(v any) response { return response{status: http.StatusOK, body: v} }

var routes = buildRoutes()

func buildRoutes() []*route {
	r := []*route{}
	add := func(tmpl string, m map[string]handlerFunc, noAuth ...string) {
		rt := &route{template: tmpl, methods: m, noAuth: map[string]bool{}}
		for _, s := range strings.Split(strings.TrimPrefix(tmpl, "/"), "/") {
			if strings.HasPrefix(s, "{") {
				s = ""
			}
			rt.segs = append(rt.segs, s)
		}
		for _, n := range noAuth {
			rt.noAuth[n] = true
		}
		r = append(r, rt)
	}
	const v1 = "/api/v1"
	add("/api", map[string]handlerFunc{"GET": (*Engine).apiVersion}, "GET")
	add(v1+"/credentials", map[string]handlerFunc{"POST": (*Engine).login}, "POST")
	add(v1+"/credentials/{key}", map[string]handlerFunc{"DELETE": (*Engine).logout}, "DELETE")
	add(v1+"/volumes", map[string]handlerFunc{"GET": (*Engine).listVolumes, "POST": (*Engine).createVolume})
	add(v1+"/volumes/{name}", map[string]handlerFunc{
		"GET": (*Engine).getVolume, "POST": (*Engine).volumeAction,
		"PUT": (*Engine).modifyVolume, "DELETE": (*Engine).deleteVolume,
	})
	add(v1+"/volumes/{name}/objectKeyValues", map[string]handlerFunc{"GET": (*Engine).listKV, "POST": (*Engine).createKV})
	add(v1+"/volumes/{name}/objectKeyValues/{key}", map[string]handlerFunc{
		"GET": (*Engine).getKV, "PUT": (*Engine).updateKV, "DELETE": (*Engine).deleteKV,
	})
	add(v1+"/volumesets", map[string]handlerFunc{"GET": (*Engine).listSets, "POST": (*Engine).createSet})
	add(v1+"/volumesets/{name}", map[string]handlerFunc{
		"GET": (*Engine).getSet, "PUT": (*Engine).modifySet, "DELETE": (*Engine).deleteSet,
		"POST": (*Engine).volumeSetAction,
	})
	add(v1+"/hostsets", map[string]handlerFunc{"GET": (*Engine).listHostSets, "POST": (*Engine).createHostSet})
	add(v1+"/hostsets/{name}", map[string]handlerFunc{
		"GET": (*Engine).getHostSet, "PUT": (*Engine).modifyHostSet, "DELETE": (*Engine).deleteHostSet,
	})
	add(v1+"/qos", map[string]handlerFunc{"GET": (*Engine).listQoS, "POST": (*Engine).createQoS})
	add(v1+"/qos/{target}", map[string]handlerFunc{
		"GET": (*Engine).getQoS, "PUT": (*Engine).modifyQoS, "DELETE": (*Engine).deleteQoS,
	})
	add(v1+"/hosts", map[string]handlerFunc{"GET": (*Engine).listHosts, "POST": (*Engine).createHost})
	add(v1+"/hosts/{name}", map[string]handlerFunc{
		"GET": (*Engine).getHost, "PUT": (*Engine).modifyHost, "DELETE": (*Engine).deleteHost,
	})
	add(v1+"/vluns", map[string]handlerFunc{"GET": (*Engine).listVLUNs, "POST": (*Engine).createVLUN})
	add(v1+"/vluns/{id}", map[string]handlerFunc{"GET": (*Engine).getVLUN, "DELETE": (*Engine).deleteVLUN})
	add(v1+"/tasks", map[string]handlerFunc{"GET": (*Engine).listTasks})
	add(v1+"/tasks/{id}", map[string]handlerFunc{"GET": (*Engine).getTask, "PUT": (*Engine).cancelTask})
	add(v1+"/ports", map[string]handlerFunc{"GET": (*Engine).listPorts})
	add(v1+"/ports/{pos}", map[string]handlerFunc{"GET": (*Engine).getPort})
	add(v1+"/ports/{pos}/iSCSIVlans", map[string]handlerFunc{"GET": (*Engine).listPortVlans})
	add(v1+"/system", map[string]handlerFunc{"GET": (*Engine).getSystem})
	add(v1+"/capacity", map[string]handlerFunc{"GET": (*Engine).getCapacity})
	add(v1+"/cpgs", map[string]handlerFunc{"GET": (*Engine).listCPGs, "POST": (*Engine).createCPG})
	add(v1+"/cpgs/{name}", map[string]handlerFunc{"GET": (*Engine).getCPG, "DELETE": (*Engine).deleteCPG})
	add(v1+"/spacereporter", map[string]handlerFunc{"POST": (*Engine).spaceReport})
	add(v1+"/wsapiconfiguration", map[string]handlerFunc{"GET": (*Engine).wsapiConfig})
	add(v1+"/systemreporter/{mode}/{report}/{spec}", map[string]handlerFunc{"GET": (*Engine).systemReporter})
	return r
}

// match finds the route for an escaped path. It returns the route and its
// escaped and unescaped parameters.
func match(escapedPath string) (*route, []string, []string, bool) {
	p := strings.TrimSuffix(escapedPath, "/")
	segs := strings.Split(strings.TrimPrefix(p, "/"), "/")
next:
	for _, rt := range routes {
		if len(rt.segs) != len(segs) {
			continue
		}
		var raw, params []string
		for i, s := range rt.segs {
			if s == "" {
				u, err := url.PathUnescape(segs[i])
				if err != nil || segs[i] == "" {
					continue next
				}
				raw = append(raw, segs[i])
				params = append(params, u)
			} else if s != segs[i] {
				continue next
			}
		}
		return rt, raw, params, true
	}
	return nil, nil, nil, false
}

// Route is a URL template the simulator serves and its methods.
type Route struct {
	Template string
	Methods  []string // sorted
}

// Routes returns every route the simulator serves, in table order.
func Routes() []Route {
	out := make([]Route, 0, len(routes))
	for _, rt := range routes {
		ms := make([]string, 0, len(rt.methods))
		for m := range rt.methods {
			ms = append(ms, m)
		}
		slices.Sort(ms)
		out = append(out, Route{Template: rt.template, Methods: ms})
	}
	return out
}

// RouteOf returns the route that an escaped path, or a route template,
// matches.
func RouteOf(path string) (Route, bool) {
	rt, _, _, ok := match(path)
	if !ok {
		return Route{}, false
	}
	for _, r := range Routes() {
		if r.Template == rt.template {
			return r, true
		}
	}
	return Route{}, false
}
