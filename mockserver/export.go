package mockserver

import (
	"bytes"
	"context"
	"net/http"
	"strconv"
	"sync"
	"time"

	"github.com/labstack/echo/v4"
	sparkmock "github.com/sparkmock/sparkmock"
)

// pageBuffers recycles the buffers pages are rendered into.
var pageBuffers = sync.Pool{New: func() any { b := make([]byte, 0, 32<<10); return &b }}

// pageEntries recycles the scratch a page's entries are put in order in (orderRange): room
// for the largest page.
var pageEntries = sync.Pool{New: func() any { e := make([]entry, 0, 128); return &e }}

// handleExport serves /contacts/export (all false) and /contacts/export/all (all true).
func handleExport(s *Server, all bool) echo.HandlerFunc {
	f, path := formOwn, sparkmock.PathExport
	if all {
		f, path = formAll, sparkmock.PathExportAll
	}
	paging := s.pagingFor[path]
	return func(c echo.Context) error {
		w := s.world()
		st := stateOf(c)
		variants := st.variants
		q, err := parseQuery(c.QueryParams(), path, paging, s.fields, variants)
		if err != nil {
			return err
		}
		tok := st.token
		ord, ok := w.store.byID[tok.AccountID]
		if !ok {
			return sparkmock.Errorf(sparkmock.CodeInvalidAuth, "Invalid access token")
		}
		now := requestTime(c)
		// A bad _filter is refused before any list is built for the request's time.
		if err := s.parseFilter(q, now, w.store.loc); err != nil {
			return err
		}
		snap := w.store.snapshot(now)
		var tl *timedList
		books := []int{ord}
		if all {
			tl = snap.allTimed(ord)
			books = w.store.controlled[ord]
		} else {
			tl = snap.ownTimed(ord)
		}
		list, err := s.filterEntries(w.store, tl.list, books, q, now)
		if err != nil {
			return err
		}
		order := q.order
		if len(order) == 0 {
			order = st.defaultOrder()
		}
		total := len(list)
		offset := (q.page - 1) * q.limit
		if q.useSkip {
			offset = q.skip
		}
		// [choice] A page past the end is a 200 with empty Results, not an error.
		if variants.has(vPastEnd400) && offset >= total && offset > 0 && q.pagination != paginationCount {
			return badParam("the page starting after %d contacts is past the end: there are %d", offset, total)
		}
		var page []entry
		if q.pagination != paginationCount && offset < total && q.limit > 0 {
			// Only the page and what precedes it are ever put in order.
			scratch := pageEntries.Get().(*[]entry)
			defer pageEntries.Put(scratch) // the page is written before the handler returns
			page = w.store.orderRangeIn(*scratch, tl, list, order, offset, offset+q.limit)
		}

		piecewise := s.piecewise(variants)
		return s.writePage(c, piecewise, func(dst []byte) ([]byte, error) {
			body, err := s.renderPage(dst, c, piecewise, w.store, f, q, now, page, total)
			if err == nil && variants.has(vUTCTimestamps) {
				body = timestampsInUTC(body)
			}
			return body, err
		})
	}
}

// piecewise says whether a page is validated piece by piece while it is rendered: with
// response validation on, and without variants (a variant's page is validated whole, against
// the documented view).
func (s *Server) piecewise(variants variantSet) bool {
	return s.validate != nil && variants == 0
}

// writePage renders a page into a pooled buffer and writes it as a 200: the one place the
// buffer leaves its pool and returns to it. When render validated the page piece by piece
// (renderPage with piecewise), the buffered response is marked proven when it holds exactly
// those bytes, and validateResponses does not validate it again.
func (s *Server) writePage(c echo.Context, piecewise bool, render func(dst []byte) ([]byte, error)) error {
	bp := pageBuffers.Get().(*[]byte)
	defer pageBuffers.Put(bp)
	body, err := render((*bp)[:0])
	*bp = body
	if err != nil {
		return err
	}
	if err := c.Blob(http.StatusOK, contentTypeJSON, body); err != nil {
		return err
	}
	if bw, ok := c.Response().Writer.(*bufferedWriter); ok && piecewise {
		bw.proven = bytes.Equal(bw.body.Bytes(), body)
	}
	return nil
}

// renderPage writes the export envelope around the page's contacts. With piecewise, it
// validates the envelope (once per distinct skeleton) and every contact (once per version),
// which together validate the body.
func (s *Server) renderPage(dst []byte, c echo.Context, piecewise bool, st *store, f form, q *exportQuery, now time.Time, page []entry, total int) ([]byte, error) {
	// [choice] ExportTimestamp is a JSON string: the seed's sample writes it bare, which is not JSON.
	dst = append(dst, `{"D":{"Success":true,"ExportTimestamp":"`...)
	dst = now.In(st.loc).AppendFormat(dst, sparkmock.ExportTimestampLayout)
	dst = append(dst, `","Results":[`...)
	prefixEnd := len(dst)
	for i, e := range page {
		if i > 0 {
			dst = append(dst, ',')
		}
		r := st.record(e)
		start := len(dst)
		dst = r.appendTo(dst, f, st.books[e.book].ownerMember, q.sel)
		if piecewise {
			if err := s.validate.checkItem(r, f, dst[start:], q.sel); err != nil {
				s.metrics.validationFailures.WithLabelValues(routeLabel(c)).Inc()
				s.log.Error("generated contact violates openapi.yaml", "id", r.c.ID, "violation", err.Error())
				return dst, sparkmock.Errorf(sparkmock.CodeInternal, "Internal server error: the mock's response broke openapi.yaml (%s)", firstLine(err.Error()))
			}
		}
	}
	suffixStart := len(dst)
	dst = append(dst, ']')
	if q.pagination != paginationNone {
		dst = appendPagination(dst, q, total)
	}
	dst = append(dst, "}}"...)
	if piecewise {
		var buf [512]byte
		skeleton := append(buf[:0], dst[:prefixEnd]...)
		skeleton = append(skeleton, dst[suffixStart:]...)
		if m, _ := routeOf(c); m.Route != nil {
			if err := s.validate.checkSkeleton(context.WithoutCancel(c.Request().Context()), m.Route, f, skeleton, len(page)); err != nil {
				s.metrics.validationFailures.WithLabelValues(routeLabel(c)).Inc()
				s.log.Error("export envelope violates openapi.yaml", "violation", err.Error())
				return dst, sparkmock.Errorf(sparkmock.CodeInternal, "Internal server error: the mock's response broke openapi.yaml (%s)", firstLine(err.Error()))
			}
		}
	}
	return dst, nil
}

// appendPagination writes the Pagination object: TotalPages is 0 for an empty set or a zero
// page size ([choice]: the documentation gives no rule for _limit=0).
func appendPagination(dst []byte, q *exportQuery, total int) []byte {
	pages := 0
	if q.limit > 0 {
		pages = (total + q.limit - 1) / q.limit
	}
	dst = append(dst, `,"Pagination":{"TotalRows":`...)
	dst = strconv.AppendInt(dst, int64(total), 10)
	dst = append(dst, `,"PageSize":`...)
	dst = strconv.AppendInt(dst, int64(q.limit), 10)
	dst = append(dst, `,"TotalPages":`...)
	dst = strconv.AppendInt(dst, int64(pages), 10)
	if q.useSkip {
		dst = append(dst, `,"CurrentOffset":`...)
		dst = strconv.AppendInt(dst, int64(q.skip), 10)
	} else {
		dst = append(dst, `,"CurrentPage":`...)
		dst = strconv.AppendInt(dst, int64(q.page), 10)
	}
	return append(dst, '}')
}
