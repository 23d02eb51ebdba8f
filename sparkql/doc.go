// Package sparkql owns the Spark API _filter language: its lexer, parser, type checker,
// canonical printer and evaluator over any record that can look up a field's value.
//
// It is used by the mock server to filter generated contacts and by the contract suite as an
// oracle on records received from a real server, so it does no HTTP and reads no clock: every
// time-relative function (now(), days(n), …) is resolved once, at Parse, against Options.Now.
//
// The language follows the sparkapi/sparkql reference parser and section 5 of
// shared/spark-contract.md. Where both are silent, the decision taken is marked in the code with
// a comment starting "[choice]".
//
// This package must not import anything of this module; it uses the standard library only.
package sparkql
