package sparkmock_test

import (
	"bytes"
	"context"
	"strings"
	"testing"
	"time"

	sparkmock "github.com/sparkmock/sparkmock"
)

// TestContractPathsAreTheSpecs: the path constants name paths openapi.yaml declares, so a
// renamed path cannot leave a constant behind.
func TestContractPathsAreTheSpecs(t *testing.T) {
	doc, err := sparkmock.LoadSpec(context.Background(), nil)
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range []string{sparkmock.PathExport, sparkmock.PathExportAll, sparkmock.PathSession, sparkmock.PathSession + "/{AuthToken}"} {
		if doc.Paths.Find(p) == nil {
			t.Errorf("openapi.yaml declares no path %s", p)
		}
	}
	if got := sparkmock.ExportPaths(); len(got) != 2 || got[0] != sparkmock.PathExport || got[1] != sparkmock.PathExportAll {
		t.Errorf("ExportPaths() = %v", got)
	}
	if _, err := time.LoadLocation(sparkmock.DefaultZone); err != nil {
		t.Errorf("DefaultZone %q: %v", sparkmock.DefaultZone, err)
	}
}

// TestLocationOrDefault: a configured zone is kept; none is DefaultZone.
func TestLocationOrDefault(t *testing.T) {
	if got, err := sparkmock.LocationOrDefault(nil); err != nil || got.String() != sparkmock.DefaultZone {
		t.Errorf("LocationOrDefault(nil) = %v, %v; want %s", got, err, sparkmock.DefaultZone)
	}
	utc := time.FixedZone("UTC+2", 2*3600)
	if got, err := sparkmock.LocationOrDefault(utc); err != nil || got != utc {
		t.Errorf("LocationOrDefault(UTC+2) = %v, %v; want the zone given", got, err)
	}
}

// TestPagingOfReadsTheSpec: the limits come from openapi.yaml (the documented 10, 100 and 25),
// and a changed spec changes them.
func TestPagingOfReadsTheSpec(t *testing.T) {
	doc, err := sparkmock.LoadSpec(context.Background(), nil)
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]sparkmock.Paging{
		sparkmock.PathExport:    {DefaultLimit: 10, MaxLimit: 100, MaxPage: 100000, MaxSkip: 2500000},
		sparkmock.PathExportAll: {DefaultLimit: 10, MaxLimit: 25, MaxPage: 100000, MaxSkip: 2500000},
	}
	for path, w := range want {
		got, err := sparkmock.PagingOf(doc, path)
		if err != nil || got != w {
			t.Errorf("PagingOf(%s) = %+v, %v; want %+v", path, got, err, w)
		}
	}
	if _, err := sparkmock.PagingOf(doc, "/v1/nowhere"); err == nil {
		t.Error("PagingOf of an undeclared path: no error")
	}

	spec := sparkmock.SpecYAML()
	changed := bytes.Replace(spec, []byte("maximum: 25\n        default: 10"), []byte("maximum: 30\n        default: 5"), 1)
	if bytes.Equal(changed, spec) {
		t.Fatal("the LimitAll declaration moved: update this test")
	}
	doc2, err := sparkmock.LoadSpec(context.Background(), changed)
	if err != nil {
		t.Fatal(err)
	}
	if got, _ := sparkmock.PagingOf(doc2, sparkmock.PathExportAll); got.MaxLimit != 30 || got.DefaultLimit != 5 {
		t.Errorf("PagingOf after changing openapi.yaml = %+v, want MaxLimit 30, DefaultLimit 5", got)
	}

	noMax := bytes.Replace(spec, []byte("        maximum: 25\n"), nil, 1)
	doc3, err := sparkmock.LoadSpec(context.Background(), noMax)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := sparkmock.PagingOf(doc3, sparkmock.PathExportAll); err == nil || !strings.Contains(err.Error(), "maximum") {
		t.Errorf("PagingOf without a maximum: %v, want an error naming it", err)
	}
}
