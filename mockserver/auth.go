package mockserver

import (
	"net/http"
	"strings"

	"github.com/labstack/echo/v4"
	sparkmock "github.com/sparkmock/sparkmock"
	"github.com/sparkmock/sparkmock/fixtures"
)

const userAgentHeader = "X-SparkApi-User-Agent"

// userAgentKey is userAgentHeader as http.Header keys it: read without canonicalizing (and
// allocating) the name on every request.
var userAgentKey = http.CanonicalHeaderKey(userAgentHeader)

// requireUserAgent answers 400/1016 when X-SparkApi-User-Agent is missing. It runs before
// authentication ([choice]: the header is checked on every request, whoever sends it).
func requireUserAgent() echo.MiddlewareFunc {
	return func(next echo.HandlerFunc) echo.HandlerFunc {
		return func(c echo.Context) error {
			ua := ""
			if vs := c.Request().Header[userAgentKey]; len(vs) > 0 {
				ua = vs[0] // what Header.Get gives
			}
			if strings.TrimSpace(ua) == "" {
				return sparkmock.Errorf(sparkmock.CodeUserAgent,
					"X-SparkApi-User-Agent header is required: name your application, e.g. X-SparkApi-User-Agent: MyCompany-App/1.0")
			}
			return next(c)
		}
	}
}

// bearerToken reads "Authorization: OAuth <token>" or "Authorization: Bearer <token>"
// (scheme case-insensitive).
func bearerToken(h string) (string, bool) {
	scheme, token, ok := strings.Cut(strings.TrimSpace(h), " ")
	if !ok {
		return "", false
	}
	if !strings.EqualFold(scheme, "OAuth") && !strings.EqualFold(scheme, "Bearer") {
		return "", false
	}
	token = strings.TrimSpace(token)
	return token, token != ""
}

// authenticate finds the token of a request: 401 with 1000 (none or unknown), 1020
// (expired) or 1010 (disabled key). A request without Authorization may instead carry the
// AuthToken of a legacy session and its ApiSig.
func authenticate(tokens func() *fixtures.Tree, sess *sessions) echo.MiddlewareFunc {
	return func(next echo.HandlerFunc) echo.HandlerFunc {
		return func(c echo.Context) error {
			h := c.Request().Header.Get(echo.HeaderAuthorization)
			if h == "" {
				if authToken := c.QueryParam("AuthToken"); authToken != "" {
					_, key, err := sess.authenticate(c.Request(), authToken, tokens())
					if err != nil {
						return err
					}
					// The key as the fixtures have it now: a reload that disables it ends its sessions.
					if key.Status == fixtures.Disabled {
						return sparkmock.Errorf(sparkmock.CodeKeyDisabled, "API key disabled")
					}
					stateOf(c).setToken(fixtures.Token{Token: authToken, Role: key.Role, AccountID: key.AccountID, Status: fixtures.Active}, key.Key)
					return next(c)
				}
				return sparkmock.Errorf(sparkmock.CodeInvalidAuth, "No credentials: send Authorization: OAuth <access token> (or Bearer <access token>)")
			}
			token, ok := bearerToken(h)
			if !ok {
				return sparkmock.Errorf(sparkmock.CodeInvalidAuth, "Unsupported Authorization header: use OAuth <access token> or Bearer <access token>")
			}
			tok, ok := tokens().LookupToken(token)
			if !ok {
				return sparkmock.Errorf(sparkmock.CodeInvalidAuth, "Invalid access token")
			}
			switch tok.Status {
			case fixtures.Expired:
				return sparkmock.Errorf(sparkmock.CodeExpired, "Access token expired: get a new one")
			case fixtures.Disabled:
				return sparkmock.Errorf(sparkmock.CodeKeyDisabled, "API key disabled")
			}
			stateOf(c).setToken(tok, "")
			return next(c)
		}
	}
}

// requireRole lets only the given role through: the export reads are Private only; the other
// roles get 403 with 1500 ([choice] of code; 403 is documented).
func requireRole(role fixtures.Role) echo.MiddlewareFunc {
	return func(next echo.HandlerFunc) echo.HandlerFunc {
		return func(c echo.Context) error {
			tok := stateOf(c).token
			if tok.Role != role {
				err := sparkmock.Errorf(sparkmock.CodeRole, "The %s role may not read %s: only the %s role may", tok.Role, c.Request().URL.Path, role)
				if stateOf(c).variants.has(vForbiddenCode) {
					err.Code = http.StatusForbidden
				}
				return err
			}
			return next(c)
		}
	}
}

// methodNotAllowed answers the methods a path does not implement: 405 with Allow, before
// any authentication ([choice]: the method is never implemented, whoever asks).
func methodNotAllowed(allow string) echo.HandlerFunc {
	return func(c echo.Context) error {
		r := c.Request()
		err := sparkmock.Errorf(sparkmock.CodeMethodNotAllowed, "Method Not Allowed: %s %s (only %s)", r.Method, r.URL.Path, allow)
		if stateOf(c).variants.has(vMethodCode) {
			err.Code = 1405
			return err.WithHeader("Allow", allow+", HEAD")
		}
		// [choice] Allow names the one implemented method; GET, HEAD is as legal (method-code).
		return err.WithHeader("Allow", allow)
	}
}
