package alletratest

import (
	"net/http"
	"time"
)

type session struct {
	key      string
	user     string
	lastUsed time.Time
	inflight int           // requests currently using the key (guarded by engine.mu)
	sem      chan struct{} // one slot: per-key serialisation
}

type credentialsBody struct {
	User        *string `json:"user"`
	Password    *string `json:"password"`
	SessionType *int    `json:"sessionType"`
}

// pruneSessions forgets keys idle for longer than the timeout. Callers hold e.mu.
func (e *engine) pruneSessions(now time.Time) {
	for k, s := range e.sessions {
		if s.inflight == 0 && now.Sub(s.lastUsed) > e.cfg.SessionIdleTimeout {
			delete(e.sessions, k)
		}
	}
}

// login handles POST /credentials.
func (e *engine) login(req *request) response {
	var body credentialsBody
	if err := decodeLenient(req.body, &body); err != nil {
		return errResponse(err)
	}
	if body.User == nil {
		return errResponse(withRef(errBadRequest(codeMissingRequired, "missing required member"), "user"))
	}
	if body.Password == nil {
		return errResponse(withRef(errBadRequest(codeMissingRequired, "missing required member"), "password"))
	}
	e.lock()
	defer e.unlock()
	if *body.User != e.cfg.User || *body.Password != e.cfg.Password {
		e.stats.add(func(s *statsCounter) { s.failedLogins++ })
		return errResponse(errForbidden(codeInvalidUserPass, "invalid username or password"))
	}
	now := e.now()
	e.pruneSessions(now)
	if len(e.sessions) >= e.cfg.SessionLimit {
		e.stats.add(func(s *statsCounter) { s.failedLogins++ })
		// 31 SVC_UNAVAIL, 503, "the server has reached its maximum number of
		// connections" (an older edition of the WSAPI guide); HPE's retry
		// test uses the same status and description for the session limit.
		return errResponse(apiErr(http.StatusServiceUnavailable, codeServiceUnavailable,
			"Maximum number of WSAPI connections reached."))
	}
	key := "0-" + randomHex(16) + "-" + randomHex(4)
	e.sessions[key] = &session{key: key, user: *body.User, lastUsed: now, sem: make(chan struct{}, 1)}
	e.stats.add(func(s *statsCounter) { s.logins++ })
	return response{status: http.StatusCreated, location: "/api/v1/credentials/" + key, body: map[string]string{"key": key}}
}

// logout handles DELETE /credentials/{key}.
func (e *engine) logout(req *request) response {
	key := req.params[0]
	e.lock()
	defer e.unlock()
	e.pruneSessions(e.now())
	s, ok := e.sessions[key]
	if !ok {
		return errResponse(errSession())
	}
	if s.inflight > 0 {
		return errResponse(errConflict(codeInUse, "resource in use: session key is used by another request"))
	}
	delete(e.sessions, key)
	e.stats.add(func(s *statsCounter) { s.logouts++ })
	return response{status: http.StatusOK}
}

// acquireSession validates key and marks it in use. The caller must call
// releaseSession with the result when the request ends.
func (e *engine) acquireSession(key string) (*session, *apiError) {
	if key == "" {
		return nil, errSession()
	}
	e.mu.Lock()
	defer e.mu.Unlock()
	now := e.now()
	s, ok := e.sessions[key]
	if !ok {
		return nil, errSession()
	}
	if s.inflight == 0 && now.Sub(s.lastUsed) > e.cfg.SessionIdleTimeout {
		delete(e.sessions, key)
		return nil, errSession()
	}
	s.lastUsed = now
	s.inflight++
	return s, nil
}

func (e *engine) releaseSession(s *session) {
	e.mu.Lock()
	s.inflight--
	s.lastUsed = e.now()
	e.mu.Unlock()
}

// ExpireSessions makes the array forget every session key.
func (e *engine) ExpireSessions() {
	e.mu.Lock()
	e.sessions = map[string]*session{}
	e.mu.Unlock()
}

// Sessions returns the number of live (not idle-expired) session keys.
func (e *engine) Sessions() int {
	e.mu.Lock()
	defer e.mu.Unlock()
	e.pruneSessions(e.now())
	return len(e.sessions)
}
