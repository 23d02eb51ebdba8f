// Package mockedit breaks the mock on purpose: middleware that edits the requests the mock
// sees or the answers it gives, to make the broken servers the contract suite (e2e) and the
// validating proxy (proxy) are tested against. Test support; not part of the product.
package mockedit

import (
	"bytes"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strconv"
)

// Middleware wraps a handler (the mock).
type Middleware = func(http.Handler) http.Handler

// Raw edits the answer: status, headers (h, changed in place) and body bytes.
func Raw(edit func(r *http.Request, status int, h http.Header, body []byte) (int, []byte)) Middleware {
	return func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			rec := httptest.NewRecorder()
			next.ServeHTTP(rec, r)
			h := rec.Header().Clone()
			status, body := edit(r, rec.Code, h, rec.Body.Bytes())
			for k, vs := range h {
				w.Header()[k] = vs
			}
			w.Header().Set("Content-Length", strconv.Itoa(len(body)))
			w.WriteHeader(status)
			_, _ = w.Write(body)
		})
	}
}

// JSON edits the D object of the answer (numbers kept as json.Number) and returns the status
// to send. An answer that is not a JSON object with a D object goes out unchanged.
func JSON(edit func(r *http.Request, status int, d map[string]any) int) Middleware {
	return Raw(func(r *http.Request, status int, h http.Header, body []byte) (int, []byte) {
		dec := json.NewDecoder(bytes.NewReader(body))
		dec.UseNumber()
		var env map[string]any
		if dec.Decode(&env) != nil {
			return status, body
		}
		d, ok := env["D"].(map[string]any)
		if !ok {
			return status, body
		}
		status = edit(r, status, d)
		out, err := json.Marshal(env)
		if err != nil {
			panic(err) // what was decoded encodes
		}
		return status, out
	})
}

// Results edits each contact of the answer, with its index.
func Results(edit func(r *http.Request, i int, c map[string]any)) Middleware {
	return JSON(func(r *http.Request, status int, d map[string]any) int {
		res, _ := d["Results"].([]any)
		for i, c := range res {
			if obj, ok := c.(map[string]any); ok {
				edit(r, i, obj)
			}
		}
		return status
	})
}

// Pagination edits the answer's Pagination object, when it has one.
func Pagination(edit func(r *http.Request, p map[string]any)) Middleware {
	return JSON(func(r *http.Request, status int, d map[string]any) int {
		if p, ok := d["Pagination"].(map[string]any); ok {
			edit(r, p)
		}
		return status
	})
}

// Query edits the query the mock sees.
func Query(edit func(q url.Values)) Middleware {
	return func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			q := r.URL.Query()
			edit(q)
			r.URL.RawQuery = q.Encode()
			next.ServeHTTP(w, r)
		})
	}
}
