package alletratest

// HostSetState is a test's view of a host set.
type HostSetState struct {
	ID      int
	Name    string
	Comment string
	Members []string // host names, in the order they were added
}

// HostSet returns the named host set.
func (s *Server) HostSet(name string) (HostSetState, bool) { return s.e.HostSet(name) }

// QoSRuleState is a test's view of a QoS rule.
type QoSRuleState struct {
	Target       string // "vvset:<set>" or "sys:all_others"
	Enabled      bool
	IOMaxLimit   int64 // I/O per second; 0 when not set
	BwMaxLimitKB int64 // KB per second; 0 when not set
}

// QoSRule returns the QoS rule of target, "vvset:<set>" or "sys:all_others".
func (s *Server) QoSRule(target string) (QoSRuleState, bool) { return s.e.QoSRule(target) }

// Metadata returns the volume's metadata (its objectKeyValues) as a map;
// nil when the volume does not exist.
func (s *Server) Metadata(volume string) map[string]string { return s.e.Metadata(volume) }
