package openapicheck_test

// The module's -update flag, so `go test ./... -update` runs here too (no golden files).
import _ "github.com/sparkmock/sparkmock/internal/golden"
