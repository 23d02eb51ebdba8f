package openapicheck

import (
	"bytes"
	"encoding/json"
	"reflect"
	"testing"
)

// FuzzSplitPage checks SplitPage, which cuts bytes from untrusted upstreams, against
// encoding/json: when it splits a body, the pieces are valid JSON exactly when the body is
// (so piecewise validation can never pass a body the full one would refuse), and for a valid
// body the items are D.Results' elements and the skeleton is the body with Results emptied.
func FuzzSplitPage(f *testing.F) {
	for _, seed := range []string{
		`{"D":{"Results":[{"a":1},{"b":"]"}],"X":2}}`, ` {"D":{"Results":[ ]}} `, `{"E":{"Results":[]}}`, `{"D":[]}`,
		`{"D":{"Results":[]},"D":{}}`, `{"D":{"Results":[{"a":1}`, `{"D":{"Results":[]}} x`,
		`{"D":{"Success":true,"ExportTimestamp":"2026-11-28T06:00:00","Results":[{"ResourceUri":"/v1/contacts/20100302134822083761604108","Id":"20100302134822083761604108","Tags":["a\"]"],"VowEnabled":false}],"Pagination":{"TotalRows":151,"PageSize":2,"TotalPages":76,"CurrentPage":1}}}`,
		`{"D":{"Results":[1,"x",null,true,[],{}],"Results2":[]}}`, `{"D":{"Res\u0075lts":[]}}`, `{"D":{"Results":[{"a":1e999}]}}`,
		`{"D":{"Results":[{"a":"\ud800"}]}}`, "{\"D\":{\"Results\":[\"\xff\"]}}", `{"D":{"Results":[{"a":1,}]}}`, `{"D":{"Results":[01]}}`,
	} {
		f.Add([]byte(seed))
	}
	f.Fuzz(func(t *testing.T, body []byte) {
		s, ok := SplitPage(body)
		if !ok {
			return
		}
		piecesValid := json.Valid(s.Skeleton)
		for _, it := range s.Items {
			piecesValid = piecesValid && json.Valid(it)
		}
		if piecesValid != json.Valid(body) {
			t.Fatalf("body valid %v, pieces valid %v: %q → skeleton %q, items %q", json.Valid(body), piecesValid, body, s.Skeleton, s.Items)
		}
		if !piecesValid {
			return
		}
		var whole map[string]any
		if err := decodeNumbers(body, &whole); err != nil {
			t.Fatalf("valid body %q does not decode: %v", body, err)
		}
		d, _ := whole["D"].(map[string]any)
		results, isList := d["Results"].([]any)
		if !isList || len(results) != len(s.Items) {
			t.Fatalf("%q: D.Results is %v, split into %d items", body, d["Results"], len(s.Items))
		}
		for i, it := range s.Items {
			var v any
			if err := decodeNumbers(it, &v); err != nil || !reflect.DeepEqual(v, results[i]) {
				t.Fatalf("%q: item %d is %q (%v), D.Results[%d] is %v", body, i, it, err, i, results[i])
			}
		}
		var skel map[string]any
		if err := decodeNumbers(s.Skeleton, &skel); err != nil {
			t.Fatalf("skeleton %q: %v", s.Skeleton, err)
		}
		d["Results"] = []any{}
		if !reflect.DeepEqual(skel, whole) {
			t.Fatalf("%q: skeleton %q is not the body with Results emptied", body, s.Skeleton)
		}
	})
}

// decodeNumbers decodes with numbers kept as text: 1e999 is valid JSON but no float64.
func decodeNumbers(b []byte, v any) error {
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.UseNumber()
	return dec.Decode(v)
}
