package mockserver

import (
	"strconv"
	"sync/atomic"
	"time"

	sparkmock "github.com/sparkmock/sparkmock"
	"github.com/sparkmock/sparkmock/fixtures"
)

// record is one contact at one version, encoded once: the JSON object of /export, and where
// each member sits in it, so /export/all (which adds OwnerId) and _select are cut from the
// same bytes. Records never change; a new version is a new record.
type record struct {
	c        fixtures.Contact
	modified time.Time // ModificationTimestamp in the service zone
	json     []byte    // the /export form
	members  [numFields]span
	idEnd    int // OwnerId goes right after the Id member
	// valid caches the schema verdict of each form: 0 not checked yet, 1 valid, 2 invalid.
	valid [2]atomic.Uint32
}

type span struct{ start, end int32 }

func (s span) present() bool { return s.end > s.start }

// newRecord encodes a contact. loc is the service zone ModificationTimestamp is written in.
func newRecord(c fixtures.Contact, loc *time.Location) *record {
	r := &record{c: c, modified: c.Modified.In(loc)}
	b := make([]byte, 0, 512)
	b = append(b, '{')
	member := func(f int, value func([]byte) []byte) {
		if len(b) > 1 {
			b = append(b, ',')
		}
		start := len(b)
		b = append(b, '"')
		b = append(b, contactFields[f].name...)
		b = append(b, '"', ':')
		b = value(b)
		r.members[f] = span{int32(start), int32(len(b))}
	}
	for f, cf := range contactFields {
		switch {
		case f == fResourceURI:
			member(f, func(b []byte) []byte {
				b = append(b, '"')
				b = append(b, sparkmock.PathContact...)
				b = append(b, c.ID...)
				return append(b, '"')
			})
		case f == fOwnerID:
			// Not in the /export form: appendTo splices it in after Id for /export/all.
		case cf.str != nil:
			if s := *cf.str(&r.c); s != "" {
				member(f, func(b []byte) []byte { return sparkmock.AppendJSONString(b, s) })
			}
			if f == fID {
				r.idEnd = len(b)
			}
		case cf.kind == sparkmock.KindStringList:
			if c.Tags != nil {
				member(f, func(b []byte) []byte {
					b = append(b, '[')
					for i, t := range c.Tags {
						if i > 0 {
							b = append(b, ',')
						}
						b = sparkmock.AppendJSONString(b, t)
					}
					return append(b, ']')
				})
			}
		case cf.kind == sparkmock.KindBoolean:
			if c.HasVowEnabled {
				member(f, func(b []byte) []byte { return strconv.AppendBool(b, c.VowEnabled) })
			}
		case cf.kind == sparkmock.KindDateTime:
			// [choice] ModificationTimestamp is written at the service zone's offset at that
			// instant (any offset names the same instant; the timestamps-utc variant writes Z).
			member(f, func(b []byte) []byte {
				b = append(b, '"')
				b = r.modified.AppendFormat(b, time.RFC3339)
				return append(b, '"')
			})
		}
	}
	r.json = append(b, '}')
	return r
}

// form says which endpoint a contact is written for.
type form int

const (
	formOwn form = iota // /export: no OwnerId
	formAll             // /export/all: with OwnerId
)

// appendTo writes the contact in the given form; ownerMember is `,"OwnerId":"…"` for formAll.
// sel, when not nil, keeps only the selected members (Id and ResourceUri always).
func (r *record) appendTo(dst []byte, f form, ownerMember []byte, sel *selection) []byte {
	if sel == nil {
		if f == formOwn {
			return append(dst, r.json...)
		}
		dst = append(dst, r.json[:r.idEnd]...)
		dst = append(dst, ownerMember...)
		return append(dst, r.json[r.idEnd:]...)
	}
	dst = append(dst, '{')
	first := true
	for i := 0; i < numFields; i++ {
		if i == fOwnerID {
			switch {
			case f != formAll:
			case !sel.exact:
				// [choice] _select keeps OwnerId on /export/all, as it keeps Id and ResourceUri.
				dst = append(dst, ownerMember...) // begins with a comma; Id always precedes it
			case sel.has(fOwnerID) && first:
				dst = append(dst, ownerMember[1:]...)
				first = false
			case sel.has(fOwnerID):
				dst = append(dst, ownerMember...)
			}
			continue
		}
		m := r.members[i]
		if !m.present() || !sel.has(i) {
			continue
		}
		if !first {
			dst = append(dst, ',')
		}
		first = false
		dst = append(dst, r.json[m.start:m.end]...)
	}
	return append(dst, '}')
}

// ownerMember returns the OwnerId member as it is spliced after Id.
func ownerMember(ownerID string) []byte {
	b := append([]byte(`,"OwnerId":`), '"')
	b = append(b, ownerID...)
	return append(b, '"')
}
