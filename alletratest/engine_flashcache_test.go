package alletratest

import "testing"

func TestFlashCacheLifecycle(t *testing.T) {
	t.Parallel()
	c := newTC(t, simConfig{})
	c.fails(404, codeNonExistentFlashCache, "GET", "/flashcache", nil)
	c.fails(404, codeNonExistentFlashCache, "DELETE", "/flashcache", nil)
	c.refused(400, "POST", "/", map[string]any{"flashCache": map[string]any{"sizeGiB": 20}})
	c.fails(400, codeBadEnumValue, "POST", "/", map[string]any{"flashCache": map[string]any{"sizeGiB": 32, "mode": 3}})
	c.fails(400, codeMissingRequired, "POST", "/", map[string]any{"flashCache": map[string]any{"mode": 1}})
	c.ok(200, "POST", "/", map[string]any{"flashCache": map[string]any{"sizeGiB": 32, "mode": 1}})
	c.refused(409, "POST", "/", map[string]any{"flashCache": map[string]any{"sizeGiB": 32}})
	m := c.ok(200, "GET", "/flashcache", nil).json(t)
	if m["sizeGiB"] != 32.0 || m["mode"] != 1.0 {
		t.Fatalf("flash cache %v", m)
	}
	c.ok(200, "DELETE", "/flashcache", nil)
	c.fails(404, codeNonExistentFlashCache, "GET", "/flashcache", nil)
}
