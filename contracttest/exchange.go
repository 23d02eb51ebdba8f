package contracttest

import (
	"bytes"
	"encoding/json"
	"errors"
	"net/http"
	"net/url"
	"strings"

	sparkmock "github.com/sparkmock/sparkmock"
)

// Exchange is one request a client sent to a service and the answer it got: what a
// validating proxy sees. Judge reads it and never changes it.
type Exchange struct {
	// Method is the request's method.
	Method string
	// URL is where the request went; its path (the contract's, /v1/…, without a prefix the
	// service may be mounted under) and query are judged, the rest is evidence.
	URL *url.URL
	// RequestHeader holds the request's headers. Authorization is shown only masked.
	RequestHeader http.Header
	// Status, Header and Body are the answer.
	Status int
	Header http.Header
	Body   []byte
}

// Violation is one rule of the contract an exchange broke: the id of the suite's check for
// the rule, where the rule comes from, and the evidence.
type Violation struct {
	Check  string `json:"check"`
	Source Source `json:"source"`
	Evidence
}

// Judgement is what Judge found in one exchange.
type Judgement struct {
	// Violations lists the rules the answer broke, in catalog order of the checks.
	Violations []Violation
	// Judged lists the ids of the checks that judged the exchange, broken or held.
	Judged []string
	// RequestProblem says how the request itself breaks openapi.yaml, "" when it does not.
	// [choice] That is the client's doing, not a violation: the answer is then judged on
	// rejecting it.
	RequestProblem string
	// NotJSON is set when the answer's body is not JSON at all (or empty): why.
	NotJSON string
}

// exchangeOf makes the suite's exchange of an Exchange; its URL and credentials, as evidence
// shows them, are filled in by the first break (ruling.fail).
func exchangeOf(in *Exchange) *exchange {
	x := &exchange{method: in.Method, path: in.URL.Path, status: in.Status, header: in.Header, body: in.Body}
	if x.header == nil {
		x.header = http.Header{}
	}
	return x
}

// RequestEvidence describes a request as evidence does: the method and URL with a legacy
// session's AuthToken, ApiSig and ApiKey masked (sparkmock.MaskQuery, MaskPath), and the
// credentials it carried, masked.
func RequestEvidence(method string, u *url.URL, h http.Header) Evidence {
	shown, cred, _ := describeRequest(u, h)
	return Evidence{Request: method + " " + shown, Credentials: cred}
}

// describeRequest gives a request's URL and credentials as evidence shows them, and the
// secrets it masked in them.
func describeRequest(in *url.URL, h http.Header) (shown, cred string, secrets []string) {
	u := *in
	u.RawQuery, secrets = sparkmock.MaskQuery(u.RawQuery)
	if p, tok := sparkmock.MaskPath(u.Path); tok != "" {
		u.Path, u.RawPath = p, ""
		secrets = append(secrets, tok)
	}
	shown = u.String()
	auth := h.Get("Authorization")
	switch scheme, tok, found := strings.Cut(auth, " "); {
	case auth == "":
		cred = "no credentials"
		if len(secrets) > 0 {
			cred = "session AuthToken"
		}
	case found:
		cred = scheme + " token " + Mask(strings.TrimSpace(tok))
		secrets = append(secrets, strings.TrimSpace(tok))
	default:
		cred = "Authorization " + Mask(auth)
		secrets = append(secrets, auth)
	}
	if h.Get("X-SparkApi-User-Agent") == "" {
		cred += ", no X-SparkApi-User-Agent"
	}
	return shown, cred, secrets
}

// exchange is one request and what came back, kept so that every response received can be
// judged against the spec and the envelope rules.
type exchange struct {
	method, path, url string
	cred              string // what credentials were sent, masked
	curl              string // the request as a curl command, secrets as shell variables
	status            int
	header            http.Header
	body              []byte
	truncated         bool

	decoded bool
	jsonErr error
	root    any
	d       map[string]any // the "D" object, nil when there is none
	// items are the elements of D.Results when decoded piece by piece (Judge): root then
	// holds the envelope with Results emptied.
	items    []any
	itemsSet bool
}

// decode parses the body once: JSON numbers kept exact, the D object found.
func (x *exchange) decode() {
	if x.decoded {
		return
	}
	x.decoded = true
	dec := json.NewDecoder(bytes.NewReader(x.body))
	dec.UseNumber()
	if err := dec.Decode(&x.root); err != nil {
		x.jsonErr = err
		return
	}
	if dec.More() {
		x.jsonErr = errors.New("more than one JSON value in the body")
		return
	}
	if _, err := dec.Token(); err == nil {
		x.jsonErr = errors.New("trailing data after the JSON value")
		return
	}
	if obj, ok := x.root.(map[string]any); ok {
		x.d, _ = obj["D"].(map[string]any)
	}
}

// D returns the body's D object, or nil.
func (x *exchange) D() map[string]any { x.decode(); return x.d }

// code returns D.Code when it is an integer.
func (x *exchange) code() (int, bool) {
	d := x.D()
	if d == nil {
		return 0, false
	}
	n, ok := d["Code"].(json.Number)
	if !ok {
		return 0, false
	}
	i, err := n.Int64()
	return int(i), err == nil
}

// results returns D.Results when it is an array.
func (x *exchange) results() ([]any, bool) {
	d := x.D()
	if d == nil {
		return nil, false
	}
	if x.itemsSet {
		return x.items, true
	}
	r, ok := d["Results"].([]any)
	return r, ok
}

// pagination returns D.Pagination when it is an object.
func (x *exchange) pagination() (map[string]any, bool) {
	d := x.D()
	if d == nil {
		return nil, false
	}
	p, ok := d["Pagination"].(map[string]any)
	return p, ok
}

// intMember reads an integer member of an object.
func intMember(obj map[string]any, name string) (int, bool) {
	n, ok := obj[name].(json.Number)
	if !ok {
		return 0, false
	}
	i, err := n.Int64()
	return int(i), err == nil
}
