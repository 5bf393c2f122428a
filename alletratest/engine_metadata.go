package alletratest

import (
	"net/http"
	"strings"
	"time"
)

// Volume metadata: /volumes/{name}/objectKeyValues[/{key}], as HPE's python
// client (setVolumeMetaData, getVolumeMetaData, getAllVolumeMetaData,
// removeVolumeMetaData) and its mock server show it: POST {key,value} → 201,
// 409/181 when the key exists; PUT {value} → 200, 404/180 when it does not;
// keys and values up to the name limit (the mock's 31) without the
// characters ! @ # $ % & ^ (400/69). Metadata belongs to the volume: it
// follows a rename and goes with a delete.

// Object key codes (HPE's python client mock server).
const (
	codeNonExistentObjectKey = 180
	codeExistentObjectKey    = 181
)

type objectKeyKV struct {
	key, value string
	created    time.Time
}

type objectKVJSON struct {
	Key              string `json:"key"`
	Value            string `json:"value"`
	CreationTimeSec  int64  `json:"creationTimeSec"`
	CreationTime8601 string `json:"creationTime8601"`
}

func (kv *objectKeyKV) wire() objectKVJSON {
	return objectKVJSON{Key: kv.key, Value: kv.value, CreationTimeSec: kv.created.Unix(), CreationTime8601: fmtTime8601(kv.created)}
}

// Metadata returns a test's view of a volume's metadata (nil when the volume does not exist).
func (e *engine) Metadata(volume string) map[string]string {
	e.lock()
	defer e.unlock()
	v := e.volumes[volume]
	if v == nil {
		return nil
	}
	out := map[string]string{}
	for _, kv := range e.meta[v.ID] {
		out[kv.key] = kv.value
	}
	return out
}

func (e *engine) checkKV(field, s string) *apiError {
	switch {
	case s == "" && field == "key":
		return withRef(errBadRequest(codeEmptyString, "invalid input: empty string"), field)
	case len(s) > e.cfg.MaxNameLength:
		return withRef(errBadRequest(codeExceedsLength, "invalid input: string length exceeds limit"), field)
	case strings.ContainsAny(s, "!@#$%&^"):
		return withRef(errBadRequest(codeIllegalChar, "invalid input: illegal character"), field)
	}
	return nil
}

// metaOf returns the volume's metadata entries and the entry for key (nil
// when absent). Callers hold e.mu.
func (e *engine) metaOf(volume, key string) (*volume, *objectKeyKV, *apiError) {
	v := e.volumes[volume]
	if v == nil {
		return nil, nil, errNoVolume(volume)
	}
	for _, kv := range e.meta[v.ID] {
		if kv.key == key {
			return v, kv, nil
		}
	}
	return v, nil, nil
}

type kvCreateBody struct {
	Key   *string `json:"key"`
	Value *string `json:"value"`
}

// createKV handles POST /volumes/{name}/objectKeyValues.
func (e *engine) createKV(req *request) response {
	var b kvCreateBody
	if err := decodeStrict(req.body, &b); err != nil {
		return errResponse(err)
	}
	switch {
	case b.Key == nil:
		return errResponse(missing("key"))
	case b.Value == nil:
		return errResponse(missing("value"))
	}
	for _, err := range []*apiError{e.checkKV("key", *b.Key), e.checkKV("value", *b.Value)} {
		if err != nil {
			return errResponse(err)
		}
	}
	e.lock()
	defer e.unlock()
	v, kv, aerr := e.metaOf(req.params[0], *b.Key)
	if aerr != nil {
		return errResponse(aerr)
	}
	if kv != nil {
		return errResponse(errConflict(codeExistentObjectKey, "key %s already exists", *b.Key))
	}
	if e.meta == nil {
		e.meta = map[int][]*objectKeyKV{}
	}
	e.meta[v.ID] = append(e.meta[v.ID], &objectKeyKV{key: *b.Key, value: *b.Value, created: e.now()})
	return response{status: http.StatusCreated}
}

// listKV handles GET /volumes/{name}/objectKeyValues.
func (e *engine) listKV(req *request) response {
	e.lock()
	defer e.unlock()
	v := e.volumes[req.params[0]]
	if v == nil {
		return errResponse(errNoVolume(req.params[0]))
	}
	out := []objectKVJSON{}
	for _, kv := range e.meta[v.ID] {
		out = append(out, kv.wire())
	}
	return listResponse(out)
}

func errNoKey(key string) *apiError {
	return errNotFound(codeNonExistentObjectKey, "key %s does not exist", key)
}

// getKV handles GET /volumes/{name}/objectKeyValues/{key}.
func (e *engine) getKV(req *request) response {
	if err := e.checkKV("key", req.params[1]); err != nil {
		return errResponse(err)
	}
	e.lock()
	defer e.unlock()
	_, kv, aerr := e.metaOf(req.params[0], req.params[1])
	if aerr != nil {
		return errResponse(aerr)
	}
	if kv == nil {
		return errResponse(errNoKey(req.params[1]))
	}
	return okJSON(kv.wire())
}

type kvUpdateBody struct {
	Value *string `json:"value"`
}

// updateKV handles PUT /volumes/{name}/objectKeyValues/{key} {"value":...}.
func (e *engine) updateKV(req *request) response {
	var b kvUpdateBody
	if err := decodeStrict(req.body, &b); err != nil {
		return errResponse(err)
	}
	if b.Value == nil {
		return errResponse(missing("value"))
	}
	for _, err := range []*apiError{e.checkKV("key", req.params[1]), e.checkKV("value", *b.Value)} {
		if err != nil {
			return errResponse(err)
		}
	}
	e.lock()
	defer e.unlock()
	_, kv, aerr := e.metaOf(req.params[0], req.params[1])
	if aerr != nil {
		return errResponse(aerr)
	}
	if kv == nil {
		return errResponse(errNoKey(req.params[1]))
	}
	kv.value = *b.Value
	return response{status: http.StatusOK}
}

// deleteKV handles DELETE /volumes/{name}/objectKeyValues/{key}.
func (e *engine) deleteKV(req *request) response {
	if err := e.checkKV("key", req.params[1]); err != nil {
		return errResponse(err)
	}
	e.lock()
	defer e.unlock()
	v, kv, aerr := e.metaOf(req.params[0], req.params[1])
	if aerr != nil {
		return errResponse(aerr)
	}
	if kv == nil {
		return errResponse(errNoKey(req.params[1]))
	}
	list := e.meta[v.ID]
	for i, x := range list {
		if x == kv {
			e.meta[v.ID] = append(list[:i:i], list[i+1:]...)
			break
		}
	}
	return response{status: http.StatusOK}
}
