// Package golden holds the one -update flag of the module's tests: `go test ./... -update`
// rewrites every golden file and generated README block. Every package with tests imports it
// (those without golden files for the flag alone), because a test binary refuses a flag it
// does not define and `go test ./... -update` would then fail in every such package.
//
// It is test support: no product code imports it.
package golden

import "flag"

var update = flag.Bool("update", false, "rewrite golden files and generated README blocks instead of comparing with them")

// Update says whether the tests were run with -update.
func Update() bool { return *update }
