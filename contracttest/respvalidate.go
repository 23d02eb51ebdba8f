package contracttest

import (
	"context"
	"net/http"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/getkin/kin-openapi/routers"
	"github.com/sparkmock/sparkmock/internal/openapicheck"
)

// responseValidator judges answers against one view of the spec as kin-openapi's
// ValidateResponse does, with the same verdicts, fast on a stream of similar pages: the
// piecewise validation is openapicheck's, shared with the mock. What is the judge's own: it
// validates what it received, and the Allow header is a [choice], judged only when strict.
type responseValidator struct{ *openapicheck.Checker }

func newResponseValidator(spec *openapi3.T, strict bool) (*responseValidator, error) {
	var cfg openapicheck.Config
	if !strict {
		cfg.Ignored = []string{"Allow"}
	}
	c, err := openapicheck.New(spec, cfg)
	if err != nil {
		return nil, err
	}
	return &responseValidator{c}, nil
}

// validate returns what openapi3filter.ValidateResponse returns for the answer (with
// undocumented statuses as errors), from its caches where it can. split, when not nil, is the
// page already split by openapicheck.SplitPage.
func (v *responseValidator) validate(ctx context.Context, method string, r *routers.Route, status int, header http.Header, body []byte, split *openapicheck.Split) error {
	return v.Validate(ctx, openapicheck.Response{Method: method, Route: r, Status: status, Header: header, Body: body}, split)
}
