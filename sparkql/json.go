package sparkql

import (
	"encoding/json"
	"math"
	"time"
)

// JSONRecord adapts a decoded JSON object (map[string]any from encoding/json, with or without
// UseNumber) to a Record, using schema to convert each field: datetime strings (the literal
// forms of the filter language, e.g. 2012-06-14T14:49:13-05:00; no zone means loc) become
// time.Time instants, YYYY-MM-DD strings dates (midnight in loc), JSON numbers int64 for
// Integer (they must be whole) and float64 for Decimal, arrays of strings []string. A value that
// does not fit its field type, a JSON null, and a key not in the schema are treated as absent.
// The conversion is done once, here, so Match on the result does not allocate. A nil loc is UTC.
func JSONRecord(obj map[string]any, schema Schema, loc *time.Location) Record {
	if loc == nil {
		loc = time.UTC
	}
	m := make(MapRecord, len(obj))
	for k, raw := range obj {
		typ, ok := schema[k]
		if !ok {
			continue
		}
		if v, ok := fromJSON(raw, typ, loc); ok {
			m[k] = v
		}
	}
	return m
}

func fromJSON(raw any, typ Type, loc *time.Location) (any, bool) {
	switch typ {
	case String:
		s, ok := raw.(string)
		return s, ok
	case Boolean:
		b, ok := raw.(bool)
		return b, ok
	case Integer:
		switch x := raw.(type) {
		case float64:
			if x != math.Trunc(x) || x < -(1<<63) || x >= 1<<63 {
				return nil, false
			}
			return int64(x), true
		case json.Number:
			n, err := x.Int64()
			return n, err == nil
		}
	case Decimal:
		switch x := raw.(type) {
		case float64:
			return x, true
		case json.Number:
			f, err := x.Float64()
			return f, err == nil
		}
	case StringList:
		switch x := raw.(type) {
		case []string:
			return x, true
		case []any:
			l := make([]string, len(x))
			for i, e := range x {
				s, ok := e.(string)
				if !ok {
					return nil, false
				}
				l[i] = s
			}
			return l, true
		}
	case Date, DateTime:
		s, ok := raw.(string)
		if !ok {
			return nil, false
		}
		r, msg := parseTemporal(s, loc)
		if msg != "" {
			return nil, false
		}
		want := KindDate
		if typ == DateTime {
			want = KindDateTime
		}
		// [choice] a DateTime field needs a full datetime and a Date field a plain date; anything else is absent.
		if r.Kind != want {
			return nil, false
		}
		return r.Time, true
	}
	return nil, false
}
