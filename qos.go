package alletra

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strings"
)

// QoSService manages QoS rules (WSAPI /qos, HPE Priority Optimization):
// I/O and bandwidth limits and goals, a latency goal and a priority for the
// volumes of a volume set ("vvset:<set>") or for every volume no other rule
// covers ("sys:all_others").
//
// The public record of /qos is thin: HPE's python client (createQoSRules,
// modifyQoSRules, deleteQoSRules, queryQoSRules) and its mock server are the
// sources; the WSAPI guide's pages on QoS were not available. Members of
// answers are read as those sources spell them.
type QoSService service

// QoSTargetType is the kind of object a QoS rule applies to.
type QoSTargetType int

// QoS target types (HPE python client TARGET_TYPE_VVSET, TARGET_TYPE_SYS).
const (
	QoSTargetVolumeSet QoSTargetType = 1 // a volume set: "vvset:<name>"
	QoSTargetSystem    QoSTargetType = 2 // the system: "sys:all_others"
)

// String returns the prefix the WSAPI uses for the target type in paths.
func (t QoSTargetType) String() string { return enumName(int(t), "vvset", "sys") }

// QoSAllOthers is the name of the system target: the rule for every volume
// that no volume-set rule covers.
const QoSAllOthers = "all_others"

// QoSTarget names the object of a QoS rule.
type QoSTarget struct {
	Type QoSTargetType
	Name string // the volume set, or QoSAllOthers for the system target
}

// VolumeSetQoS returns the target "vvset:<set>".
func VolumeSetQoS(set string) QoSTarget { return QoSTarget{Type: QoSTargetVolumeSet, Name: set} }

// AllOthersQoS returns the target "sys:all_others".
func AllOthersQoS() QoSTarget { return QoSTarget{Type: QoSTargetSystem, Name: QoSAllOthers} }

// String returns the target as the WSAPI writes it in paths, e.g. "vvset:pool1".
func (t QoSTarget) String() string { return t.Type.String() + ":" + t.Name }

func (t QoSTarget) check(c *Client) error {
	switch t.Type {
	case QoSTargetVolumeSet:
		return c.checkName("target", t.Name)
	case QoSTargetSystem:
		if t.Name != QoSAllOthers {
			return invalid("target", fmt.Sprintf("the system target is %q, got %q", QoSAllOthers, t.Name))
		}
		return nil
	}
	return invalid("target", fmt.Sprintf("type must be 1 (vvset) or 2 (sys), got %d", t.Type))
}

// QoSPriority is the priority of a QoS rule's target.
type QoSPriority int

// QoS priorities (HPE python client PRIORITY_LOW, _NORMAL, _HIGH). On arrays
// of the WSAPI of 2025 (Alletra MP OS 10.5 and later) HPE's Cinder driver
// calls priorities, minimum goals and latency goals deprecated and sends
// only the maximum limits, at least one of them (see QoSService.Create).
const (
	QoSPriorityLow    QoSPriority = 1
	QoSPriorityNormal QoSPriority = 2
	QoSPriorityHigh   QoSPriority = 3
)

// String returns the WSAPI name of the priority.
func (p QoSPriority) String() string { return enumName(int(p), "LOW", "NORMAL", "HIGH") }

// QoSLimitOp overrides a goal or limit with zero or with no limit. The
// operation takes precedence over the number it belongs to.
type QoSLimitOp int

// Goal and limit operations (the "zero none" enum of HPE's python client).
const (
	QoSLimitZero    QoSLimitOp = 1 // the goal or limit is 0
	QoSLimitNoLimit QoSLimitOp = 2 // there is no goal or limit
)

// String returns the WSAPI name of the operation.
func (o QoSLimitOp) String() string { return enumName(int(o), "ZERO", "NOLIMIT") }

// QoSRuleSpec are the settings of a QoS rule, for Create and Modify. Nil
// and zero members are not sent: the array keeps (or defaults) them.
type QoSRuleSpec struct {
	Priority     QoSPriority `json:"priority,omitempty"`
	IOMinGoal    *int64      `json:"ioMinGoal,omitempty"`    // I/O per second
	IOMaxLimit   *int64      `json:"ioMaxLimit,omitempty"`   // I/O per second
	BwMinGoalKB  *int64      `json:"bwMinGoalKB,omitempty"`  // KB per second
	BwMaxLimitKB *int64      `json:"bwMaxLimitKB,omitempty"` // KB per second
	IOMinGoalOp  QoSLimitOp  `json:"ioMinGoalOP,omitempty"`
	IOMaxLimitOp QoSLimitOp  `json:"ioMaxLimitOP,omitempty"`
	BwMinGoalOp  QoSLimitOp  `json:"bwMinGoalOP,omitempty"`
	BwMaxLimitOp QoSLimitOp  `json:"bwMaxLimitOP,omitempty"`
	// LatencyGoalMs is the service-time goal in milliseconds.
	LatencyGoalMs int `json:"latencyGoal,omitempty"`
	// LatencyGoalUsecs is the service-time goal in microseconds, for goals
	// below a millisecond (HPE's Cinder driver sends latencyGoaluSecs for
	// those). Not together with LatencyGoalMs: HPE's Ansible module says
	// to use one or the other.
	LatencyGoalUsecs int `json:"latencyGoaluSecs,omitempty"`
	// DefaultLatency uses the array's default latency goal instead of LatencyGoalMs.
	DefaultLatency *bool `json:"defaultLatency,omitempty"`
	// Enable turns the rule on (true) or off (false); nil leaves it as it is
	// (on, for a new rule).
	Enable *bool `json:"enable,omitempty"`
}

func (r *QoSRuleSpec) check() error {
	if r == nil {
		return invalid("spec", "nil *QoSRuleSpec")
	}
	if r.Priority < 0 || r.Priority > QoSPriorityHigh {
		return invalid("Priority", fmt.Sprintf("must be 0 (unset) or 1-3, got %d", r.Priority))
	}
	for _, f := range []struct {
		name string
		v    *int64
	}{{"IOMinGoal", r.IOMinGoal}, {"IOMaxLimit", r.IOMaxLimit}, {"BwMinGoalKB", r.BwMinGoalKB}, {"BwMaxLimitKB", r.BwMaxLimitKB}} {
		if f.v != nil && *f.v < 0 {
			return invalid(f.name, fmt.Sprintf("must not be negative, got %d", *f.v))
		}
	}
	for _, f := range []struct {
		name string
		op   QoSLimitOp
	}{{"IOMinGoalOp", r.IOMinGoalOp}, {"IOMaxLimitOp", r.IOMaxLimitOp}, {"BwMinGoalOp", r.BwMinGoalOp}, {"BwMaxLimitOp", r.BwMaxLimitOp}} {
		if f.op < 0 || f.op > QoSLimitNoLimit {
			return invalid(f.name, fmt.Sprintf("must be 0 (unset), 1 (zero) or 2 (no limit), got %d", f.op))
		}
	}
	if r.IOMinGoal != nil && r.IOMaxLimit != nil && *r.IOMinGoal > *r.IOMaxLimit {
		return invalid("IOMinGoal", "above IOMaxLimit")
	}
	if r.BwMinGoalKB != nil && r.BwMaxLimitKB != nil && *r.BwMinGoalKB > *r.BwMaxLimitKB {
		return invalid("BwMinGoalKB", "above BwMaxLimitKB")
	}
	if r.LatencyGoalMs < 0 {
		return invalid("LatencyGoalMs", fmt.Sprintf("must not be negative, got %d", r.LatencyGoalMs))
	}
	if r.LatencyGoalUsecs < 0 {
		return invalid("LatencyGoalUsecs", fmt.Sprintf("must not be negative, got %d", r.LatencyGoalUsecs))
	}
	if r.LatencyGoalMs != 0 && r.LatencyGoalUsecs != 0 {
		return invalid("LatencyGoalUsecs", "set LatencyGoalMs or LatencyGoalUsecs, not both")
	}
	return nil
}

// hasMaximum reports whether the spec sets a maximum limit, which arrays of
// the WSAPI of 2025 need on a new rule.
func (r *QoSRuleSpec) hasMaximum() bool { return r.IOMaxLimit != nil || r.BwMaxLimitKB != nil }

// QoSRule is a QoS rule as the array reports it.
type QoSRule struct {
	ID            string        // the array's identifier (a number or a string; kept as text)
	Name          string        // the target's name: a volume set, or QoSAllOthers
	Type          QoSTargetType // what Name is
	Enabled       bool
	Priority      QoSPriority
	IOMinGoal     int64
	IOMaxLimit    int64
	BwMinGoalKB   int64
	BwMaxLimitKB  int64
	IOMinGoalOp   QoSLimitOp
	IOMaxLimitOp  QoSLimitOp
	BwMinGoalOp   QoSLimitOp
	BwMaxLimitOp  QoSLimitOp
	LatencyGoalMs int
	// LatencyGoalUsecs is the latency goal in microseconds (latencyGoaluSecs).
	LatencyGoalUsecs int
	DefaultLatency   bool
}

// Target returns the rule's target.
func (r *QoSRule) Target() QoSTarget {
	name := r.Name
	if r.Type == QoSTargetSystem {
		name = strings.TrimPrefix(name, "sys:")
	}
	return QoSTarget{Type: r.Type, Name: name}
}

// UnmarshalJSON reads a rule. The enabled state is read from "enabled" or,
// as HPE's mock server echoes the create body, "enable"; numbers may be
// quoted; the id may be a number or a string.
func (r *QoSRule) UnmarshalJSON(b []byte) error {
	var w struct {
		ID             json.RawMessage `json:"id"`
		Name           string          `json:"name"`
		Type           flexInt         `json:"type"`
		Enabled        *bool           `json:"enabled"`
		Enable         *bool           `json:"enable"`
		Priority       flexInt         `json:"priority"`
		IOMinGoal      flexInt         `json:"ioMinGoal"`
		IOMaxLimit     flexInt         `json:"ioMaxLimit"`
		BwMinGoalKB    flexInt         `json:"bwMinGoalKB"`
		BwMaxLimitKB   flexInt         `json:"bwMaxLimitKB"`
		IOMinGoalOp    flexInt         `json:"ioMinGoalOP"`
		IOMaxLimitOp   flexInt         `json:"ioMaxLimitOP"`
		BwMinGoalOp    flexInt         `json:"bwMinGoalOP"`
		BwMaxLimitOp   flexInt         `json:"bwMaxLimitOP"`
		LatencyGoal    flexInt         `json:"latencyGoal"`
		LatencyGoalUs  flexInt         `json:"latencyGoaluSecs"`
		DefaultLatency bool            `json:"defaultLatency"`
	}
	if err := json.Unmarshal(b, &w); err != nil {
		return err
	}
	*r = QoSRule{Name: w.Name, Type: QoSTargetType(w.Type), Priority: QoSPriority(w.Priority),
		IOMinGoal: int64(w.IOMinGoal), IOMaxLimit: int64(w.IOMaxLimit), BwMinGoalKB: int64(w.BwMinGoalKB),
		BwMaxLimitKB: int64(w.BwMaxLimitKB), IOMinGoalOp: QoSLimitOp(w.IOMinGoalOp), IOMaxLimitOp: QoSLimitOp(w.IOMaxLimitOp),
		BwMinGoalOp: QoSLimitOp(w.BwMinGoalOp), BwMaxLimitOp: QoSLimitOp(w.BwMaxLimitOp),
		LatencyGoalMs: int(w.LatencyGoal), LatencyGoalUsecs: int(w.LatencyGoalUs), DefaultLatency: w.DefaultLatency}
	switch {
	case w.Enabled != nil:
		r.Enabled = *w.Enabled
	case w.Enable != nil:
		r.Enabled = *w.Enable
	}
	if id := bytes.TrimSpace(w.ID); len(id) > 0 && string(id) != "null" {
		var s string
		if json.Unmarshal(id, &s) == nil {
			r.ID = s
		} else {
			r.ID = string(id)
		}
	}
	return nil
}

// qosCreateBody is the body of POST /qos: the target and the settings.
type qosCreateBody struct {
	Name string        `json:"name"`
	Type QoSTargetType `json:"type"`
	QoSRuleSpec
}

// List returns every QoS rule.
//
// WSAPI: GET /api/v1/qos. Idempotent; retried.
func (s *QoSService) List(ctx context.Context) ([]QoSRule, error) {
	var out collection[QoSRule]
	if _, err := s.client.do(ctx, &call{method: http.MethodGet, path: "/qos", out: &out, kind: CallRead}); err != nil {
		return nil, err
	}
	return out.Members, nil
}

// Get returns the QoS rule of target.
//
// WSAPI: GET /api/v1/qos/<type>:<name>. Idempotent; retried. A target
// without a rule gives ErrNotFound (404, code 100 NON_EXISTENT_QOS_RULE).
func (s *QoSService) Get(ctx context.Context, target QoSTarget) (*QoSRule, error) {
	if err := target.check(s.client); err != nil {
		return nil, err
	}
	r := new(QoSRule)
	if _, err := s.client.do(ctx, &call{method: http.MethodGet, path: pathf("/qos/%s", target.String()),
		out: r, kind: CallRead}); err != nil {
		return nil, err
	}
	return r, nil
}

// Create creates the QoS rule of target with the settings of spec.
//
// WSAPI: POST /api/v1/qos {"name":<target name>,"type":1|2,...}; HPE's mock
// answers 201 without a Location. For the system target the name sent is
// "all_others" (HPE's python client documents the target as sys:all_others
// without saying which form the body takes). Retried; when a retry meets
// "already exists" (code 114 EXISTENT_QOS_RULE, 400 in HPE's mock), the
// existing rule counts as created if it has the settings asked for. A
// missing volume set gives ErrNotFound (code 117
// INV_INPUT_QOS_TARGET_OBJECT, 404 in HPE's mock).
//
// A spec without a maximum (neither IOMaxLimit nor BwMaxLimitKB) costs one
// GET /api first (cached for the Client's life): on arrays of the WSAPI of
// 2025 (APIVersion.IsWSAPI2025OrLater) Create refuses it with a
// *ValidationError before sending, as HPE's Cinder driver for Alletra MP
// does ("at least one of maxIOPS or maxBWS"; it also leaves out minimum
// goals, latency goals and priority there, which it calls deprecated).
// Whether older Alletra MP builds need a maximum is unknown: they are let
// through.
func (s *QoSService) Create(ctx context.Context, target QoSTarget, spec *QoSRuleSpec) error {
	if err := target.check(s.client); err != nil {
		return err
	}
	if err := spec.check(); err != nil {
		return err
	}
	if !spec.hasMaximum() {
		v, err := s.client.System.APIVersion(ctx)
		if err != nil {
			return err
		}
		if v.IsWSAPI2025OrLater() {
			return invalid("IOMaxLimit", "arrays of the WSAPI of 2025 (build 100500000 and later) need a maximum: set IOMaxLimit or BwMaxLimitKB")
		}
	}
	body := qosCreateBody{Name: target.Name, Type: target.Type, QoSRuleSpec: *spec}
	_, err := s.client.do(ctx, &call{method: http.MethodPost, path: "/qos", body: &body,
		kind: CallCreate, reconcile: func(ctx context.Context) (bool, error) {
			r, err := s.Get(ctx, target)
			if err != nil {
				return false, err
			}
			return r.matches(&body.QoSRuleSpec), nil
		}})
	return err
}

// matches reports whether the rule has every setting spec sets.
func (r *QoSRule) matches(spec *QoSRuleSpec) bool {
	eq := func(want *int64, have int64) bool { return want == nil || *want == have }
	op := func(want, have QoSLimitOp) bool { return want == 0 || want == have }
	return (spec.Priority == 0 || spec.Priority == r.Priority) &&
		eq(spec.IOMinGoal, r.IOMinGoal) && eq(spec.IOMaxLimit, r.IOMaxLimit) &&
		eq(spec.BwMinGoalKB, r.BwMinGoalKB) && eq(spec.BwMaxLimitKB, r.BwMaxLimitKB) &&
		op(spec.IOMinGoalOp, r.IOMinGoalOp) && op(spec.IOMaxLimitOp, r.IOMaxLimitOp) &&
		op(spec.BwMinGoalOp, r.BwMinGoalOp) && op(spec.BwMaxLimitOp, r.BwMaxLimitOp) &&
		(spec.LatencyGoalMs == 0 || spec.LatencyGoalMs == r.LatencyGoalMs) &&
		(spec.LatencyGoalUsecs == 0 || spec.LatencyGoalUsecs == r.LatencyGoalUsecs) &&
		(spec.DefaultLatency == nil || *spec.DefaultLatency == r.DefaultLatency) &&
		(spec.Enable == nil || *spec.Enable == r.Enabled)
}

// Modify changes the settings of target's rule to those spec sets; the
// others stay as they are.
//
// WSAPI: PUT /api/v1/qos/<type>:<name> with the settings (the path HPE's
// mock serves; an older HPE python client sent PUT /qos with the target in
// the body). Absolute values: idempotent, retried. A target without a rule
// gives ErrNotFound (code 100).
func (s *QoSService) Modify(ctx context.Context, target QoSTarget, spec *QoSRuleSpec) error {
	if err := target.check(s.client); err != nil {
		return err
	}
	if err := spec.check(); err != nil {
		return err
	}
	body := *spec
	_, err := s.client.do(ctx, &call{method: http.MethodPut, path: pathf("/qos/%s", target.String()),
		body: &body, kind: CallUpdate})
	return err
}

// Enable turns target's rule on. It is Modify with only "enable": true.
func (s *QoSService) Enable(ctx context.Context, target QoSTarget) error {
	on := true
	return s.Modify(ctx, target, &QoSRuleSpec{Enable: &on})
}

// Disable turns target's rule off; the rule is kept. It is Modify with only
// "enable": false.
func (s *QoSService) Disable(ctx context.Context, target QoSTarget) error {
	off := false
	return s.Modify(ctx, target, &QoSRuleSpec{Enable: &off})
}

// Delete deletes target's rule. A volume set must lose its rule before the
// array lets it be deleted (see VolumeSets.Delete and ErrQoSTarget).
//
// WSAPI: DELETE /api/v1/qos/<type>:<name>. Idempotent; retried. A target
// without a rule gives ErrNotFound (code 100), which callers tearing down
// may ignore.
func (s *QoSService) Delete(ctx context.Context, target QoSTarget) error {
	if err := target.check(s.client); err != nil {
		return err
	}
	_, err := s.client.do(ctx, &call{method: http.MethodDelete, path: pathf("/qos/%s", target.String()), kind: CallDelete})
	return err
}

// classifySetDelete classifies a refused DELETE /volumesets/<set> by its
// operation and status, as the WSAPI names VVSET_QOS_TARGET without a
// number: a 409 without a known code is confirmed with one read of the
// set's QoS rule. When the rule exists, the error matches ErrQoSTarget and
// ErrInUse; otherwise err is returned unchanged (a known code, such as 26
// EXPORTED_VLUN, keeps its meaning).
func (c *Client) classifySetDelete(ctx context.Context, set string, err error) error {
	var apiErr *APIError
	if !hasUnknownCode(err, http.StatusConflict) || !errors.As(err, &apiErr) {
		return err
	}
	if _, gerr := c.QoS.Get(ctx, VolumeSetQoS(set)); gerr != nil {
		return err
	}
	return refine(apiErr, "a QoS rule targets the volume set; delete the rule first", ErrQoSTarget, ErrInUse)
}
