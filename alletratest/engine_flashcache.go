package alletratest

import "net/http"

// The flash cache (docs/wsapi-evidence.md, "Flash cache"): GET and DELETE
// /flashcache, and a create sent to the API root, POST /api/v1/
// {"flashCache":{"sizeGiB":N,"mode":M}}, as HPE's python client sends it.

// CodeNonExistentFlashCache is 404 "flash cache does not exist" (a
// python-3parclient volume test).
const codeNonExistentFlashCache = 285

type flashCache struct {
	sizeGiB int64
	mode    int
}

type flashCacheJSON struct {
	Mode        int   `json:"mode"`
	SizeGiB     int64 `json:"sizeGiB"`
	UsedSizeGiB int64 `json:"usedSizeGiB"`
	State       int   `json:"state"`
}

func errNoFlashCache() *apiError {
	return errNotFound(codeNonExistentFlashCache, "flash cache does not exist")
}

// getFlashCache handles GET /flashcache.
func (e *engine) getFlashCache(_ *request) response {
	e.lock()
	defer e.unlock()
	if e.fc == nil {
		return errResponse(errNoFlashCache())
	}
	// state: HPE's SDK types it as a CPG state; 1 is a CPG's normal state.
	return okJSON(flashCacheJSON{Mode: e.fc.mode, SizeGiB: e.fc.sizeGiB, State: 1})
}

// deleteFlashCache handles DELETE /flashcache.
func (e *engine) deleteFlashCache(_ *request) response {
	e.lock()
	defer e.unlock()
	if e.fc == nil {
		return errResponse(errNoFlashCache())
	}
	e.fc = nil
	return response{status: http.StatusOK}
}

type rootPostBody struct {
	FlashCache *struct {
		SizeGiB *int64 `json:"sizeGiB"`
		Mode    *int   `json:"mode"`
	} `json:"flashCache"`
}

// postRoot handles POST /api/v1/: the flash cache create.
func (e *engine) postRoot(req *request) response {
	var b rootPostBody
	if err := decodeStrict(req.body, &b); err != nil {
		return errResponse(err)
	}
	if b.FlashCache == nil {
		return errResponse(missing("flashCache"))
	}
	f := b.FlashCache
	if f.SizeGiB == nil {
		return errResponse(missing("sizeGiB"))
	}
	mode := 2
	if f.Mode != nil {
		if *f.Mode != 1 && *f.Mode != 2 {
			return errResponse(withRef(errBadRequest(codeBadEnumValue, "invalid input: bad enum value"), "mode"))
		}
		mode = *f.Mode
	}
	if *f.SizeGiB <= 0 || *f.SizeGiB%16 != 0 { // INV_FLASH_CACHE_SIZE: no number published
		return errResponse(withRef(errBadRequest(0, "invalid flash cache size: must be a multiple of 16 GiB"), "sizeGiB"))
	}
	e.lock()
	defer e.unlock()
	if e.fc != nil { // EXISTENT_FLASH_CACHE: no number published
		return errResponse(errConflict(0, "flash cache exists"))
	}
	e.fc = &flashCache{sizeGiB: *f.SizeGiB, mode: mode}
	return response{status: http.StatusOK}
}

func init() {
	add := func(tmpl string, m map[string]handlerFunc) {
		routes = append(routes, &route{template: tmpl, segs: splitTemplate(tmpl), methods: m, noAuth: map[string]bool{}})
	}
	add("/api/v1", map[string]handlerFunc{"POST": (*engine).postRoot})
	add("/api/v1/flashcache", map[string]handlerFunc{"GET": (*engine).getFlashCache, "DELETE": (*engine).deleteFlashCache})
}
