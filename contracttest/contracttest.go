package contracttest

import (
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/url"
	"regexp"
	"sort"
	"strings"
	"testing"
	"time"
	_ "time/tzdata" // the service zone must load in a scratch container too

	"github.com/getkin/kin-openapi/openapi3"
	sparkmock "github.com/sparkmock/sparkmock"
)

// Role names a token given to the suite: an API key role, or a token state.
type Role string

// The roles a Target may hold a token for.
const (
	RolePrivate  Role = "private"  // the role that may read the export
	RoleIDX      Role = "idx"      // must get 403
	RolePublic   Role = "public"   // must get 403
	RoleVOW      Role = "vow"      // must get 403
	RolePortal   Role = "portal"   // must get 403
	RoleExpired  Role = "expired"  // an expired token: 401, code 1020
	RoleDisabled Role = "disabled" // a token of a disabled key: 401, code 1010
)

// Tokens of other accounts, which tell the suite about the account tree one token cannot:
// optional, each enables the check named for it.
const (
	// RoleControlled is a Private token of an account the Private one controls: its
	// contacts must be in the Private token's /export/all (own-all.controlled).
	RoleControlled Role = "controlled"
	// RoleOutsider is a Private token of an account the Private one does not control: its
	// contacts must not be in the Private token's /export/all (own-all.outsider).
	RoleOutsider Role = "outsider"
)

// Roles lists every Role of the roles × endpoints matrix, in the order reports show them.
var Roles = []Role{RolePrivate, RoleIDX, RolePublic, RoleVOW, RolePortal, RoleExpired, RoleDisabled}

// TreeRoles are the roles of tokens of other accounts (not in the matrix).
var TreeRoles = []Role{RoleControlled, RoleOutsider}

// ParseRole reads a role name, case-insensitively.
func ParseRole(s string) (Role, error) {
	r := Role(strings.ToLower(strings.TrimSpace(s)))
	known := append(append([]Role(nil), Roles...), TreeRoles...)
	for _, k := range known {
		if r == k {
			return r, nil
		}
	}
	names := make([]string, len(known))
	for i, k := range known {
		names[i] = string(k)
	}
	return "", fmt.Errorf("unknown role %q (expected one of %s)", s, strings.Join(names, ", "))
}

// DefaultUserAgent is the X-SparkApi-User-Agent the suite sends unless told otherwise.
const DefaultUserAgent = "sparkmock-contracttest/1.0"

// Target is the implementation under test.
type Target struct {
	// BaseURL is where the service runs, without the /v1 prefix: https://sparkapi.com.
	BaseURL string
	// Tokens holds one token per role; a role without a token is reported as not covered
	// and its checks are skipped. Almost every check needs RolePrivate.
	Tokens map[Role]string
	// UserAgent is sent as X-SparkApi-User-Agent; empty means DefaultUserAgent.
	UserAgent string
	// Header holds extra headers sent on every request (X-Mock-Now, a gateway's key…). It
	// may not set Authorization or X-SparkApi-User-Agent: the suite varies those itself.
	Header http.Header
	// Client sends the requests; nil means a client built from Config (Insecure). Each
	// request gets Config.Timeout whatever the client.
	Client *http.Client
}

// Config tunes a run of the suite.
type Config struct {
	// Strict also runs the [choice] checks: rules the documentation leaves open and the
	// mock decides. Leave it off against the real Spark API.
	Strict bool
	// ReadOnly skips the checks that send POST, PUT, DELETE or PATCH.
	ReadOnly bool
	// Run, when not nil, runs only the checks whose id it matches.
	Run *regexp.Regexp
	// Rate caps the requests per second; 0 means DefaultRate, or no cap when the target is
	// on a loopback address.
	Rate float64
	// Timeout bounds each request; 0 means DefaultTimeout.
	Timeout time.Duration
	// Insecure accepts any TLS certificate (a self-signed test service). It applies only
	// when Target.Client is nil.
	Insecure bool
	// Spec is the contract; nil means the embedded openapi.yaml.
	Spec *openapi3.T
	// Location is the service's time zone, in which ExportTimestamp and zone-less filter
	// times are; nil means America/Chicago, the real service's zone.
	Location *time.Location
	// Now is the report's clock (start time, durations); nil means time.Now. It does not
	// pace requests.
	Now func() time.Time
}

// Defaults of Config.
const (
	DefaultRate    = 5.0 // requests per second, for any target that is not loopback
	DefaultTimeout = 30 * time.Second
)

// Check runs the suite against target and returns the report. The error only means the
// suite could not run: a bad Target or Config, a spec without the export paths, or a target
// that does not answer at all. Every contract break is a failed Result in the report.
func Check(ctx context.Context, target Target, cfg Config) (*Report, error) {
	s, err := newRun(ctx, target, cfg)
	if err != nil {
		return nil, err
	}
	return s.execute()
}

// Run runs the suite inside go test: one subtest per check, named by its id. A failed check
// fails its subtest with the evidence; a skipped one is skipped with its reason. Run stops the
// test when the suite cannot run.
func Run(t *testing.T, target Target, cfg Config) {
	t.Helper()
	rep, err := Check(t.Context(), target, cfg)
	if err != nil {
		t.Fatalf("contracttest: %v", err)
	}
	for _, r := range rep.Results {
		t.Run(r.ID, func(t *testing.T) {
			switch r.Status {
			case StatusSkipped:
				t.Skip(r.Reason)
			case StatusErrored:
				t.Errorf("could not complete: %s", r.Reason)
			case StatusFailed:
				for _, e := range r.Evidence {
					t.Errorf("%s", e)
				}
				if r.Omitted > 0 {
					t.Errorf("… and %d more problems", r.Omitted)
				}
			}
		})
	}
}

// config is Target and Config checked and with defaults filled in.
type config struct {
	base      *url.URL
	tokens    map[Role]string
	userAgent string
	header    http.Header
	client    *http.Client
	strict    bool
	readOnly  bool
	run       *regexp.Regexp
	rate      float64 // 0: no cap
	timeout   time.Duration
	spec      *openapi3.T
	loc       *time.Location
	now       func() time.Time
	limits    limits // read from spec
}

// ConfigError is the error of a Target or Config the suite cannot run with.
type ConfigError struct{ Problems []string }

// Error lists the problems, one a line.
func (e *ConfigError) Error() string { return "contracttest: " + strings.Join(e.Problems, "\n") }

func checkConfig(ctx context.Context, target Target, cfg Config) (*config, error) {
	var problems []string
	bad := func(format string, args ...any) { problems = append(problems, fmt.Sprintf(format, args...)) }
	c := &config{strict: cfg.Strict, readOnly: cfg.ReadOnly, run: cfg.Run, now: cfg.Now, tokens: map[Role]string{}}

	base, err := url.Parse(strings.TrimSpace(target.BaseURL))
	switch {
	case target.BaseURL == "":
		bad("base URL is missing (e.g. https://sparkapi.com)")
	case err != nil:
		bad("base URL %q: %v", target.BaseURL, err)
	case base.Scheme != "http" && base.Scheme != "https":
		bad("base URL %q: the scheme must be http or https", target.BaseURL)
	case base.Host == "":
		bad("base URL %q has no host", target.BaseURL)
	case base.RawQuery != "" || base.Fragment != "":
		bad("base URL %q: no query or fragment, please", target.BaseURL)
	case base.User != nil:
		bad("base URL %q: no credentials in the URL; give tokens instead", maskURLUser(base))
	default:
		base.Path = strings.TrimSuffix(base.Path, "/")
		if strings.HasSuffix(base.Path, sparkmock.APIPrefix) {
			bad("base URL %q ends in /v1: give it without the version prefix (the suite adds /v1/contacts/export)", target.BaseURL)
		}
		c.base = base
	}
	for role, tok := range target.Tokens {
		r, err := ParseRole(string(role))
		if err != nil {
			bad("token: %v", err)
			continue
		}
		if strings.TrimSpace(tok) == "" || strings.ContainsAny(tok, " \t\r\n") {
			bad("token for %s is empty or has spaces", r)
			continue
		}
		c.tokens[r] = tok
	}
	c.userAgent = target.UserAgent
	if c.userAgent == "" {
		c.userAgent = DefaultUserAgent
	}
	c.header = http.Header{}
	names := make([]string, 0, len(target.Header))
	for name := range target.Header {
		names = append(names, name)
	}
	sort.Strings(names)
	for _, name := range names {
		canon := http.CanonicalHeaderKey(name)
		switch canon {
		case "Authorization", "X-Sparkapi-User-Agent":
			bad("header %s cannot be set: the suite varies it itself (give tokens and the user agent instead)", name)
			continue
		}
		for _, v := range target.Header[name] {
			c.header.Add(canon, v)
		}
	}

	switch {
	case cfg.Rate < 0:
		bad("rate %v: must be 0 (default) or more requests per second", cfg.Rate)
	case cfg.Rate > 0:
		c.rate = cfg.Rate
	case c.base != nil && !isLoopback(c.base.Hostname()):
		c.rate = DefaultRate
	}
	switch {
	case cfg.Timeout < 0:
		bad("timeout %v: must be positive", cfg.Timeout)
	case cfg.Timeout == 0:
		c.timeout = DefaultTimeout
	default:
		c.timeout = cfg.Timeout
	}
	loc, err := sparkmock.LocationOrDefault(cfg.Location)
	if err != nil {
		bad("%v", err)
	}
	c.loc = loc
	if c.now == nil {
		c.now = time.Now
	}
	if c.spec, err = sparkmock.SpecOrDefault(ctx, cfg.Spec); err != nil {
		bad("embedded spec: %v", err)
	}
	if c.spec != nil {
		l, err := limitsOf(c.spec)
		if err != nil {
			bad("%v", err)
		}
		c.limits = l
	}
	c.client = target.Client
	if c.client == nil {
		tr := http.DefaultTransport.(*http.Transport).Clone()
		if cfg.Insecure {
			tr.TLSClientConfig = &tls.Config{InsecureSkipVerify: true} //nolint:gosec // asked for, for self-signed test services
		}
		c.client = &http.Client{Transport: tr}
	}
	// The suite follows no redirect: a 3xx is an answer to judge, and following one could
	// carry the token to another host.
	cl := *c.client
	cl.CheckRedirect = func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }
	c.client = &cl
	if len(problems) > 0 {
		return nil, &ConfigError{Problems: problems}
	}
	return c, nil
}

// isLoopback says whether host is this machine: localhost or a loopback address.
func isLoopback(host string) bool {
	if strings.EqualFold(host, "localhost") || strings.HasSuffix(strings.ToLower(host), ".localhost") {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

func maskURLUser(u *url.URL) string {
	c := *u
	c.User = url.User("***")
	return c.String()
}

// errCouldNotRun marks the errors of Check that come from the target, not the config.
var errCouldNotRun = errors.New("the target could not be checked")
