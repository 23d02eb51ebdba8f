package sparkmock_test

import (
	"strings"
	"testing"

	sparkmock "github.com/sparkmock/sparkmock"
)

func TestMaskQuery(t *testing.T) {
	tests := []struct {
		name, raw, want string
		secrets         []string
	}{
		{name: "plain", raw: "AuthToken=abcdef123456&ApiSig=0123456789abcdef&_limit=5", want: "AuthToken=abcd...56&ApiSig=0123...ef&_limit=5", secrets: []string{"abcdef123456", "0123456789abcdef"}},
		{name: "percent-encoded name", raw: "_limit=5&Auth%54oken=abcdef123456", want: "_limit=5&Auth%54oken=abcd...56", secrets: []string{"abcdef123456"}},
		{name: "other case, ApiKey", raw: "apikey=my-api-key-000", want: "apikey=my-a...00", secrets: []string{"my-api-key-000"}},
		{name: "encoded value", raw: "AuthToken=abc%2Ddef%2D123", want: "AuthToken=ab...3", secrets: []string{"abc-def-123"}},
		{name: "nothing secret", raw: "_limit=5&_page=2", want: "_limit=5&_page=2"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, secrets := sparkmock.MaskQuery(tt.raw)
			if got != tt.want || strings.Join(secrets, ",") != strings.Join(tt.secrets, ",") {
				t.Errorf("MaskQuery(%q) = %q, %q; want %q, %q", tt.raw, got, secrets, tt.want, tt.secrets)
			}
		})
	}
}

func TestMaskPath(t *testing.T) {
	for raw, want := range map[string]string{
		"/v1/session/abcdef123456":         "/v1/session/abcd...56",
		"/spark/v1/session/abcdef123456/x": "/spark/v1/session/abcd...56/x",
		"/v1/session":                      "/v1/session",
		"/v1/contacts/export":              "/v1/contacts/export",
	} {
		if got, _ := sparkmock.MaskPath(raw); got != want {
			t.Errorf("MaskPath(%q) = %q, want %q", raw, got, want)
		}
	}
}

// TestMaskInFindsEchoes: a secret echoed JSON-escaped, percent-encoded or in another case is
// masked like the secret itself.
func TestMaskInFindsEchoes(t *testing.T) {
	const tok = "private-company-smith"
	for _, text := range []string{
		`token private-company-smith`,
		`{"Message":"private\u002dcompany\u002dsmith is unknown"}`,
		`{"Message":"PRIVATE-COMPANY-SMITH"}`,
		`GET /?t=private%2Dcompany%2dsmith`,
		`Private\u002DCompany-Smith`,
	} {
		got := sparkmock.MaskIn(text, []string{tok})
		if strings.Contains(strings.ToLower(got), "company") || !strings.Contains(got, sparkmock.MaskSecret(tok)) {
			t.Errorf("MaskIn(%q) = %q: the token shows", text, got)
		}
	}
	if got := sparkmock.MaskIn("short abc", []string{"abc"}); got != "short abc" {
		t.Errorf("a short secret was masked: %q", got)
	}
}
