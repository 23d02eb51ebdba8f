// Package version says which build of sparkmock is running: the release's version, commit and
// build date that GoReleaser writes in with -ldflags -X, or else what the Go toolchain recorded
// (debug.ReadBuildInfo: the module version of a `go install …@v1.2.3`, the VCS commit and time
// of a build from a clone). Both binaries print it for -version; the mock shows it on
// /_mock/info and the page, the contract suite sends it in its user agent. It imports nothing
// of this module.
package version

import (
	"runtime/debug"
	"strings"
)

// Set by the release build (.goreleaser.yaml) with
// -ldflags "-X github.com/sparkmock/sparkmock/internal/version.version=…": a test checks the
// names there match these.
var (
	version string
	commit  string
	date    string
)

// Info identifies a build.
type Info struct {
	// Version is the release (v1.2.0, 1.2.0-SNAPSHOT-abc1234), the module version of a
	// `go install`, or "devel" for a build from a clone.
	Version string `json:"Version"`
	// Commit is the VCS revision, empty when unknown.
	Commit string `json:"Commit"`
	// Date is when the build was made (a release) or the commit's time, RFC 3339; empty when
	// unknown.
	Date string `json:"Date"`
	// Modified is true when the build came from a work tree with uncommitted changes.
	Modified bool `json:"Modified"`
	// Go is the toolchain that built the binary.
	Go string `json:"Go"`
}

// Get returns the running binary's Info.
func Get() Info {
	bi, _ := debug.ReadBuildInfo()
	return From(version, commit, date, bi)
}

// From combines the values set with -ldflags (which win when set) with the toolchain's build
// information (bi may be nil).
func From(ldVersion, ldCommit, ldDate string, bi *debug.BuildInfo) Info {
	in := Info{Version: "devel"}
	if bi != nil {
		in.Go = bi.GoVersion
		// [choice] "(devel)" is what the toolchain says for a build from a clone; "devel" reads
		// better in a user agent and needs no quoting.
		if v := bi.Main.Version; v != "" && v != "(devel)" {
			in.Version = v
		}
		for _, s := range bi.Settings {
			switch s.Key {
			case "vcs.revision":
				in.Commit = s.Value
			case "vcs.time":
				in.Date = s.Value
			case "vcs.modified":
				in.Modified = s.Value == "true"
			}
		}
	}
	if ldVersion != "" {
		in.Version = "v" + strings.TrimPrefix(ldVersion, "v")
	}
	if ldCommit != "" {
		in.Commit = ldCommit
	}
	if ldDate != "" {
		in.Date = ldDate
	}
	return in
}

// Short is the version with a short commit, for user agents: "v1.2.0", "devel+abc1234".
func (in Info) Short() string {
	s := in.Version
	if in.Version == "devel" && in.Commit != "" {
		s += "+" + shortCommit(in.Commit)
		if in.Modified {
			s += ".dirty"
		}
	}
	return s
}

// String is what -version prints: "sparkmock v1.2.0 (commit abc1234def, built
// 2026-11-28T06:00:00Z, go1.26.8)"; parts that are unknown are left out.
func (in Info) String() string {
	var parts []string
	if in.Commit != "" {
		c := "commit " + shortCommit(in.Commit)
		if in.Modified {
			c += " with uncommitted changes"
		}
		parts = append(parts, c)
	}
	if in.Date != "" {
		parts = append(parts, "built "+in.Date)
	}
	if in.Go != "" {
		parts = append(parts, in.Go)
	}
	s := "sparkmock " + in.Version
	if len(parts) > 0 {
		s += " (" + strings.Join(parts, ", ") + ")"
	}
	return s
}

func shortCommit(c string) string {
	if len(c) > 12 {
		return c[:12]
	}
	return c
}
