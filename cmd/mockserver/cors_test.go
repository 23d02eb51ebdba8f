package main

import (
	"context"
	"io"
	"net/http"
	"strings"
	"testing"
)

// preflightAllowOrigin sends a browser's preflight and returns Access-Control-Allow-Origin.
func preflightAllowOrigin(t *testing.T, url, origin string) string {
	t.Helper()
	req, _ := http.NewRequest(http.MethodOptions, url+"/v1/contacts/export", nil)
	req.Header.Set("Origin", origin)
	req.Header.Set("Access-Control-Request-Method", "GET")
	req.Header.Set("Access-Control-Request-Headers", "authorization,x-sparkapi-user-agent")
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	if res.StatusCode != http.StatusNoContent && res.StatusCode != http.StatusMethodNotAllowed { // 405: CORS off
		t.Fatalf("preflight from %s: got %d, want 204", origin, res.StatusCode)
	}
	return res.Header.Get("Access-Control-Allow-Origin")
}

func TestCORSOriginsFlag(t *testing.T) {
	tests := []struct {
		name string
		args []string
		env  map[string]string
		want map[string]string // origin → Access-Control-Allow-Origin
	}{
		{name: "default: local origins", want: map[string]string{"http://localhost:5173": "http://localhost:5173", "http://127.0.0.1:3000": "http://127.0.0.1:3000",
			"http://[::1]:8000": "http://[::1]:8000", "https://anything.example": "", "http://localhost.evil.example": ""}},
		{name: "any origin", args: []string{"-cors-origins", "*"}, want: map[string]string{"https://anything.example": "*"}},
		{name: "empty environment twin turns CORS off", env: map[string]string{"SPARKMOCK_CORS_ORIGINS": envEmpty}, want: map[string]string{"http://localhost:5173": ""}},
		{name: "empty flag turns CORS off", args: []string{"-cors-origins", ""}, want: map[string]string{"http://localhost:5173": ""}},
		{name: "flag", args: []string{"-cors-origins", "http://app.example:3000, https://qa.example"},
			want: map[string]string{"http://app.example:3000": "http://app.example:3000", "https://qa.example": "https://qa.example", "http://evil.example": ""}},
		{name: "environment twin", env: map[string]string{"SPARKMOCK_CORS_ORIGINS": "http://localhost:*"},
			want: map[string]string{"http://localhost:8081": "http://localhost:8081", "http://evil.example": ""}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			url, stop := start(t, append([]string{"-log-level", "error"}, tt.args...), tt.env)
			defer stop()
			for origin, want := range tt.want {
				if got := preflightAllowOrigin(t, url, origin); got != want {
					t.Errorf("origin %s: got Access-Control-Allow-Origin %q, want %q", origin, got, want)
				}
			}
		})
	}
}

func TestCORSOriginsFlagRejectsBadOrigin(t *testing.T) {
	if err := runUsage(t, []string{"-cors-origins", "localhost:3000"}, nil); !strings.Contains(err.Error(), "localhost:3000") {
		t.Errorf("got %v, want an exit code 2 error naming the origin", err)
	}
}

func TestHelpNamesCORSOrigins(t *testing.T) {
	var out strings.Builder
	if err := run(context.Background(), []string{"mockserver", "-h"}, func(string) string { return "" }, nil, io.Discard, &out); err != nil {
		t.Fatalf("-h: %v", err)
	}
	for _, want := range []string{"-cors-origins", "SPARKMOCK_CORS_ORIGINS", "(default http://localhost:*,"} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("help lacks %s", want)
		}
	}
}

// TestMockSurfaceSharedOnlyWhenAsked: /_mock/accounts lists every token, so a page of another
// origin may read it only with -cors-mock; the API is shared with local origins by default.
func TestMockSurfaceSharedOnlyWhenAsked(t *testing.T) {
	allowOrigin := func(url string) string {
		req, _ := http.NewRequest(http.MethodGet, url, nil)
		req.Header.Set("Origin", "http://localhost:5173")
		res, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		res.Body.Close()
		return res.Header.Get("Access-Control-Allow-Origin")
	}
	url, stop := start(t, []string{"-log-level", "error"}, nil)
	if got := allowOrigin(url + "/_mock/accounts"); got != "" {
		t.Errorf("/_mock/accounts by default: Access-Control-Allow-Origin %q, want none", got)
	}
	if got := allowOrigin(url + "/v1/contacts/export"); got != "http://localhost:5173" {
		t.Errorf("the API by default: Access-Control-Allow-Origin %q, want the local origin", got)
	}
	stop()
	url, stop = start(t, []string{"-log-level", "error", "-cors-mock"}, nil)
	defer stop()
	if got := allowOrigin(url + "/_mock/accounts"); got != "http://localhost:5173" {
		t.Errorf("/_mock/accounts with -cors-mock: Access-Control-Allow-Origin %q, want the local origin", got)
	}
}

// TestLookupEnvTellsEmptyFromUnset: main's getenv says when a variable is set to nothing.
func TestLookupEnvTellsEmptyFromUnset(t *testing.T) {
	t.Setenv("SPARKMOCK_TEST_EMPTY", "")
	if got := lookupEnv("SPARKMOCK_TEST_EMPTY"); got != envEmpty {
		t.Errorf("set to nothing: got %q, want envEmpty", got)
	}
	if got := lookupEnv("SPARKMOCK_TEST_NOT_SET_AT_ALL"); got != "" {
		t.Errorf("not set: got %q, want empty", got)
	}
}
