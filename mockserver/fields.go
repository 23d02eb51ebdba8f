package mockserver

import (
	"fmt"

	sparkmock "github.com/sparkmock/sparkmock"
	"github.com/sparkmock/sparkmock/fixtures"
	"github.com/sparkmock/sparkmock/sparkql"
)

// The fields the generator fills, in the order a contact is written. The seed's sample starts
// with ResourceUri and Id; the rest follows the contact description.
const (
	fResourceURI = iota
	fID
	fOwnerID
	fDisplayName
	fGivenName
	fMiddleName
	fFamilyName
	fPrimaryEmail
	fSecondaryEmail
	fPrimaryPhoneNumber
	fMobilePhoneNumber
	fCompany
	fHomeStreetAddress
	fHomeLocality
	fHomeRegion
	fHomePostalCode
	fBirthday
	fTags
	fVowEnabled
	fModificationTimestamp
	numFields
)

// contactField is one field the generator fills: its name, the kind it holds (openapi.yaml
// must declare the same, newFieldSet checks it), and, for a string or a date, where a Contact
// keeps it. Encoding, ordering, filtering and pinned contacts all read this one table.
type contactField struct {
	name string
	kind sparkmock.FieldKind
	str  func(*fixtures.Contact) *string // nil for ResourceUri (made of Id) and OwnerId (the account's)
}

// contactFields is indexed by the f* constants; a kind with one field (Tags, VowEnabled,
// ModificationTimestamp) is read from its Contact member where the kind is handled.
var contactFields = [numFields]contactField{
	fResourceURI:           {"ResourceUri", sparkmock.KindString, nil},
	fID:                    {"Id", sparkmock.KindString, func(c *fixtures.Contact) *string { return &c.ID }},
	fOwnerID:               {"OwnerId", sparkmock.KindString, nil},
	fDisplayName:           {"DisplayName", sparkmock.KindString, func(c *fixtures.Contact) *string { return &c.DisplayName }},
	fGivenName:             {"GivenName", sparkmock.KindString, func(c *fixtures.Contact) *string { return &c.GivenName }},
	fMiddleName:            {"MiddleName", sparkmock.KindString, func(c *fixtures.Contact) *string { return &c.MiddleName }},
	fFamilyName:            {"FamilyName", sparkmock.KindString, func(c *fixtures.Contact) *string { return &c.FamilyName }},
	fPrimaryEmail:          {"PrimaryEmail", sparkmock.KindString, func(c *fixtures.Contact) *string { return &c.PrimaryEmail }},
	fSecondaryEmail:        {"SecondaryEmail", sparkmock.KindString, func(c *fixtures.Contact) *string { return &c.SecondaryEmail }},
	fPrimaryPhoneNumber:    {"PrimaryPhoneNumber", sparkmock.KindString, func(c *fixtures.Contact) *string { return &c.PrimaryPhoneNumber }},
	fMobilePhoneNumber:     {"MobilePhoneNumber", sparkmock.KindString, func(c *fixtures.Contact) *string { return &c.MobilePhoneNumber }},
	fCompany:               {"Company", sparkmock.KindString, func(c *fixtures.Contact) *string { return &c.Company }},
	fHomeStreetAddress:     {"HomeStreetAddress", sparkmock.KindString, func(c *fixtures.Contact) *string { return &c.HomeStreetAddress }},
	fHomeLocality:          {"HomeLocality", sparkmock.KindString, func(c *fixtures.Contact) *string { return &c.HomeLocality }},
	fHomeRegion:            {"HomeRegion", sparkmock.KindString, func(c *fixtures.Contact) *string { return &c.HomeRegion }},
	fHomePostalCode:        {"HomePostalCode", sparkmock.KindString, func(c *fixtures.Contact) *string { return &c.HomePostalCode }},
	fBirthday:              {"Birthday", sparkmock.KindDate, func(c *fixtures.Contact) *string { return &c.Birthday }},
	fTags:                  {"Tags", sparkmock.KindStringList, nil},
	fVowEnabled:            {"VowEnabled", sparkmock.KindBoolean, nil},
	fModificationTimestamp: {"ModificationTimestamp", sparkmock.KindDateTime, nil},
}

// fieldIndex finds a generator field by name.
var fieldIndex = func() map[string]int {
	m := make(map[string]int, numFields)
	for i, cf := range contactFields {
		m[cf.name] = i
	}
	return m
}()

// The names of the fields snapshot entries carry, as contactFields spells them.
var (
	nameID          = contactFields[fID].name
	nameOwnerID     = contactFields[fOwnerID].name
	nameResourceURI = contactFields[fResourceURI].name
	nameModified    = contactFields[fModificationTimestamp].name
)

// entryField says whether snapshot entries carry a field (ModificationTimestamp, Id, OwnerId),
// so that filtering or ordering on it reads no record.
func entryField(f int) bool {
	return f == fModificationTimestamp || f == fID || f == fOwnerID
}

// boolField says whether a field holds a boolean (VowEnabled), which sorts missing, false, true.
func boolField(f int) bool { return f >= 0 && contactFields[f].kind == sparkmock.KindBoolean }

// keyOn is the ascending sort key on a generator field.
func keyOn(f int) sortKey { return sortKey{field: f, name: contactFields[f].name} }

// fieldSet is what openapi.yaml says about contact fields, checked against what the
// generator writes, so the two cannot drift apart.
type fieldSet struct {
	kinds   map[string]sparkmock.FieldKind // every field of the spec
	ordinal map[string]int                 // the generator's fields
	schema  sparkql.Schema                 // the same fields, typed for _filter
}

func newFieldSet(specFields []sparkmock.Field, schema sparkql.Schema) (*fieldSet, error) {
	fs := &fieldSet{kinds: map[string]sparkmock.FieldKind{}, ordinal: map[string]int{}, schema: schema}
	for _, f := range specFields {
		fs.kinds[f.Name] = f.Kind
	}
	for i, cf := range contactFields {
		kind, ok := fs.kinds[cf.name]
		if !ok {
			return nil, fmt.Errorf("the generator writes %s, which openapi.yaml does not declare on Contact", cf.name)
		}
		if kind != cf.kind {
			return nil, fmt.Errorf("the generator writes %s as %s, but openapi.yaml declares %s", cf.name, cf.kind, kind)
		}
		fs.ordinal[cf.name] = i
	}
	return fs, nil
}

// kind returns the spec's kind of a field.
func (fs *fieldSet) kind(name string) (sparkmock.FieldKind, bool) {
	k, ok := fs.kinds[name]
	return k, ok
}
