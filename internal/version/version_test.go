package version_test

import (
	"os"
	"regexp"
	"runtime/debug"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/sparkmock/sparkmock/internal/version"
)

func TestFrom(t *testing.T) {
	clone := &debug.BuildInfo{
		GoVersion: "go1.26.8",
		Main:      debug.Module{Path: "github.com/sparkmock/sparkmock", Version: "(devel)"},
		Settings: []debug.BuildSetting{
			{Key: "vcs.revision", Value: "0123456789abcdef0123456789abcdef01234567"},
			{Key: "vcs.time", Value: "2026-11-28T06:00:00Z"},
			{Key: "vcs.modified", Value: "true"},
		},
	}
	installed := &debug.BuildInfo{GoVersion: "go1.26.8", Main: debug.Module{Version: "v1.4.0"}}
	tests := []struct {
		name              string
		ldV, ldC, ldD     string
		bi                *debug.BuildInfo
		want              version.Info
		wantShort, wantIs string
	}{
		{
			name: "nothing known", want: version.Info{Version: "devel"},
			wantShort: "devel", wantIs: "sparkmock devel",
		},
		{
			name: "a build from a clone", bi: clone,
			want:      version.Info{Version: "devel", Commit: "0123456789abcdef0123456789abcdef01234567", Date: "2026-11-28T06:00:00Z", Modified: true, Go: "go1.26.8"},
			wantShort: "devel+0123456789ab.dirty",
			wantIs:    "sparkmock devel (commit 0123456789ab with uncommitted changes, built 2026-11-28T06:00:00Z, go1.26.8)",
		},
		{
			name: "go install at a version", bi: installed,
			want:      version.Info{Version: "v1.4.0", Go: "go1.26.8"},
			wantShort: "v1.4.0", wantIs: "sparkmock v1.4.0 (go1.26.8)",
		},
		{
			name: "a release: ldflags win", ldV: "1.5.0", ldC: "fedcba9876543210", ldD: "2026-12-01T10:00:00Z", bi: clone,
			want:      version.Info{Version: "v1.5.0", Commit: "fedcba9876543210", Date: "2026-12-01T10:00:00Z", Modified: true, Go: "go1.26.8"},
			wantShort: "v1.5.0",
			wantIs:    "sparkmock v1.5.0 (commit fedcba987654 with uncommitted changes, built 2026-12-01T10:00:00Z, go1.26.8)",
		},
		{
			name: "a snapshot keeps one v", ldV: "v0.0.0-SNAPSHOT-abc1234",
			want:      version.Info{Version: "v0.0.0-SNAPSHOT-abc1234"},
			wantShort: "v0.0.0-SNAPSHOT-abc1234", wantIs: "sparkmock v0.0.0-SNAPSHOT-abc1234",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := version.From(tt.ldV, tt.ldC, tt.ldD, tt.bi)
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("From: (-want +got)\n%s", diff)
			}
			if s := got.Short(); s != tt.wantShort {
				t.Errorf("Short() = %q, want %q", s, tt.wantShort)
			}
			if s := got.String(); s != tt.wantIs {
				t.Errorf("String() = %q, want %q", s, tt.wantIs)
			}
		})
	}
}

// TestReleaseLdflags pins the -X names in .goreleaser.yaml to this package's variables: a
// renamed variable or a typo there would ship releases that say "devel".
func TestReleaseLdflags(t *testing.T) {
	b, err := os.ReadFile("../../.goreleaser.yaml")
	if err != nil {
		t.Fatal(err)
	}
	got := map[string]bool{}
	for _, m := range regexp.MustCompile(`-X ([\w./-]+)=`).FindAllStringSubmatch(string(b), -1) {
		got[m[1]] = true
	}
	const pkg = "github.com/sparkmock/sparkmock/internal/version."
	want := map[string]bool{pkg + "version": true, pkg + "commit": true, pkg + "date": true}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf(".goreleaser.yaml's -X targets (-want +got):\n%s", diff)
	}
}
