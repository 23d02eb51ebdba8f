package mockserver

import (
	"math"
	"time"

	"github.com/labstack/echo/v4"
	sparkmock "github.com/sparkmock/sparkmock"
)

// contactsAt counts the contacts of every account at unix time t.
func (s *store) contactsAt(t int64) int {
	n := 0
	for ord := range s.books {
		n += s.count(ord, t)
	}
	return n
}

// firstTimeOver returns the first unix second at which the store holds more than max
// contacts, math.MaxInt64 when it never does before the clock model ends. Counts only grow
// with time, so a binary search finds it.
func (s *store) firstTimeOver(max int, from int64) int64 {
	hi := maxClock.Unix()
	if s.contactsAt(hi) <= max {
		return math.MaxInt64
	}
	lo := from // contactsAt(lo) <= max
	for hi-lo > 1 {
		mid := lo + (hi-lo)/2
		if s.contactsAt(mid) > max {
			hi = mid
		} else {
			lo = mid
		}
	}
	return hi
}

// refuseTooManyContacts answers a request whose time would show more contacts than
// -max-contacts allows, instead of building lists that large: 400/1053 when X-Mock-Now asked
// for that time, 503/1510 when the real clock got there ([choice]: the fixtures outgrew the
// maximum while the server ran).
func refuseTooManyContacts(s *Server) echo.MiddlewareFunc {
	return func(next echo.HandlerFunc) echo.HandlerFunc {
		return func(c echo.Context) error {
			w := s.world()
			t := requestTime(c)
			if t.Unix() < w.store.tooMany {
				return next(c)
			}
			last := time.Unix(w.store.tooMany-1, 0).UTC().Format(time.RFC3339)
			if c.Request().Header.Get(MockNowHeader) != "" {
				return sparkmock.Errorf(sparkmock.CodeBadParameter, "%s: the fixtures would hold more than %d contacts (-max-contacts) then; the latest time they fit is %s", MockNowHeader, s.cfg.MaxContacts, last)
			}
			return sparkmock.Errorf(sparkmock.CodeUnavailable, "The fixtures have grown past %d contacts (-max-contacts) since %s: lower the accounts' contacts or raise the maximum", s.cfg.MaxContacts, last).
				WithHeader("Retry-After", "3600")
		}
	}
}
