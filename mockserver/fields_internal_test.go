package mockserver

import (
	"reflect"
	"strings"
	"testing"
	"time"

	sparkmock "github.com/sparkmock/sparkmock"
	"github.com/sparkmock/sparkmock/fixtures"
)

func specFields(t *testing.T) []sparkmock.Field {
	t.Helper()
	doc, err := sparkmock.LoadSpec(t.Context(), nil)
	if err != nil {
		t.Fatal(err)
	}
	fields, err := sparkmock.ContactFields(doc)
	if err != nil {
		t.Fatal(err)
	}
	return fields
}

// The field table agrees with openapi.yaml, and the check that says so can fail.
func TestFieldTableAgreesWithTheSpec(t *testing.T) {
	fields := specFields(t)
	if _, err := newFieldSet(fields, nil); err != nil {
		t.Fatalf("the table and openapi.yaml disagree: %v", err)
	}
	for _, broken := range []struct {
		name string
		edit func(f *sparkmock.Field)
		want string
	}{
		{"Birthday", func(f *sparkmock.Field) { f.Kind = sparkmock.KindString }, "Birthday as date, but openapi.yaml declares string"},
		{"Tags", func(f *sparkmock.Field) { f.Name = "Labels" }, "writes Tags, which openapi.yaml does not declare"},
	} {
		changed := append([]sparkmock.Field(nil), fields...)
		for i := range changed {
			if changed[i].Name == broken.name {
				broken.edit(&changed[i])
			}
		}
		_, err := newFieldSet(changed, nil)
		if err == nil || !strings.Contains(err.Error(), broken.want) {
			t.Errorf("a spec with %s changed: got %v, want an error containing %q", broken.name, err, broken.want)
		}
	}
}

// Every string member of fixtures.Contact the generator fills is reached through exactly one
// entry of the table, so a member added to Contact without a row cannot go unwritten.
func TestFieldTableReachesEveryContactString(t *testing.T) {
	notFields := map[string]bool{"OwnerID": true, "Awkward": true} // the account's, and a test trait
	ct := reflect.TypeFor[fixtures.Contact]()
	for i := range ct.NumField() {
		m := ct.Field(i)
		if m.Type.Kind() != reflect.String || notFields[m.Name] {
			continue
		}
		var c fixtures.Contact
		reflect.ValueOf(&c).Elem().Field(i).SetString("x")
		var reached []string
		for _, cf := range contactFields {
			if cf.str != nil && *cf.str(&c) == "x" {
				reached = append(reached, cf.name)
			}
		}
		if len(reached) != 1 {
			t.Errorf("Contact.%s is reached by %v table rows, want exactly one", m.Name, reached)
		}
	}
}

// BenchmarkNewRecord encodes one generated contact with every field present.
func BenchmarkNewRecord(b *testing.B) {
	c := fixtures.Contact{
		ID: "20250101000000000000000001", DisplayName: "Jane O'Brien", GivenName: "Jane", FamilyName: "O'Brien",
		PrimaryEmail: "jane@example.com", SecondaryEmail: "j@example.org", PrimaryPhoneNumber: "555-0100",
		MobilePhoneNumber: "555-0101", Company: "Homes", HomeStreetAddress: "1 Main St", HomeLocality: "Fargo",
		HomeRegion: "ND", HomePostalCode: "58102", Birthday: "1980-02-29", Tags: []string{"Investor"},
		VowEnabled: true, HasVowEnabled: true,
	}
	b.ReportAllocs()
	for b.Loop() {
		newRecord(c, time.UTC)
	}
}
