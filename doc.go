// Package sparkmock is the root of the sparkmock module: it embeds openapi.yaml, the contract of
// the Spark API "Contacts: Export" service, loads and validates it, and derives from it what the
// other packages must not type twice (contract.go: the paths, the page limits, the
// ExportTimestamp layout and the default zone; spec.go: the contact fields and their kinds).
//
// It imports nothing of this module but sparkql; mockserver, contracttest and the commands
// build on it.
package sparkmock
