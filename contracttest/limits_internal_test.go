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
