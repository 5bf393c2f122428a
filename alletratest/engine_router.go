package alletratest

import (
	"net/http"
	"net/url"
	"slices"
	"strings"
)

type handlerFunc func(e *engine, req *request) response

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

func errResponse(err *apiError) response { return response{status: err.Status, body: err.body()} }

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
	add("/api", map[string]handlerFunc{"GET": (*engine).apiVersion}, "GET")
	add(v1+"/credentials", map[string]handlerFunc{"POST": (*engine).login}, "POST")
	add(v1+"/credentials/{key}", map[string]handlerFunc{"DELETE": (*engine).logout}, "DELETE")
	add(v1+"/volumes", map[string]handlerFunc{"GET": (*engine).listVolumes, "POST": (*engine).createVolume})
	add(v1+"/volumes/{name}", map[string]handlerFunc{
		"GET": (*engine).getVolume, "POST": (*engine).volumeAction,
		"PUT": (*engine).modifyVolume, "DELETE": (*engine).deleteVolume,
	})
	add(v1+"/volumes/{name}/objectKeyValues", map[string]handlerFunc{"GET": (*engine).listKV, "POST": (*engine).createKV})
	add(v1+"/volumes/{name}/objectKeyValues/{key}", map[string]handlerFunc{
		"GET": (*engine).getKV, "PUT": (*engine).updateKV, "DELETE": (*engine).deleteKV,
	})
	add(v1+"/volumesets", map[string]handlerFunc{"GET": (*engine).listSets, "POST": (*engine).createSet})
	add(v1+"/volumesets/{name}", map[string]handlerFunc{
		"GET": (*engine).getSet, "PUT": (*engine).modifySet, "DELETE": (*engine).deleteSet,
		"POST": (*engine).volumeSetAction,
	})
	add(v1+"/hostsets", map[string]handlerFunc{"GET": (*engine).listHostSets, "POST": (*engine).createHostSet})
	add(v1+"/hostsets/{name}", map[string]handlerFunc{
		"GET": (*engine).getHostSet, "PUT": (*engine).modifyHostSet, "DELETE": (*engine).deleteHostSet,
	})
	add(v1+"/qos", map[string]handlerFunc{"GET": (*engine).listQoS, "POST": (*engine).createQoS})
	add(v1+"/qos/{target}", map[string]handlerFunc{
		"GET": (*engine).getQoS, "PUT": (*engine).modifyQoS, "DELETE": (*engine).deleteQoS,
	})
	add(v1+"/hosts", map[string]handlerFunc{"GET": (*engine).listHosts, "POST": (*engine).createHost})
	add(v1+"/hosts/{name}", map[string]handlerFunc{
		"GET": (*engine).getHost, "PUT": (*engine).modifyHost, "DELETE": (*engine).deleteHost,
	})
	add(v1+"/vluns", map[string]handlerFunc{"GET": (*engine).listVLUNs, "POST": (*engine).createVLUN})
	add(v1+"/vluns/{id}", map[string]handlerFunc{"GET": (*engine).getVLUN, "DELETE": (*engine).deleteVLUN})
	add(v1+"/tasks", map[string]handlerFunc{"GET": (*engine).listTasks})
	add(v1+"/tasks/{id}", map[string]handlerFunc{"GET": (*engine).getTask, "PUT": (*engine).cancelTask})
	add(v1+"/ports", map[string]handlerFunc{"GET": (*engine).listPorts})
	add(v1+"/ports/{pos}", map[string]handlerFunc{"GET": (*engine).getPort})
	add(v1+"/ports/{pos}/iSCSIVlans", map[string]handlerFunc{"GET": (*engine).listPortVlans})
	add(v1+"/system", map[string]handlerFunc{"GET": (*engine).getSystem})
	add(v1+"/capacity", map[string]handlerFunc{"GET": (*engine).getCapacity})
	add(v1+"/cpgs", map[string]handlerFunc{"GET": (*engine).listCPGs, "POST": (*engine).createCPG})
	add(v1+"/cpgs/{name}", map[string]handlerFunc{"GET": (*engine).getCPG, "DELETE": (*engine).deleteCPG})
	add(v1+"/spacereporter", map[string]handlerFunc{"POST": (*engine).spaceReport})
	add(v1+"/wsapiconfiguration", map[string]handlerFunc{"GET": (*engine).wsapiConfig})
	add(v1+"/systemreporter/{mode}/{report}/{spec}", map[string]handlerFunc{"GET": (*engine).systemReporter})
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

// Routes returns every route the simulator serves, in table order: the ones
// InjectFault accepts and Server.Requests counts.
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

// routeOf returns the route that an escaped path, or a route template,
// matches.
func routeOf(path string) (Route, bool) {
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
