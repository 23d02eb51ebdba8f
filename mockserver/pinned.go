package mockserver

import (
	"encoding/json"
	"fmt"
	"slices"
	"sort"
	"strings"
	"time"

	sparkmock "github.com/sparkmock/sparkmock"
	"github.com/sparkmock/sparkmock/fixtures"
)

// pinnedRecords checks the contacts a fixtures file spells out against the contact schema of
// openapi.yaml and encodes them. They are served beside the generated contacts of their
// account, from their ModificationTimestamp on (the tree's epoch when they have none), and
// never change.
func pinnedRecords(tree *fixtures.Tree, v *validator, loc *time.Location) (map[string][]*record, error) {
	out := map[string][]*record{}
	var problems []string
	fail := func(p fixtures.PinnedContact, format string, args ...any) {
		problems = append(problems, fmt.Sprintf("%s:%d: %s: %s", tree.Source, p.Line, p.Entry(), fmt.Sprintf(format, args...)))
	}
	for _, p := range tree.Pinned {
		if _, ok := p.Fields[nameOwnerID]; ok {
			fail(p, "%s comes from account; leave it out", nameOwnerID)
			continue
		}
		fields := make(map[string]any, len(p.Fields)+1)
		for k, val := range p.Fields {
			fields[k] = val
		}
		id, _ := fields[nameID].(string)
		uri := sparkmock.PathContact + id
		if given, ok := fields[nameResourceURI]; ok && given != uri {
			fail(p, "%s %v must be %s (or left out)", nameResourceURI, given, uri)
			continue
		}
		fields[nameResourceURI] = uri
		if err := v.item[formOwn].VisitJSON(fields); err != nil {
			fail(p, "does not match the Contact schema of openapi.yaml: %s", firstLine(err.Error()))
			continue
		}
		c, extra, err := pinnedContact(fields, tree.Epoch)
		if err != nil {
			fail(p, "%v", err)
			continue
		}
		c.OwnerID = p.AccountID
		c.Index = -1 - len(out[p.AccountID])
		r := newRecord(c, loc)
		if len(extra) > 0 {
			r.appendExtra(extra)
		}
		out[p.AccountID] = append(out[p.AccountID], r)
	}
	if len(problems) > 0 {
		return nil, fmt.Errorf("pinned contacts:\n%s", strings.Join(problems, "\n"))
	}
	return out, nil
}

// pinnedContact maps the fields the generator knows into a Contact and returns the others.
func pinnedContact(fields map[string]any, epoch time.Time) (fixtures.Contact, map[string]any, error) {
	c := fixtures.Contact{ID: fields[nameID].(string), Modified: epoch}
	extra := map[string]any{}
	for name, val := range fields {
		f, known := fieldIndex[name]
		cf := contactFields[f]
		switch {
		case !known || f == fOwnerID:
			extra[name] = val
		case f == fID || f == fResourceURI:
		case cf.kind == sparkmock.KindDateTime:
			t, err := time.Parse(time.RFC3339Nano, val.(string))
			if err != nil {
				return c, nil, fmt.Errorf("%s %q: %v", name, val, err)
			}
			// Whole seconds, like every timestamp the export writes.
			c.Modified = t.Truncate(time.Second).UTC()
		case cf.kind == sparkmock.KindStringList:
			c.Tags = []string{}
			for _, t := range val.([]any) {
				c.Tags = append(c.Tags, t.(string))
			}
		case cf.kind == sparkmock.KindBoolean:
			c.VowEnabled, c.HasVowEnabled = val.(bool), true
		default:
			s, isString := val.(string)
			if !isString || s == "" || cf.str == nil {
				// The generator's records treat "" as absent; keep an explicit empty value as is.
				extra[name] = val
				continue
			}
			*cf.str(&c) = s
		}
	}
	c.Created = c.Modified
	return c, extra, nil
}

// appendExtra writes members the generator does not know after the others, in name order.
func (r *record) appendExtra(extra map[string]any) {
	names := make([]string, 0, len(extra))
	for k := range extra {
		names = append(names, k)
	}
	sort.Strings(names)
	b := slices.Clone(r.json[:len(r.json)-1])
	for _, k := range names {
		v, _ := json.Marshal(extra[k])
		b = append(b, ',')
		b = sparkmock.AppendJSONString(b, k)
		b = append(b, ':')
		b = append(b, v...)
	}
	r.json = append(b, '}')
}
