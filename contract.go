package sparkmock

import (
	"fmt"
	"math"
	"net/http"
	"time"

	"github.com/getkin/kin-openapi/openapi3"
)

// The facts of the contract every package shares, each written once. The paths are
// constants (openapi.yaml declares the same ones: TestContractPathsAreTheSpecs checks it);
// the page limits are read from openapi.yaml by PagingOf.

// APIPrefix is the version prefix of every Spark path.
const APIPrefix = "/v1"

// The paths of the Contacts: Export service and of a legacy session.
const (
	// PathExport lists the contacts of the current user.
	PathExport = APIPrefix + "/contacts/export"
	// PathExportAll lists the contacts of every account under the user's control.
	PathExportAll = APIPrefix + "/contacts/export/all"
	// PathSession opens a legacy session (POST); PathSession + "/<token>" ends one (DELETE).
	PathSession = APIPrefix + "/session"
	// PathContact is the prefix of a contact's ResourceUri: PathContact + Id.
	PathContact = APIPrefix + "/contacts/"
)

// ExportPaths are both export paths, /export first.
func ExportPaths() []string { return []string{PathExport, PathExportAll} }

// ExportTimestampLayout is the form of ExportTimestamp (the seed's sample): no zone, written
// in the service's zone.
const ExportTimestampLayout = "2006-01-02T15:04:05"

// DefaultZone is the service's IANA time zone: the real service is in US Central time
// ([choice]: the mock and the suite default to it; -timezone changes it).
const DefaultZone = "America/Chicago"

// LocationOrDefault returns loc, or DefaultZone's location when loc is nil: the zone of a
// mock, a suite or a Judge whose configuration names none.
func LocationOrDefault(loc *time.Location) (*time.Location, error) {
	if loc != nil {
		return loc, nil
	}
	loc, err := time.LoadLocation(DefaultZone)
	if err != nil {
		return nil, fmt.Errorf("time zone %s: %w", DefaultZone, err)
	}
	return loc, nil
}

// Paging is what openapi.yaml declares for the paging parameters of one export path.
type Paging struct {
	// DefaultLimit is the page size without _limit.
	DefaultLimit int
	// MaxLimit is the largest _limit the path accepts (100 on /export, 25 on /export/all).
	MaxLimit int
	// MaxPage is the largest _page.
	MaxPage int
	// MaxSkip is the largest _skip.
	MaxSkip int
}

// PagingOf reads the paging limits of path's GET operation from doc: the default and maximum
// of _limit, the maximum of _page and of _skip. Every one must be declared.
func PagingOf(doc *openapi3.T, path string) (Paging, error) {
	item := doc.Paths.Find(path)
	if item == nil {
		return Paging{}, fmt.Errorf("openapi: paths.%s is missing", path)
	}
	op := item.GetOperation(http.MethodGet)
	if op == nil {
		return Paging{}, fmt.Errorf("openapi: paths.%s has no get", path)
	}
	params := append(append(openapi3.Parameters{}, item.Parameters...), op.Parameters...)
	var p Paging
	var err error
	bound := func(name string, max bool) int {
		if err != nil {
			return 0
		}
		var n int
		n, err = paramBound(params, name, max)
		if err != nil {
			err = fmt.Errorf("openapi: paths.%s get: %w", path, err)
		}
		return n
	}
	p.DefaultLimit = bound("_limit", false)
	p.MaxLimit = bound("_limit", true)
	p.MaxPage = bound("_page", true)
	p.MaxSkip = bound("_skip", true)
	return p, err
}

// paramBound returns the maximum (max) or the default of the query parameter name.
func paramBound(params openapi3.Parameters, name string, max bool) (int, error) {
	for _, ref := range params {
		p := ref.Value
		if p == nil || p.In != openapi3.ParameterInQuery || p.Name != name {
			continue
		}
		if p.Schema == nil || p.Schema.Value == nil {
			return 0, fmt.Errorf("parameter %s has no schema", name)
		}
		s := p.Schema.Value
		if max {
			if s.Max == nil || *s.Max != math.Trunc(*s.Max) {
				return 0, fmt.Errorf("parameter %s declares no integer maximum", name)
			}
			return int(*s.Max), nil
		}
		d, ok := s.Default.(float64)
		if !ok || d != math.Trunc(d) {
			return 0, fmt.Errorf("parameter %s declares no integer default", name)
		}
		return int(d), nil
	}
	return 0, fmt.Errorf("no query parameter %s", name)
}
