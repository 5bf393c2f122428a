package alletra

import (
	"fmt"
	"strings"

	"github.com/google/go-querystring/query"
)

// enumName returns names[v-1], or the number for values out of range.
func enumName(v int, names ...string) string {
	if v >= 1 && v <= len(names) {
		return names[v-1]
	}
	return fmt.Sprintf("%d", v)
}

type collection[T any] struct {
	Total   int `json:"total"`
	Members []T `json:"members"`
}

// listQuery encodes list options with go-querystring; nil encodes nothing.
func listQuery(opts any) (map[string][]string, error) {
	if opts == nil {
		return nil, nil
	}
	v, err := query.Values(opts)
	if err != nil {
		return nil, invalid("opts", err.Error())
	}
	return v, nil
}

// errNotFoundf wraps ErrNotFound for lookups the SDK does on the client side.
func errNotFoundf(format string, args ...any) error {
	return fmt.Errorf("alletra: "+format+": %w", append(args, ErrNotFound)...)
}

func containsWord(s, word string) bool {
	for _, f := range strings.Fields(s) {
		if f == word {
			return true
		}
	}
	return false
}
