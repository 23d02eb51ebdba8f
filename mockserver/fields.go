package mockserver

import (
	"fmt"

	sparkmock "github.com/sparkmock/sparkmock"
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

var fieldNames = [numFields]string{
	fResourceURI:           "ResourceUri",
	fID:                    "Id",
	fOwnerID:               "OwnerId",
	fDisplayName:           "DisplayName",
	fGivenName:             "GivenName",
	fMiddleName:            "MiddleName",
	fFamilyName:            "FamilyName",
	fPrimaryEmail:          "PrimaryEmail",
	fSecondaryEmail:        "SecondaryEmail",
	fPrimaryPhoneNumber:    "PrimaryPhoneNumber",
	fMobilePhoneNumber:     "MobilePhoneNumber",
	fCompany:               "Company",
	fHomeStreetAddress:     "HomeStreetAddress",
	fHomeLocality:          "HomeLocality",
	fHomeRegion:            "HomeRegion",
	fHomePostalCode:        "HomePostalCode",
	fBirthday:              "Birthday",
	fTags:                  "Tags",
	fVowEnabled:            "VowEnabled",
	fModificationTimestamp: "ModificationTimestamp",
}

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
	for i, name := range fieldNames {
		if _, ok := fs.kinds[name]; !ok {
			return nil, fmt.Errorf("the generator writes %s, which openapi.yaml does not declare on Contact", name)
		}
		fs.ordinal[name] = i
	}
	return fs, nil
}

// kind returns the spec's kind of a field.
func (fs *fieldSet) kind(name string) (sparkmock.FieldKind, bool) {
	k, ok := fs.kinds[name]
	return k, ok
}
