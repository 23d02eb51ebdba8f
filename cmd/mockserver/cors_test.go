package main

import (
	"context"
	"errors"
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
	if res.StatusCode != http.StatusNoContent {
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
		{name: "default: any origin", want: map[string]string{"http://localhost:5173": "*", "https://anything.example": "*"}},
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
	err := run(context.Background(), []string{"mockserver", "-cors-origins", "localhost:3000"}, func(string) string { return "" }, nil, io.Discard, io.Discard)
	var ee *exitError
	if !errors.As(err, &ee) || ee.code != 2 || !strings.Contains(err.Error(), "localhost:3000") {
		t.Errorf("got %v, want an exit code 2 error naming the origin", err)
	}
}

func TestHelpNamesCORSOrigins(t *testing.T) {
	var out strings.Builder
	if err := run(context.Background(), []string{"mockserver", "-h"}, func(string) string { return "" }, nil, io.Discard, &out); err != nil {
		t.Fatalf("-h: %v", err)
	}
	for _, want := range []string{"-cors-origins", "SPARKMOCK_CORS_ORIGINS", "(default *)"} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("help lacks %s", want)
		}
	}
}
