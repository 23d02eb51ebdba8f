package main

import (
	"os"
	"runtime/debug"
)

// softMemoryLimit sets the process's soft memory limit unless GOMEMLIMIT is set (GOMEMLIMIT=off
// lifts every limit); bytes <= 0 sets none.
func softMemoryLimit(bytes int64) {
	if os.Getenv("GOMEMLIMIT") == "" && bytes > 0 {
		debug.SetMemoryLimit(bytes)
	}
}
