package sparkql_test

import (
	"errors"
	"fmt"
	"time"

	"github.com/sparkmock/sparkmock/sparkql"
)

func Example() {
	schema := sparkql.Schema{"DisplayName": sparkql.String, "Tags": sparkql.StringList, "ModificationTimestamp": sparkql.DateTime}
	opts := sparkql.Options{Now: time.Date(2024, 1, 31, 18, 0, 0, 0, time.UTC), Location: time.UTC}
	_, err := sparkql.Parse("modificationTimestamp gt days(-7) and Tags Eq 'vip'", schema, opts)
	var e *sparkql.Error
	if errors.As(err, &e) {
		fmt.Println(e.Code, e.Problems[0].Token, e.Problems[0].Message)
	}
	q, _ := sparkql.Parse("ModificationTimestamp gt days(-7) and Tags Eq 'vip'", schema, opts)
	fmt.Println(q)
	fmt.Println(q.Match(sparkql.MapRecord{"Tags": []string{"vip"}, "ModificationTimestamp": opts.Now}))
	bounds, _ := q.TimeBounds("ModificationTimestamp")
	fmt.Println(bounds.Lo, bounds.LoIncl)
	// Output:
	// 1040 modificationTimestamp unknown field 'modificationTimestamp' (field names start with an upper-case letter; did you mean 'ModificationTimestamp'?)
	// ModificationTimestamp Gt days(-7) And Tags Eq 'vip'
	// true
	// 2024-01-25 00:00:00 +0000 UTC true
}
