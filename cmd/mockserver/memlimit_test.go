package main

import (
	"regexp"
	"strconv"
	"syscall"
	"testing"
	"time"
)

// TestMemoryLimitIsLogged: the mock says which soft memory limit it keeps, and keeps none when
// GOMEMLIMIT is set or without a record budget.
func TestMemoryLimitIsLogged(t *testing.T) {
	line := regexp.MustCompile(`soft memory limit set.* limit_mib=(\d+)`)
	logOf := func(args ...string) string {
		t.Helper()
		p := startProcess(t, args...)
		// SIGTERM, not a kill: the log is written in batches, the last one at exit.
		if err := p.cmd.Process.Signal(syscall.SIGTERM); err != nil {
			t.Fatal(err)
		}
		if err := p.wait(t, 20*time.Second); err != nil {
			t.Fatalf("exit: %v", err)
		}
		return p.stderr.String()
	}
	m := line.FindStringSubmatch(logOf())
	if m == nil {
		t.Fatal("no log line with the soft memory limit at the defaults")
	}
	// The default data is some tens of megabytes; the budget alone is 512 MiB.
	if mib, _ := strconv.Atoi(m[1]); mib < 512 || mib > 1024 {
		t.Errorf("limit of %d MiB at the defaults; want the 512 MiB budget plus some", mib)
	}
	if log := logOf("-cache-mb", "0"); line.MatchString(log) {
		t.Errorf("a limit logged with -cache-mb 0:\n%s", log)
	}
	t.Setenv("GOMEMLIMIT", "off")
	if log := logOf(); line.MatchString(log) {
		t.Errorf("a limit logged with GOMEMLIMIT=off:\n%s", log)
	}
}
