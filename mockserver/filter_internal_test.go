package mockserver

import (
	"testing"
	"time"

	"github.com/sparkmock/sparkmock/sparkql"
)

// TestRecordViewTypesMatchTheSchema guards the filter against a silent class of bug: a value
// of the wrong Go type counts as absent to sparkql, so every field the schema types must come
// back from a record in that type.
func TestRecordViewTypesMatchTheSchema(t *testing.T) {
	s, err := New(DefaultConfig())
	if err != nil {
		t.Fatal(err)
	}
	st := s.world().store
	now := time.Date(2026, 11, 28, 0, 0, 0, 0, time.UTC)
	snap := st.snapshot(now)
	seen := map[string]bool{}
	for ord := range st.books {
		for _, e := range snap.ownList(ord) {
			view := recordView{r: st.record(e), owner: st.books[e.book].ownerBox}
			for field, typ := range s.fields.schema {
				v, ok := view.Value(field)
				if !ok {
					continue
				}
				seen[field] = true
				var good bool
				switch typ {
				case sparkql.String:
					_, good = v.(string)
				case sparkql.StringList:
					_, good = v.([]string)
				case sparkql.Boolean:
					_, good = v.(bool)
				case sparkql.Date, sparkql.DateTime:
					_, good = v.(time.Time)
				}
				if !good {
					t.Fatalf("%s is %v in the schema; the record gives %T", field, typ, v)
				}
			}
			er := entryRecord{st: st, e: e}
			for _, field := range []string{"Id", "OwnerId", "ModificationTimestamp"} {
				ev, _ := er.Value(field)
				rv, _ := view.Value(field)
				if ev != rv && !(field == "ModificationTimestamp" && ev.(time.Time).Equal(rv.(time.Time))) {
					t.Fatalf("%s: entry gives %v, record gives %v", field, ev, rv)
				}
			}
		}
	}
	for field := range s.fields.schema {
		if !seen[field] {
			t.Errorf("no contact of the default data has %s: its type is unchecked", field)
		}
	}
}
