package contracttest

import (
	"bytes"
	"context"
	"testing"

	"github.com/sparkmock/sparkmock"
)

// TestLimitsComeFromTheSpec: the suite and the Judge judge pages by the limits of the spec
// they run with (-spec), not by constants of their own.
func TestLimitsComeFromTheSpec(t *testing.T) {
	spec := sparkmock.SpecYAML()
	changed := bytes.Replace(spec, []byte("maximum: 25\n        default: 10"), []byte("maximum: 30\n        default: 5"), 1)
	if bytes.Equal(changed, spec) {
		t.Fatal("the LimitAll declaration moved: update this test")
	}
	doc, err := sparkmock.LoadSpec(context.Background(), changed)
	if err != nil {
		t.Fatal(err)
	}
	c, err := checkConfig(context.Background(), Target{BaseURL: "http://127.0.0.1:1"}, Config{Spec: doc})
	if err != nil {
		t.Fatal(err)
	}
	j, err := NewJudge(context.Background(), JudgeConfig{Spec: doc})
	if err != nil {
		t.Fatal(err)
	}
	for who, l := range map[string]limits{"suite": c.limits, "judge": j.limits} {
		if got := l.of(sparkmock.PathExportAll); got.MaxLimit != 30 || got.DefaultLimit != 5 {
			t.Errorf("%s: limits of %s = %+v, want MaxLimit 30, DefaultLimit 5", who, sparkmock.PathExportAll, got)
		}
		if got := l.of(sparkmock.PathExport); got.MaxLimit != 100 || got.MaxPage != 100000 || got.MaxSkip != 2500000 {
			t.Errorf("%s: limits of %s = %+v, want MaxLimit 100, MaxPage 100000, MaxSkip 2500000", who, sparkmock.PathExport, got)
		}
		if l.list != 30 {
			t.Errorf("%s: listing page size %d, want 30 (the smaller maximum)", who, l.list)
		}
	}
}

// TestLimitTextQuotesBothPaths: a description quotes a limit once when both paths declare
// the same, and each path's own when they differ, so a changed openapi.yaml never leaves a
// description saying an old number.
func TestLimitTextQuotesBothPaths(t *testing.T) {
	l := limits{byPath: map[string]sparkmock.Paging{
		sparkmock.PathExport:    {DefaultLimit: 10, MaxLimit: 100, MaxPage: 100000, MaxSkip: 2500000},
		sparkmock.PathExportAll: {DefaultLimit: 5, MaxLimit: 30, MaxPage: 100000, MaxSkip: 2500000},
	}}
	for _, c := range []struct {
		name  string
		limit func(sparkmock.Paging) int
		want  string
	}{
		{"default", defaultLimit, "10 on /export, 5 on /export/all"},
		{"max limit", maxLimit, "100 on /export, 30 on /export/all"},
		{"max page", maxPage, "100000"},
		{"max skip", maxSkip, "2500000"},
	} {
		if got := l.text(c.limit); got != c.want {
			t.Errorf("%s: text = %q, want %q", c.name, got, c.want)
		}
	}
}
