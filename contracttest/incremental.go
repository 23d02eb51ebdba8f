package contracttest

import (
	"net/http"
	"regexp"
	"strconv"
	"time"

	"github.com/sparkmock/sparkmock"
)

// clockSkew is how far ExportTimestamp may run ahead of the response's Date: the two may come
// from different machines of the service.
const clockSkew = 5 * time.Minute

// unquotedExportTimestamp finds an ExportTimestamp written without quotes, as in the
// documentation's own sample.
var unquotedExportTimestamp = regexp.MustCompile(`"ExportTimestamp"\s*:\s*([^"\s][^,}\]]*)`)

func checkExportTimestamp(s *run, v *verdict) {
	judged := 0
	for _, x := range s.allExchanges() {
		if x.method != http.MethodGet || x.status != 200 {
			continue
		}
		if judgeExportTimestamp(v, x, s.exportInstants) {
			judged++
		}
	}
	if judged == 0 && v.decided == 0 {
		v.skip("no successful export was received")
		return
	}
	v.note("%d exports; %s", judged, s.zoneNote())
}

func checkSince(s *run, v *verdict) {
	if !v.needPrivate() {
		return
	}
	for _, p := range sparkmock.ExportPaths() {
		// Some data first, so the zone of ExportTimestamp can be judged.
		s.listing(p)
		x, err := s.get(p, q("_limit", "1")...)
		if err != nil {
			v.errored(err)
			continue
		}
		if x.status != 200 || x.D() == nil {
			v.skip("%s answered %d: no ExportTimestamp to start from", p, x.status)
			continue
		}
		ts, _ := x.D()["ExportTimestamp"].(string)
		bound, _, ok := s.exportInstants(ts)
		if !ok {
			v.skip("%s: no usable ExportTimestamp (incremental.export-timestamp reports it)", p)
			continue
		}
		filter := "ModificationTimestamp Gt " + ts
		bad := false
		for page := 1; page <= maxFilterPages; page++ {
			y, err := s.get(p, q("_filter", filter, "_limit", strconv.Itoa(s.cfg.limits.list), "_pagination", "1", "_page", strconv.Itoa(page))...)
			if err != nil {
				v.errored(err)
				bad = true
				break
			}
			if y.status != 200 {
				code, hasCode := y.code()
				v.fail(y, nil, "got %s for the incremental filter %s, want 200", describeAnswer(y.status, code, hasCode), filter)
				bad = true
				break
			}
			res, _ := y.results()
			for _, r := range res {
				c, _ := newContact(r, page, nil)
				switch {
				case !c.hasMod:
					v.fail(y, r, "contact %s has no ModificationTimestamp, returned for %s", c.id, filter)
					bad = true
				case !c.mod.After(bound):
					v.fail(y, r, "contact %s was modified at %s, not after ExportTimestamp %s (%s), yet returned for %s",
						c.id, c.modRaw, ts, bound.Format(time.RFC3339), filter)
					bad = true
				}
			}
			if len(res) < s.cfg.limits.list {
				break
			}
		}
		if !bad {
			v.ok()
		}
	}
	v.note("%s", s.zoneNote())
}
