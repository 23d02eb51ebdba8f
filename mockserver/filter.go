package mockserver

import (
	"time"

	sparkmock "github.com/sparkmock/sparkmock"
)

// filterEntries keeps the entries that match the request's _filter.
func (s *Server) filterEntries(st *store, list []entry, q *exportQuery, now time.Time) ([]entry, error) {
	if !q.hasFilter {
		return list, nil
	}
	return nil, sparkmock.Errorf(sparkmock.CodeFilterSyntax, "_filter is not supported yet")
}
