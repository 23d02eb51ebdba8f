package mockserver

import (
	"encoding/json"
	"fmt"
	"net/http"
	"sort"
	"strings"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/labstack/echo/v4"
	"github.com/sparkmock/sparkmock/fixtures"
)

// postmanSchema is the format of GET /_mock/collection: a Postman v2.1 collection, which
// Postman, Insomnia, Bruno and Hoppscotch import.
const postmanSchema = "https://schema.getpostman.com/json/collection/v2.1.0/collection.json"

// The parts of a Postman v2.1 collection the mock writes.
type (
	postmanCollection struct {
		Info     postmanInfo       `json:"info"`
		Variable []postmanKeyValue `json:"variable"`
		Item     []postmanFolder   `json:"item"`
	}
	postmanInfo struct {
		Name        string `json:"name"`
		Description string `json:"description"`
		Schema      string `json:"schema"`
	}
	postmanFolder struct {
		Name        string        `json:"name"`
		Description string        `json:"description"`
		Item        []postmanItem `json:"item"`
	}
	postmanItem struct {
		Name    string         `json:"name"`
		Request postmanRequest `json:"request"`
	}
	postmanRequest struct {
		Method      string            `json:"method"`
		Header      []postmanKeyValue `json:"header"`
		URL         postmanURL        `json:"url"`
		Description string            `json:"description"`
	}
	postmanURL struct {
		Raw   string            `json:"raw"`
		Host  []string          `json:"host"`
		Path  []string          `json:"path"`
		Query []postmanKeyValue `json:"query"`
	}
	postmanKeyValue struct {
		Key         string `json:"key"`
		Value       string `json:"value"`
		Description string `json:"description,omitempty"`
		Disabled    bool   `json:"disabled,omitempty"`
	}
)

// handleCollection answers a Postman v2.1 collection made at request time from the fixtures'
// tokens and openapi.yaml: a folder per token, in it a request per GET operation of the spec
// that can succeed (200)
// with the token, the required user agent, and every query parameter of the operation (its
// example or default; all but _limit and _pagination disabled) with its description, plus the
// mock's own headers, disabled. {{baseUrl}} is the URL the collection was fetched from.
func handleCollection(s *Server) echo.HandlerFunc {
	return func(c echo.Context) error {
		base := c.Scheme() + "://" + c.Request().Host
		b, err := json.MarshalIndent(collection(s.world().tree, s.cfg.Spec, base), "", "  ")
		if err != nil {
			return err
		}
		return c.Blob(http.StatusOK, contentTypeJSON, b)
	}
}

func collection(tree *fixtures.Tree, spec *openapi3.T, base string) postmanCollection {
	title := "Spark API"
	if spec.Info != nil {
		title = spec.Info.Title
	}
	out := postmanCollection{
		Info: postmanInfo{
			Name:        "sparkmock: " + title,
			Description: "Every token of the mock's fixtures with the API's GET operations, made from openapi.yaml by sparkmock (GET /_mock/collection). Set baseUrl to point at another server.",
			Schema:      postmanSchema,
		},
		Variable: []postmanKeyValue{
			{Key: "baseUrl", Value: base},
			{Key: "userAgent", Value: "sparkmock-collection/1.0", Description: "X-SparkApi-User-Agent: names the client application; required on every request"},
		},
		Item: []postmanFolder{},
	}
	paths := spec.Paths.InMatchingOrder()
	sort.Strings(paths)
	for _, t := range tree.Tokens {
		a, _ := tree.Account(t.AccountID)
		f := postmanFolder{
			Name:        fmt.Sprintf("%s (%s, %s)", t.Token, t.Role, t.Status),
			Description: fmt.Sprintf("%s (%s), role %s, %s", a.Name, a.Type, t.Role, t.Status),
		}
		for _, path := range paths {
			op := spec.Paths.Value(path).Get
			// Only the operations that answer: a GET documented to be refused (405) is left out.
			if op == nil || op.Responses == nil || op.Responses.Status(http.StatusOK) == nil {
				continue
			}
			f.Item = append(f.Item, collectionRequest(path, op, t.Token))
		}
		out.Item = append(out.Item, f)
	}
	return out
}

func collectionRequest(path string, op *openapi3.Operation, token string) postmanItem {
	req := postmanRequest{
		Method: http.MethodGet,
		Header: []postmanKeyValue{
			{Key: "Authorization", Value: "OAuth " + token},
			{Key: MockNowHeader, Value: "2026-01-31T12:00:00Z", Description: "sparkmock only: answer as of this time", Disabled: true},
			{Key: ScenarioHeader, Value: "rate-limited", Description: "sparkmock only: force a failure (" + strings.Join(ScenarioNames, ", ") + ")", Disabled: true},
		},
		URL: postmanURL{
			Host: []string{"{{baseUrl}}"},
			Path: strings.Split(strings.TrimPrefix(path, "/"), "/"),
		},
		Description: op.Description,
	}
	var enabled []string
	for _, ref := range op.Parameters {
		p := ref.Value
		if p == nil {
			continue
		}
		switch p.In {
		case openapi3.ParameterInHeader:
			req.Header = append(req.Header, postmanKeyValue{Key: p.Name, Value: "{{userAgent}}", Description: oneLine(p.Description)})
		case openapi3.ParameterInQuery:
			kv := postmanKeyValue{Key: p.Name, Value: parameterExample(p), Description: oneLine(p.Description), Disabled: true}
			if p.Name == "_limit" || p.Name == "_pagination" {
				kv.Disabled = false
				enabled = append(enabled, kv.Key+"="+kv.Value)
			}
			req.URL.Query = append(req.URL.Query, kv)
		}
	}
	req.URL.Raw = "{{baseUrl}}" + path
	if len(enabled) > 0 {
		req.URL.Raw += "?" + strings.Join(enabled, "&")
	}
	return postmanItem{Name: op.Summary, Request: req}
}

// parameterExample is the value a parameter shows in the collection: its example, else a
// page-worth for _limit and "1" for _pagination, else its default.
func parameterExample(p *openapi3.Parameter) string {
	switch {
	case p.Example != nil:
		return fmt.Sprint(p.Example)
	case p.Schema != nil && p.Schema.Value != nil && p.Schema.Value.Example != nil:
		return fmt.Sprint(p.Schema.Value.Example)
	case p.Name == "_limit" && p.Schema != nil && p.Schema.Value != nil && p.Schema.Value.Max != nil:
		return fmt.Sprint(*p.Schema.Value.Max)
	case p.Name == "_pagination":
		return "1"
	case p.Schema != nil && p.Schema.Value != nil && p.Schema.Value.Default != nil:
		return fmt.Sprint(p.Schema.Value.Default)
	}
	return ""
}

// oneLine joins a spec description's lines: Postman shows a parameter's description on one line.
func oneLine(s string) string { return strings.Join(strings.Fields(s), " ") }
