// Package contracttest is the contract suite of the Spark API "Contacts: Export" service: it
// checks a running implementation (the real Spark API, a team's own service, or sparkmock)
// against shared/spark-contract.md and openapi.yaml, over HTTP, and returns every problem it
// finds as a failed Result with its evidence.
//
// Check is the conformance core: it works outside go test and returns a Report; its error
// only means the suite could not run. Run wraps it for go test, one subtest per check.
// Checks lists the catalog, each check with a stable id, its group and the source of the
// rule it asserts ([doc], [client], or [choice], which runs only with Config.Strict).
//
// The suite is safe to point at a production system: it only reads, apart from the 405
// probes that Config.ReadOnly turns off; it caps its request rate; it honours 429 with
// Retry-After; and no token is ever printed in full.
//
// Judge applies the rules a single exchange can show broken (rules.go, shared with the
// suite's checks) to exchanges seen elsewhere: sparkmock's validating proxy uses it, and
// Tally adds its judgements up into a Report the same writers print.
//
// It imports the root package (the spec) and sparkql (the filter oracle); it must not
// import Echo or mockserver, not even in its tests. Report writers live in contracttest/report.
package contracttest
