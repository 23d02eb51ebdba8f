// Package proxy is sparkmock's validating proxy (mockserver -upstream): it forwards every
// request to a real service, judges each exchange with contracttest.Judge (the request and
// the answer against openapi.yaml, and the rules of the contract a single exchange can show
// broken), and hands the answer back unchanged with an X-Contract-Violations header, or, when
// asked, a 502 envelope in place of a breaking answer. It keeps the recent violations for
// GET /_mock/violations and a tally of everything seen for a report in contracttest's formats.
//
// It uses net/http only (no Echo). It imports the root package, contracttest and
// contracttest/report (the rules and report writers are the suite's, not copies); it must not
// import mockserver (its black-box tests use the mock as an upstream) or anything under cmd.
package proxy
