package mockserver

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"math"
	"net/http"
	"os"
	"sync"
	"sync/atomic"
	"time"
	_ "time/tzdata" // the service zone must load in a scratch container too

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/labstack/echo/v4"
	sparkmock "github.com/sparkmock/sparkmock"
	"github.com/sparkmock/sparkmock/fixtures"
	"github.com/sparkmock/sparkmock/internal/openapicheck"
)

// DefaultSeed is the seed everyone gets unless they ask for another, so two users of the
// default data see the same contacts.
const DefaultSeed = 20120614

// Config is what a Server is built from.
type Config struct {
	// Tree is the account tree; nil means the embedded default.
	Tree *fixtures.Tree
	// Seed makes the contacts; the same seed and tree give the same contacts everywhere.
	Seed int64
	// SessionSecret signs the AuthTokens of legacy sessions (HMAC-SHA256), so every replica
	// given the same secret accepts the sessions of the others. Empty means a random secret:
	// sessions then work on this process only (New logs a warning). At least 16 bytes.
	SessionSecret []byte
	// RecordCacheBytes bounds the memory of the contact records kept between requests (about
	// 1.4 KB each); 0 means no bound. Past it the oldest are dropped and generated again.
	RecordCacheBytes int64
	// MaxContacts refuses fixtures (at New and on Reload) whose accounts hold more contacts
	// than this at the server's clock; 0 means no maximum.
	MaxContacts int
	// Clock is the server's clock; nil means the wall clock. A request may ask for another
	// time with X-Mock-Now.
	Clock func() time.Time
	// Location is the service's time zone (ExportTimestamp, zone-less filter times); nil
	// means America/Chicago.
	Location *time.Location
	// ValidateResponses holds every response until it has been validated against the spec.
	ValidateResponses bool
	// Logger gets one line per request; nil discards.
	Logger *slog.Logger
	// Spec is the contract; nil means the embedded openapi.yaml.
	Spec *openapi3.T
	// CORSOrigins are the origins whose pages may call the mock from a browser: "*" for any,
	// or scheme://host[:port] where "*" stands for any part (http://localhost:*). Empty
	// turns CORS off.
	CORSOrigins []string
	// CORSMock shares /_mock/* (the accounts and their tokens) with those origins too; off,
	// only the API and the contract are shared.
	CORSMock bool
	// ClockLabel tells people what Clock is (the page at / and /_mock/info show it), like
	// "frozen at 2026-01-31T13:45:00Z"; empty means "real" for a nil Clock, "custom" otherwise.
	ClockLabel string
	// Scenario is forced on every API request that does not ask for one with X-Mock-Scenario.
	Scenario Scenario
	// Latency is added to every API request (not to /healthz, /readyz, /metrics or the page).
	Latency LatencyRange
	// RateLimits, when not nil, enforces per-key limits on the export (see SparkRateLimits).
	RateLimits *RateLimits
	// RateLimitClock times the rate-limit windows; nil means Clock. The command gives it the
	// wall clock: with a frozen Clock a window would never end.
	RateLimitClock func() time.Time
	// Sleep waits for latencies; nil means a real timer. Tests pass one that does not sleep.
	Sleep func(ctx context.Context, d time.Duration) error
	// Variants switch [choice]s to other legal behaviours on every request that does not
	// send X-Mock-Variant (names from Variants; each may be a comma list).
	Variants []string
}

// DefaultConfig returns the configuration of `mockserver` without flags.
func DefaultConfig() Config {
	return Config{Seed: DefaultSeed, ValidateResponses: true, CORSOrigins: DefaultCORSOrigins()}
}

// DefaultCORSOrigins are the origins a mock shares its API with unless told otherwise: pages
// served from this machine (a front end's dev server). [choice] Not "*": any page the
// developer visits could otherwise read the mock's answers.
func DefaultCORSOrigins() []string {
	return []string{"http://localhost:*", "http://127.0.0.1:*", "http://[::1]:*", "http://localhost", "http://127.0.0.1", "http://[::1]"}
}

// Server is the mock: an http.Handler serving the contract.
type Server struct {
	cfg      Config
	given    Config // cfg as New got it, before defaults
	log      *slog.Logger
	echo     *echo.Echo
	serve    echo.HandlerFunc // the routing inside every request's middleware (routes)
	contexts sync.Pool        // *requestContext, reused by ServeHTTP
	fields   *fieldSet
	validate *validator // nil when response validation is off
	// validateDoc validates the answers of a request with variants: against the documented
	// view of the spec, which every legal variant meets (the full spec is the default's).
	validateDoc *validator
	variants    variantSet // the server's default variants
	requests    *validator // request validation is always on
	pagingFor   map[string]sparkmock.Paging
	clock       func() time.Time
	queries     queryCache
	sessions    *sessions
	limiter     *rateLimiter // nil without rate limits
	sleep       sleepFunc
	metrics     *metrics
	ready       atomic.Bool
	data        atomic.Pointer[world]
	index       indexMeter  // the bytes of the stores' indexes (memlimit.go)
	memLimit    memoryLimit // the soft memory limit that follows it, once asked for
}

// world is the data the server answers from; it is swapped as a whole on reload.
type world struct {
	tree  *fixtures.Tree
	store *store
}

// New checks cfg and builds the server.
func New(cfg Config) (*Server, error) {
	given := cfg
	if err := checkCORSOrigins(cfg.CORSOrigins); err != nil {
		return nil, fmt.Errorf("mockserver: %w", err)
	}
	if cfg.Tree == nil {
		tree, err := fixtures.Default()
		if err != nil {
			return nil, fmt.Errorf("mockserver: default fixtures: %w", err)
		}
		cfg.Tree = tree
	}
	loc, err := sparkmock.LocationOrDefault(cfg.Location)
	if err != nil {
		return nil, fmt.Errorf("mockserver: %w", err)
	}
	cfg.Location = loc
	if cfg.Clock == nil {
		cfg.Clock = time.Now
	}
	if cfg.Logger == nil {
		cfg.Logger = slog.New(slog.NewTextHandler(io.Discard, nil))
	}
	if cfg.Spec, err = sparkmock.SpecOrDefault(context.Background(), cfg.Spec); err != nil {
		return nil, fmt.Errorf("mockserver: %w", err)
	}
	specFields, err := sparkmock.ContactFields(cfg.Spec)
	if err != nil {
		return nil, fmt.Errorf("mockserver: %w", err)
	}
	filterSchema, err := sparkmock.FilterSchema(cfg.Spec)
	if err != nil {
		return nil, fmt.Errorf("mockserver: %w", err)
	}
	fields, err := newFieldSet(specFields, filterSchema)
	if err != nil {
		return nil, fmt.Errorf("mockserver: %w", err)
	}
	v, err := newValidator(cfg.Spec)
	if err != nil {
		return nil, fmt.Errorf("mockserver: %w", err)
	}
	paging := map[string]sparkmock.Paging{}
	for _, p := range sparkmock.ExportPaths() {
		if paging[p], err = sparkmock.PagingOf(cfg.Spec, p); err != nil {
			return nil, fmt.Errorf("mockserver: %w", err)
		}
	}
	if cfg.Sleep == nil {
		cfg.Sleep = sleep
	}
	variants, err := parseVariants(cfg.Variants...)
	if err != nil {
		return nil, fmt.Errorf("mockserver: %w", err)
	}
	if l := cfg.RateLimits; l != nil && (l.IDX <= 0 || l.Other <= 0 || l.Window <= 0) {
		return nil, fmt.Errorf("mockserver: rate limits must be positive, got %+v", *l)
	}
	if l := cfg.RateLimits; l != nil && (l.Replicas < 0 || l.share(l.IDX) < 1 || l.share(l.Other) < 1) {
		return nil, fmt.Errorf("mockserver: %d replicas cannot share rate limits of %d and %d requests", l.Replicas, l.IDX, l.Other)
	}
	if cfg.Latency.Min < 0 || cfg.Latency.Max != 0 && cfg.Latency.Max < cfg.Latency.Min {
		return nil, fmt.Errorf("mockserver: bad latency range %+v", cfg.Latency)
	}
	secret := cfg.SessionSecret
	switch {
	case len(secret) == 0:
		secret = make([]byte, sessionSecretLen)
		if _, err := rand.Read(secret); err != nil {
			return nil, fmt.Errorf("mockserver: session secret: %w", err)
		}
		cfg.Logger.Warn("no session secret given: legacy sessions (POST /v1/session) work on this process only; give every replica the same -session-secret so each accepts the others' sessions")
	case len(secret) < MinSessionSecretLen:
		return nil, fmt.Errorf("mockserver: the session secret must have at least %d bytes, got %d", MinSessionSecretLen, len(secret))
	}
	s := &Server{cfg: cfg, given: given, log: cfg.Logger, fields: fields, requests: v, pagingFor: paging, clock: cfg.Clock,
		sessions: newSessions(secret, cfg.Clock, defaultSessionTable), sleep: cfg.Sleep, metrics: newMetrics()}
	s.queries.init()
	if cfg.RateLimits != nil {
		rc := cfg.RateLimitClock
		if rc == nil {
			rc = cfg.Clock
		}
		s.limiter = newRateLimiter(*cfg.RateLimits, rc)
	}
	s.variants = variants
	if cfg.ValidateResponses {
		s.validate = v
		documented, err := sparkmock.Documented(cfg.Spec)
		if err != nil {
			return nil, fmt.Errorf("mockserver: %w", err)
		}
		if s.validateDoc, err = newWholeValidator(documented, openapicheck.Config{}); err != nil {
			return nil, fmt.Errorf("mockserver: %w", err)
		}
	}
	st, err := s.newStore(cfg.Tree)
	if err != nil {
		return nil, fmt.Errorf("mockserver: %w", err)
	}
	s.data.Store(&world{tree: cfg.Tree, store: st})
	s.ready.Store(true)

	e := echo.New()
	e.HideBanner, e.HidePort = true, true
	e.Logger.SetOutput(io.Discard)
	e.HTTPErrorHandler = errorHandler
	s.echo = e
	s.routes(e)
	s.contexts.New = func() any { return &requestContext{Context: e.NewContext(nil, nil)} }
	return s, nil
}

// ServeHTTP serves one request.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	// What Echo's ServeHTTP does, with the middleware composed once (routes) and the
	// request's state in the context (requestContext).
	c := s.contexts.Get().(*requestContext)
	c.Reset(r, w)
	c.st = requestState{}
	if err := s.serve(c); err != nil {
		s.echo.HTTPErrorHandler(err, c)
	}
	s.contexts.Put(c)
}

func (s *Server) world() *world { return s.data.Load() }

// Tree returns the account tree the server answers from.
func (s *Server) Tree() *fixtures.Tree { return s.world().tree }

// Location returns the service's time zone.
func (s *Server) Location() *time.Location { return s.cfg.Location }

// Warm builds what the first request at time t would otherwise build (the snapshot of every
// book), so a large tree answers fast from the first request on.
func (s *Server) Warm(t time.Time) {
	w := s.world()
	snap := w.store.snapshot(t.Truncate(time.Second))
	for ord := range w.store.books {
		snap.allList(ord)
	}
}

// Reload swaps in another account tree: the next request answers from it, requests in
// flight finish on the old one. A tree whose pinned contacts break the schema is refused and
// the previous data stays.
func (s *Server) Reload(tree *fixtures.Tree) error {
	st, err := s.newStore(tree)
	if err != nil {
		s.metrics.reloadErrs.Inc()
		return err
	}
	old := s.data.Swap(&world{tree: tree, store: st})
	s.index.add(-old.store.index.Load()) // what requests in flight still build on it stays counted: little
	s.metrics.reloads.Inc()
	return nil
}

// newStore builds the store of a tree, with the record budget, refusing a tree past the
// maximum of contacts at the server's clock.
func (s *Server) newStore(tree *fixtures.Tree) (*store, error) {
	st, err := newStore(tree, s.cfg.Seed, s.cfg.Location, s.requests)
	if err != nil {
		return nil, err
	}
	st.budget = newRecordBudget(s.cfg.RecordCacheBytes)
	st.meter = &s.index
	s.index.add(st.index.Load()) // what newStore built before it had the meter
	st.tooMany = math.MaxInt64
	if max := s.cfg.MaxContacts; max > 0 {
		now := s.clock()
		if n := st.contactsAt(now.Unix()); n > max {
			return nil, fmt.Errorf("the fixtures hold %d contacts at %s, past the maximum of %d (-max-contacts): lower the accounts' contacts, move asOf, or raise the maximum", n, now.UTC().Format(time.RFC3339), max)
		}
		// Requests at a later time (X-Mock-Now, or the real clock going on) are refused
		// from the second the books outgrow the maximum (maxcontacts.go).
		st.tooMany = st.firstTimeOver(max, now.Unix())
	}
	return st, nil
}

// WatchFixtures reloads the fixtures file at path whenever its content differs from the data
// served, checking every interval until ctx ends. A file that does not load is logged (once
// per content) and the previous data stays.
func (s *Server) WatchFixtures(ctx context.Context, path string, interval time.Duration) {
	t := time.NewTicker(interval)
	defer t.Stop()
	var refused [32]byte
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
		data, err := os.ReadFile(path)
		if err != nil {
			continue
		}
		digest := sha256.Sum256(data)
		if digest == s.world().tree.Digest || digest == refused {
			continue
		}
		tree, err := fixtures.Parse(path, data)
		if err == nil {
			err = s.Reload(tree)
		} else {
			s.metrics.reloadErrs.Inc()
		}
		if err != nil {
			refused = digest
			s.log.Error("fixtures changed but do not load; keeping the previous data", "file", path, "error", err.Error())
			continue
		}
		s.log.Info("fixtures reloaded", "file", path, "accounts", len(tree.Accounts), "tokens", len(tree.Tokens))
	}
}

// SetReady says whether /readyz answers 200: a server going down sets it to false first, so a
// load balancer stops sending it requests while those in flight finish.
func (s *Server) SetReady(ready bool) { s.ready.Store(ready) }

// recoverPanics turns a panic into a 500 envelope; the stack goes to the log, never to the
// client.
func recoverPanics(log *slog.Logger) echo.MiddlewareFunc {
	return func(next echo.HandlerFunc) echo.HandlerFunc {
		return func(c echo.Context) (err error) {
			defer func() {
				if p := recover(); p != nil {
					if e, ok := p.(error); ok && errors.Is(e, http.ErrAbortHandler) {
						panic(p)
					}
					log.Error("panic while serving a request", "method", c.Request().Method, "path", c.Request().URL.Path, "panic", fmt.Sprint(p), "stack", string(stack()))
					err = sparkmock.Errorf(sparkmock.CodeInternal, "Internal server error")
				}
			}()
			return next(c)
		}
	}
}
