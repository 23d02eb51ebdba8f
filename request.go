package sparkmock

import (
	"net/http"
	"strings"

	"github.com/getkin/kin-openapi/openapi3"
)

// HeaderParameters maps every operation of doc to the header parameters it declares, its
// path's and its own. With the method, the path and the query they are all a request's
// validation against doc depends on (see RequestKey).
func HeaderParameters(doc *openapi3.T) map[*openapi3.Operation][]string {
	out := map[*openapi3.Operation][]string{}
	for _, item := range doc.Paths.Map() {
		for _, op := range item.Operations() {
			for _, p := range append(item.Parameters, op.Parameters...) {
				if p.Value != nil && p.Value.In == openapi3.ParameterInHeader {
					out[op] = append(out[op], p.Value.Name)
				}
			}
		}
	}
	return out
}

// RequestKey is what a request's verdict against openapi.yaml depends on, as a cache key: the
// method, the path, the raw query, and the values of the declared header parameters.
func RequestKey(method, path, rawQuery string, h http.Header, declared []string) string {
	var b strings.Builder
	b.WriteString(method)
	b.WriteByte(' ')
	b.WriteString(path)
	b.WriteByte('?')
	b.WriteString(rawQuery)
	for _, name := range declared {
		for _, v := range h.Values(name) {
			b.WriteByte(0)
			b.WriteString(v)
		}
		b.WriteByte(1)
	}
	return b.String()
}
