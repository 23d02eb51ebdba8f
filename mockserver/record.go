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
		b = append(b, fieldNames[f]...)
		b = append(b, '"', ':')
		b = value(b)
		r.members[f] = span{int32(start), int32(len(b))}
	}
	str := func(f int, s string) {
		if s != "" {
			member(f, func(b []byte) []byte { return sparkmock.AppendJSONString(b, s) })
		}
	}
	member(fResourceURI, func(b []byte) []byte {
		b = append(b, '"')
		b = append(b, sparkmock.PathContact...)
		b = append(b, c.ID...)
		return append(b, '"')
	})
	str(fID, c.ID)
	r.idEnd = len(b)
	str(fDisplayName, c.DisplayName)
	str(fGivenName, c.GivenName)
	str(fMiddleName, c.MiddleName)
	str(fFamilyName, c.FamilyName)
	str(fPrimaryEmail, c.PrimaryEmail)
	str(fSecondaryEmail, c.SecondaryEmail)
	str(fPrimaryPhoneNumber, c.PrimaryPhoneNumber)
	str(fMobilePhoneNumber, c.MobilePhoneNumber)
	str(fCompany, c.Company)
	str(fHomeStreetAddress, c.HomeStreetAddress)
	str(fHomeLocality, c.HomeLocality)
	str(fHomeRegion, c.HomeRegion)
	str(fHomePostalCode, c.HomePostalCode)
	str(fBirthday, c.Birthday)
	if c.Tags != nil {
		member(fTags, func(b []byte) []byte {
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
	if c.HasVowEnabled {
		member(fVowEnabled, func(b []byte) []byte { return strconv.AppendBool(b, c.VowEnabled) })
	}
	// [choice] ModificationTimestamp is written at the service zone's offset at that instant
	// (any offset names the same instant; the timestamps-utc variant writes Z).
	member(fModificationTimestamp, func(b []byte) []byte {
		b = append(b, '"')
		b = r.modified.AppendFormat(b, time.RFC3339)
		return append(b, '"')
	})
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
