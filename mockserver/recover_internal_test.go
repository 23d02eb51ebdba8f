package mockserver

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/labstack/echo/v4"
)

func TestPanicBecomesA500Envelope(t *testing.T) {
	for _, validate := range []bool{true, false} {
		cfg := DefaultConfig()
		cfg.ValidateResponses = validate
		s, err := New(cfg)
		if err != nil {
			t.Fatal(err)
		}
		s.echo.GET("/v1/boom", func(c echo.Context) error { panic("boom") })
		rec := httptest.NewRecorder()
		s.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "/v1/boom", nil))
		var env struct {
			D struct {
				Success bool
				Code    int
				Message string
			}
		}
		if err := json.Unmarshal(rec.Body.Bytes(), &env); err != nil {
			t.Fatalf("validate=%v: body %q is not JSON", validate, rec.Body.Bytes())
		}
		if rec.Code != 500 || env.D.Success || env.D.Code != 500 || strings.Contains(rec.Body.String(), "goroutine") {
			t.Errorf("validate=%v: got %d %s, want a 500 envelope without a stack", validate, rec.Code, rec.Body.Bytes())
		}
	}
}
