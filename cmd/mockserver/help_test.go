package main

import (
	"context"
	"errors"
	"io"
	"path/filepath"
	"strings"
	"testing"
)

// TestHelpIsGrouped: -h lists every flag under its group (mock, proxy, TLS, logging, server),
// each group once, with examples and exit codes, and names the command "mockserver" however it
// was started (go run builds it in a temporary folder).
func TestHelpIsGrouped(t *testing.T) {
	var out strings.Builder
	args0 := filepath.Join(t.TempDir(), "go-build123", "exe", "mockserver")
	if err := run(context.Background(), []string{args0, "-h"}, func(string) string { return "" }, nil, io.Discard, &out); err != nil {
		t.Fatalf("-h: %v", err)
	}
	help := out.String()
	if strings.Contains(help, args0) || !strings.HasPrefix(help, "Usage: mockserver [flags]") {
		t.Errorf("usage line %q, want \"Usage: mockserver [flags]\"", strings.SplitN(help, "\n", 2)[0])
	}
	if i := strings.Index(help, ungroupedHeading); i >= 0 {
		t.Errorf("flags registered after the last sections.close (move each into its section):\n%s", help[i:])
	}
	var at []int
	for _, g := range groupOrder {
		i := strings.Index(help, "\n"+g.heading+"\n")
		if i < 0 {
			t.Errorf("help lacks the group %q", g.heading)
		}
		at = append(at, i)
	}
	for i := 1; i < len(at); i++ {
		if at[i] < at[i-1] {
			t.Errorf("groups out of order: %q before %q", groupOrder[i].heading, groupOrder[i-1].heading)
		}
	}
	// A flag sits in its group's section: -upstream-timeout after the proxy heading, before TLS.
	proxy, tls := strings.Index(help, groupOrder[1].heading), strings.Index(help, groupOrder[2].heading)
	if i := strings.Index(help, "  -upstream-timeout"); i < proxy || i > tls {
		t.Errorf("-upstream-timeout is not in the proxy group")
	}
	for _, want := range []string{"Examples:", "mockserver -upstream", "Exit codes:", "SPARKMOCK_ADDR"} {
		if !strings.Contains(help, want) {
			t.Errorf("help lacks %q", want)
		}
	}
}

// TestUsageErrorsAreOneLine: a mistyped flag or a bad value says what is wrong in one line and
// points at -h, instead of printing the whole usage.
func TestUsageErrorsAreOneLine(t *testing.T) {
	tests := []struct {
		name string
		args []string
		env  map[string]string
		want string
	}{
		{name: "mistyped flag", args: []string{"-sed", "5"}, want: "flag provided but not defined: -sed (see mockserver -h)"},
		{name: "bad flag value", args: []string{"-seed", "abc"}, want: `-seed "abc": want an integer, like 20120614 (see mockserver -h)`},
		{name: "bad env value", env: map[string]string{"SPARKMOCK_SEED": "abc"}, want: `SPARKMOCK_SEED="abc": want an integer, like 20120614`},
		{name: "bad env duration", env: map[string]string{"SPARKMOCK_SHUTDOWN_TIMEOUT": "ten"}, want: `SPARKMOCK_SHUTDOWN_TIMEOUT="ten": want a duration, like 10s or 1m30s`},
		{name: "bad env bool", env: map[string]string{"SPARKMOCK_TLS": "yes"}, want: `SPARKMOCK_TLS="yes": want true or false`},
		{name: "missing fixtures", args: []string{"-fixtures", "/nonexistent/mine.yaml"}, want: "-fixtures: open /nonexistent/mine.yaml: no such file or directory"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var stderr strings.Builder
			err := run(context.Background(), append([]string{"mockserver"}, tt.args...), func(k string) string { return tt.env[k] }, nil, io.Discard, &stderr)
			var ee *exitError
			if !errors.As(err, &ee) || ee.code != 2 {
				t.Fatalf("got %v, want an exit code 2 error", err)
			}
			if err.Error() != tt.want {
				t.Errorf("error %q, want %q", err, tt.want)
			}
			if stderr.Len() != 0 {
				t.Errorf("also printed %q; main prints the one line", stderr.String())
			}
		})
	}
}
