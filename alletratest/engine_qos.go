package alletratest

import (
	"net/http"
	"sort"
	"strings"
)

// QoS rules: GET/POST /qos, GET/PUT/DELETE /qos/{vvset|sys}:{name}. The
// public record is HPE's python client (createQoSRules, modifyQoSRules,
// deleteQoSRules) and its mock server: members, codes 100 (404), 114 (400,
// as the mock sends it), 117 (404) and 115 (below range); POST answers 201
// without a Location. A volume set that a rule targets cannot be deleted
// (VVSET_QOS_TARGET, 409, WSAPI guide pp. 88-89: no published number, so the
// placeholder is sent).

// QoS codes (HPE's python client mock server).
const (
	codeNonExistentQoSRule        = 100
	codeExistentQoSRule           = 114
	codeInvalidQoSTargetObj       = 117
	qosTargetVolumeSet            = 1
	qosTargetSystem               = 2
	qosAllOthers                  = "all_others"
	qosPriorityLow                = 1
	qosPriorityHigh               = 3
	qosOpZero, qosOpNoLimit       = 1, 2
	qosDefaultLatencyMs           = 0
	qosMaxLimit             int64 = 1 << 31
)

type qosRule struct {
	id       int
	typ      int
	name     string // the volume set, or all_others
	settings qosBody
}

// qosBody holds the members HPE's mock server accepts (_validate_qos_input).
type qosBody struct {
	Name           *string `json:"name,omitempty"`
	Type           *int    `json:"type,omitempty"`
	Priority       *int    `json:"priority,omitempty"`
	BwMinGoalKB    *int64  `json:"bwMinGoalKB,omitempty"`
	BwMaxLimitKB   *int64  `json:"bwMaxLimitKB,omitempty"`
	IOMinGoal      *int64  `json:"ioMinGoal,omitempty"`
	IOMaxLimit     *int64  `json:"ioMaxLimit,omitempty"`
	Enable         *bool   `json:"enable,omitempty"`
	BwMinGoalOP    *int    `json:"bwMinGoalOP,omitempty"`
	BwMaxLimitOP   *int    `json:"bwMaxLimitOP,omitempty"`
	IOMinGoalOP    *int    `json:"ioMinGoalOP,omitempty"`
	IOMaxLimitOP   *int    `json:"ioMaxLimitOP,omitempty"`
	LatencyGoal    *int    `json:"latencyGoal,omitempty"`
	DefaultLatency *bool   `json:"defaultLatency,omitempty"`
}

// qosJSON is a rule as GET answers it: the id, the target and the settings
// as they were set (HPE's mock echoes the create body, "enable" included).
type qosJSON struct {
	ID int `json:"id"`
	qosBody
}

func (r *qosRule) key() string {
	if r.typ == qosTargetSystem {
		return "sys:" + qosAllOthers
	}
	return "vvset:" + r.name
}

func (r *qosRule) wire() qosJSON {
	j := qosJSON{ID: r.id, qosBody: r.settings}
	name, typ := r.name, r.typ
	j.Name, j.Type = &name, &typ
	if j.Enable == nil {
		on := true
		j.Enable = &on
	}
	return j
}

// QoSRule returns a test's view of the rule of target ("vvset:<set>" or "sys:all_others").
func (e *engine) QoSRule(target string) (QoSRuleState, bool) {
	e.lock()
	defer e.unlock()
	r := e.qos[target]
	if r == nil {
		return QoSRuleState{}, false
	}
	s := QoSRuleState{Target: r.key(), Enabled: r.settings.Enable == nil || *r.settings.Enable}
	if r.settings.IOMaxLimit != nil {
		s.IOMaxLimit = *r.settings.IOMaxLimit
	}
	if r.settings.BwMaxLimitKB != nil {
		s.BwMaxLimitKB = *r.settings.BwMaxLimitKB
	}
	return s, true
}

// checkQoS validates the settings of a create or modify.
func checkQoS(b *qosBody) *apiError {
	if b.Priority != nil && (*b.Priority < qosPriorityLow || *b.Priority > qosPriorityHigh) {
		return withRef(errBadRequest(codeBadEnumValue, "invalid input: bad enum value"), "priority")
	}
	for name, op := range map[string]*int{"bwMinGoalOP": b.BwMinGoalOP, "bwMaxLimitOP": b.BwMaxLimitOP,
		"ioMinGoalOP": b.IOMinGoalOP, "ioMaxLimitOP": b.IOMaxLimitOP} {
		if op != nil && *op != qosOpZero && *op != qosOpNoLimit {
			return withRef(errBadRequest(codeBadEnumValue, "invalid input: bad enum value"), name)
		}
	}
	for name, v := range map[string]*int64{"bwMinGoalKB": b.BwMinGoalKB, "bwMaxLimitKB": b.BwMaxLimitKB,
		"ioMinGoal": b.IOMinGoal, "ioMaxLimit": b.IOMaxLimit} {
		if v != nil && *v < 0 { // the upper bound (INV_INPUT_EXCEEDS_RANGE) is not published
			return withRef(errBadRequest(codeBelowRange, "invalid input: limit below range"), name)
		}
	}
	if b.LatencyGoal != nil && *b.LatencyGoal < qosDefaultLatencyMs {
		return withRef(errBadRequest(codeBelowRange, "invalid input: latency goal below range"), "latencyGoal")
	}
	// INV_INPUT_(BW_)MIN_GOAL_GRT_MAX_LIMIT: named by HPE's python client, no number.
	if b.IOMinGoal != nil && b.IOMaxLimit != nil && *b.IOMinGoal > *b.IOMaxLimit {
		return withRef(errBadRequest(0, "I/O-per-second maximum limit should be greater than the minimum goal"), "ioMinGoal")
	}
	if b.BwMinGoalKB != nil && b.BwMaxLimitKB != nil && *b.BwMinGoalKB > *b.BwMaxLimitKB {
		return withRef(errBadRequest(0, "bandwidth maximum limit should be greater than the minimum goal"), "bwMinGoalKB")
	}
	return nil
}

// parseQoSTarget splits "vvset:<name>" or "sys:all_others".
func parseQoSTarget(p string) (typ int, name string, err *apiError) {
	prefix, name, ok := strings.Cut(p, ":")
	switch {
	case ok && prefix == "vvset" && name != "":
		return qosTargetVolumeSet, name, nil
	case ok && prefix == "sys" && name == qosAllOthers:
		return qosTargetSystem, name, nil
	}
	return 0, "", errNotFound(codeInvalidQoSTargetObj, "invalid QoS target object %s", p)
}

// createQoS handles POST /qos.
func (e *engine) createQoS(req *request) response {
	var b qosBody
	if err := decodeStrict(req.body, &b); err != nil {
		return errResponse(err)
	}
	switch {
	case b.Name == nil:
		return errResponse(missing("name"))
	case b.Type == nil:
		return errResponse(missing("type"))
	case *b.Type != qosTargetVolumeSet && *b.Type != qosTargetSystem:
		return errResponse(withRef(errBadRequest(codeBadEnumValue, "invalid input: bad enum value"), "type"))
	}
	if err := checkQoS(&b); err != nil {
		return errResponse(err)
	}
	name := *b.Name
	e.lock()
	defer e.unlock()
	r := &qosRule{typ: *b.Type, name: name}
	if r.typ == qosTargetSystem {
		// Accept the name with or without the "sys:" prefix: sources do not say.
		if n := strings.TrimPrefix(name, "sys:"); n != qosAllOthers {
			return errResponse(errNotFound(codeInvalidQoSTargetObj, "invalid QoS target object %s", name))
		}
		r.name = qosAllOthers
	} else if e.sets[name] == nil {
		return errResponse(errNotFound(codeInvalidQoSTargetObj, "invalid QoS target object %s", name))
	}
	if e.qos[r.key()] != nil {
		return errResponse(errBadRequest(codeExistentQoSRule, "QoS rule exists"))
	}
	b.Name, b.Type = nil, nil
	r.settings, r.id = b, e.newID()
	if e.qos == nil {
		e.qos = map[string]*qosRule{}
	}
	e.qos[r.key()] = r
	return response{status: http.StatusCreated}
}

// listQoS handles GET /qos.
func (e *engine) listQoS(_ *request) response {
	e.lock()
	defer e.unlock()
	keys := make([]string, 0, len(e.qos))
	for k := range e.qos {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	out := make([]qosJSON, 0, len(keys))
	for _, k := range keys {
		out = append(out, e.qos[k].wire())
	}
	return listResponse(out)
}

// ruleFor returns the rule of the target in the path. Callers hold e.mu.
func (e *engine) ruleFor(p string) (*qosRule, *apiError) {
	typ, name, aerr := parseQoSTarget(p)
	if aerr != nil {
		return nil, aerr
	}
	if typ == qosTargetVolumeSet && e.sets[name] == nil {
		return nil, errNotFound(codeInvalidQoSTargetObj, "invalid QoS target object %s", p)
	}
	r := e.qos[p]
	if r == nil {
		return nil, errNotFound(codeNonExistentQoSRule, "non-existent QoS rule")
	}
	return r, nil
}

// getQoS handles GET /qos/{target}.
func (e *engine) getQoS(req *request) response {
	e.lock()
	defer e.unlock()
	r, aerr := e.ruleFor(req.params[0])
	if aerr != nil {
		return errResponse(aerr)
	}
	return okJSON(r.wire())
}

// modifyQoS handles PUT /qos/{target}: the members sent replace the rule's.
func (e *engine) modifyQoS(req *request) response {
	var b qosBody
	if err := decodeStrict(req.body, &b); err != nil {
		return errResponse(err)
	}
	if err := checkQoS(&b); err != nil {
		return errResponse(err)
	}
	e.lock()
	defer e.unlock()
	r, aerr := e.ruleFor(req.params[0])
	if aerr != nil {
		return errResponse(aerr)
	}
	merged := r.settings
	for _, f := range []struct{ dst, src **int64 }{{&merged.BwMinGoalKB, &b.BwMinGoalKB}, {&merged.BwMaxLimitKB, &b.BwMaxLimitKB},
		{&merged.IOMinGoal, &b.IOMinGoal}, {&merged.IOMaxLimit, &b.IOMaxLimit}} {
		if *f.src != nil {
			*f.dst = *f.src
		}
	}
	for _, f := range []struct{ dst, src **int }{{&merged.Priority, &b.Priority}, {&merged.BwMinGoalOP, &b.BwMinGoalOP},
		{&merged.BwMaxLimitOP, &b.BwMaxLimitOP}, {&merged.IOMinGoalOP, &b.IOMinGoalOP}, {&merged.IOMaxLimitOP, &b.IOMaxLimitOP},
		{&merged.LatencyGoal, &b.LatencyGoal}} {
		if *f.src != nil {
			*f.dst = *f.src
		}
	}
	for _, f := range []struct{ dst, src **bool }{{&merged.Enable, &b.Enable}, {&merged.DefaultLatency, &b.DefaultLatency}} {
		if *f.src != nil {
			*f.dst = *f.src
		}
	}
	if err := checkQoS(&merged); err != nil {
		return errResponse(err)
	}
	r.settings = merged
	return response{status: http.StatusOK}
}

// deleteQoS handles DELETE /qos/{target}.
func (e *engine) deleteQoS(req *request) response {
	e.lock()
	defer e.unlock()
	r, aerr := e.ruleFor(req.params[0])
	if aerr != nil {
		return errResponse(aerr)
	}
	delete(e.qos, r.key())
	return response{status: http.StatusOK}
}

// qosBlocksSetDelete refuses to delete a volume set that a QoS rule targets
// (VVSET_QOS_TARGET, 409, no public number). Callers hold e.mu.
func (e *engine) qosBlocksSetDelete(set string) *apiError {
	if e.qos["vvset:"+set] != nil {
		return errConflict(0, "volume set %s is the target of a QoS rule", set)
	}
	return nil
}

// renameQoSTarget keeps a volume set's rule when the set is renamed. Callers hold e.mu.
func (e *engine) renameQoSTarget(from, to string) {
	if r := e.qos["vvset:"+from]; r != nil {
		delete(e.qos, "vvset:"+from)
		r.name = to
		e.qos[r.key()] = r
	}
}
