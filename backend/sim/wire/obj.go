// Package wire writes JSON the way the OpenHands Python servers do, so the
// simulators in backend/sim are byte-for-byte plausible: objects keep the
// model's field order, separators are compact, non-ASCII text is written
// raw (ensure_ascii=False), floats look like Python's repr, and null fields
// can be kept (a FastAPI response model, an on-disk event) or dropped
// recursively (Pydantic's exclude_none, used for event search and
// websocket frames). It also carries the small helpers every simulator
// needs: Python-style timestamps, UUIDs, session keys and JSON responses.
package wire

import (
	"encoding/json"
	"math"
	"sort"
	"strconv"
)

// KV is one field of an ordered JSON object.
type KV struct {
	K string
	V any
}

// Obj is a JSON object whose fields keep their order, like a Pydantic
// model dump. A nil value is a JSON null.
type Obj []KV

// Get returns the value of field k, or nil.
func (o Obj) Get(k string) any {
	for _, kv := range o {
		if kv.K == k {
			return kv.V
		}
	}
	return nil
}

// Set replaces field k, or appends it when absent, and returns the object.
func (o Obj) Set(k string, v any) Obj {
	for i := range o {
		if o[i].K == k {
			o[i].V = v
			return o
		}
	}
	return append(o, KV{k, v})
}

// Raw is an already encoded JSON value, written as is.
type Raw []byte

// Verbatim is the already escaped inside of a JSON string, written between
// quotes without further escaping. Simulators use it to put text on the
// wire that a correct encoder would never produce (lone surrogate escapes).
type Verbatim string

// Marshal encodes v keeping null fields, like a FastAPI response model.
func Marshal(v any) []byte { return Append(nil, v, true) }

// MarshalCompact encodes v with null fields dropped at every depth, like
// Pydantic's model_dump(exclude_none=True). Nulls inside arrays stay.
func MarshalCompact(v any) []byte { return Append(nil, v, false) }

// Append appends the encoding of v to dst.
func Append(dst []byte, v any, keepNulls bool) []byte {
	switch x := v.(type) {
	case nil:
		return append(dst, "null"...)
	case bool:
		return strconv.AppendBool(dst, x)
	case string:
		return AppendString(dst, x)
	case Verbatim:
		dst = append(dst, '"')
		dst = append(dst, x...)
		return append(dst, '"')
	case int:
		return strconv.AppendInt(dst, int64(x), 10)
	case int64:
		return strconv.AppendInt(dst, x, 10)
	case float64:
		return AppendFloat(dst, x)
	case Raw:
		return append(dst, x...)
	case json.RawMessage:
		return append(dst, x...)
	case Obj:
		return appendObj(dst, x, keepNulls)
	case []any:
		dst = append(dst, '[')
		for i, e := range x {
			if i > 0 {
				dst = append(dst, ',')
			}
			dst = Append(dst, e, keepNulls)
		}
		return append(dst, ']')
	case []Obj:
		dst = append(dst, '[')
		for i, e := range x {
			if i > 0 {
				dst = append(dst, ',')
			}
			dst = appendObj(dst, e, keepNulls)
		}
		return append(dst, ']')
	case []string:
		dst = append(dst, '[')
		for i, e := range x {
			if i > 0 {
				dst = append(dst, ',')
			}
			dst = AppendString(dst, e)
		}
		return append(dst, ']')
	case map[string]string:
		keys := sortedKeys(x)
		dst = append(dst, '{')
		for i, k := range keys {
			if i > 0 {
				dst = append(dst, ',')
			}
			dst = AppendString(dst, k)
			dst = append(dst, ':')
			dst = AppendString(dst, x[k])
		}
		return append(dst, '}')
	case map[string]any:
		keys := sortedKeys(x)
		dst = append(dst, '{')
		n := 0
		for _, k := range keys {
			if x[k] == nil && !keepNulls {
				continue
			}
			if n > 0 {
				dst = append(dst, ',')
			}
			n++
			dst = AppendString(dst, k)
			dst = append(dst, ':')
			dst = Append(dst, x[k], keepNulls)
		}
		return append(dst, '}')
	default:
		b, err := json.Marshal(x)
		if err != nil {
			return append(dst, "null"...)
		}
		return append(dst, b...)
	}
}

func appendObj(dst []byte, o Obj, keepNulls bool) []byte {
	dst = append(dst, '{')
	n := 0
	for _, kv := range o {
		if kv.V == nil && !keepNulls {
			continue
		}
		if n > 0 {
			dst = append(dst, ',')
		}
		n++
		dst = AppendString(dst, kv.K)
		dst = append(dst, ':')
		dst = Append(dst, kv.V, keepNulls)
	}
	return append(dst, '}')
}

func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

// AppendString appends s as a JSON string the way Python's json.dumps
// with ensure_ascii=False does: only quotes, backslashes and control
// characters are escaped. Bytes that are not valid UTF-8 pass through
// unchanged, which is what a sloppy server would send.
func AppendString(dst []byte, s string) []byte {
	const hex = "0123456789abcdef"
	dst = append(dst, '"')
	start := 0
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c >= 0x20 && c != '"' && c != '\\' {
			continue
		}
		dst = append(dst, s[start:i]...)
		switch c {
		case '"', '\\':
			dst = append(dst, '\\', c)
		case '\n':
			dst = append(dst, '\\', 'n')
		case '\r':
			dst = append(dst, '\\', 'r')
		case '\t':
			dst = append(dst, '\\', 't')
		case '\b':
			dst = append(dst, '\\', 'b')
		case '\f':
			dst = append(dst, '\\', 'f')
		default:
			dst = append(dst, '\\', 'u', '0', '0', hex[c>>4], hex[c&0xf])
		}
		start = i + 1
	}
	dst = append(dst, s[start:]...)
	return append(dst, '"')
}

// AppendFloat appends f like Python's float repr: the shortest digits that
// round-trip, always with a decimal point or an exponent ("0.0", "1e-05",
// "1e+16").
func AppendFloat(dst []byte, f float64) []byte {
	if math.IsNaN(f) || math.IsInf(f, 0) {
		// Python would refuse (allow_nan=False); null keeps the JSON valid.
		return append(dst, "null"...)
	}
	if f == 0 {
		if math.Signbit(f) {
			return append(dst, "-0.0"...)
		}
		return append(dst, "0.0"...)
	}
	exp := math.Floor(math.Log10(math.Abs(f)))
	if exp >= -4 && exp < 16 {
		start := len(dst)
		dst = strconv.AppendFloat(dst, f, 'f', -1, 64)
		for _, c := range dst[start:] {
			if c == '.' {
				return dst
			}
		}
		return append(dst, '.', '0')
	}
	return strconv.AppendFloat(dst, f, 'e', -1, 64)
}
