// Package report writes a contracttest.Report for people and machines: Text for a terminal,
// JSON for tools, JUnit XML for CI systems (a testsuite per group, a testcase per check) and
// a single-file HTML page readable offline. Each writer is a small function over the report;
// none reads a clock or the environment, so the same report always gives the same bytes.
//
// Evidence comes from the server under test and is untrusted: Text strips control
// characters (no terminal escape sequences), JUnit writes only characters XML allows, and
// HTML escapes everything (html/template, no script, a Content-Security-Policy that loads
// nothing).
//
// It imports contracttest for the model; it must not import Echo or mockserver.
package report
