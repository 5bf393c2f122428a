package alletratest

import (
	"bytes"
	"encoding/json"
	"errors"
	"reflect"
	"strings"
	"sync"
)

var tagCache sync.Map // reflect.Type -> map[string]bool

// jsonMembers returns the exact JSON member names of struct type t.
func jsonMembers(t reflect.Type) map[string]bool {
	if m, ok := tagCache.Load(t); ok {
		return m.(map[string]bool)
	}
	m := map[string]bool{}
	for i := range t.NumField() {
		f := t.Field(i)
		name, _, _ := strings.Cut(f.Tag.Get("json"), ",")
		if name == "-" || !f.IsExported() {
			continue
		}
		if name == "" {
			name = f.Name
		}
		m[name] = true
	}
	tagCache.Store(t, m)
	return m
}

// decodeStrict decodes a JSON object into v (a pointer to a struct). Member
// names must match v's tags exactly (the array rejects unknown members with
// 400/12; Go's own decoder would accept any letter case). Malformed JSON is
// 400/60, a wrong type 400/39. An empty body decodes as {}.
func decodeStrict(data []byte, v any) *apiError { return decode(data, v, true) }

// decodeLenient is decodeStrict without the unknown-member check.
func decodeLenient(data []byte, v any) *apiError { return decode(data, v, false) }

func decode(data []byte, v any, strict bool) *apiError {
	data = bytes.TrimSpace(data)
	if len(data) == 0 {
		data = []byte("{}")
	}
	var raw map[string]json.RawMessage
	if err := unmarshalOne(data, &raw); err != nil {
		return err
	}
	if raw == nil {
		return errBadRequest(codeWrongType, "invalid input: wrong type: expected an object")
	}
	if strict {
		known := jsonMembers(reflect.TypeOf(v).Elem())
		for k := range raw {
			if !known[k] {
				return withRef(errBadRequest(codeInvalidInput, "invalid input: unknown member %q", k), k)
			}
		}
	}
	return unmarshalOne(data, v)
}

func unmarshalOne(data []byte, v any) *apiError {
	dec := json.NewDecoder(bytes.NewReader(data))
	if err := dec.Decode(v); err != nil {
		var te *json.UnmarshalTypeError
		if errors.As(err, &te) {
			return withRef(errBadRequest(codeWrongType, "invalid input: wrong type"), te.Field)
		}
		return errBadRequest(codeJSONSyntax, "JSON syntax error")
	}
	if dec.More() {
		return errBadRequest(codeJSONSyntax, "JSON syntax error: trailing data")
	}
	var extra json.RawMessage
	if err := dec.Decode(&extra); err == nil {
		return errBadRequest(codeJSONSyntax, "JSON syntax error: trailing data")
	}
	return nil
}

// decodeNested strictly decodes an optional nested object member.
func decodeNested(raw json.RawMessage, field string, v any) *apiError {
	if len(raw) == 0 || string(raw) == "null" {
		return nil
	}
	if err := decodeStrict(raw, v); err != nil {
		if err.Ref != "" {
			err.Ref = field + "." + err.Ref
		} else {
			err.Ref = field
		}
		return err
	}
	return nil
}

func missing(field string) *apiError {
	return withRef(errBadRequest(codeMissingRequired, "invalid input: missing required member %s", field), field)
}
