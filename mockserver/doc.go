// Package mockserver serves the Spark "Contacts: Export" contract offline: the Echo routes,
// authentication and roles, the export handlers with the search and paging syntax, the one
// error renderer, and the middleware that validates every request and every response against
// openapi.yaml. New returns the whole thing as an http.Handler.
//
// It builds on the root package (the spec), fixtures (the data) and sparkql (the filter
// language); it must not import contracttest or anything under cmd.
package mockserver
