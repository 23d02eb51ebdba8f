package mockserver

import (
	"crypto/md5"
	"crypto/subtle"
	"encoding/hex"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/labstack/echo/v4"
	sparkmock "github.com/sparkmock/sparkmock"
	"github.com/sparkmock/sparkmock/fixtures"
)

// The legacy Spark API authentication: POST /v1/session with an API key and a signature
// opens a session; later requests carry its AuthToken and a signature of their own.
const (
	sessionLifetime = 24 * time.Hour // a session ends 24 h after it opened…
	sessionIdle     = time.Hour      // …or after an hour without a request
	maxSessions     = 100_000
)

// Signature returns MD5(secret + "ApiKey" + key + rest) in hex: the ApiSig of the legacy
// authentication. rest is empty to open a session, "ServicePath" + path + the sorted
// name+value strings of the query (ApiSig left out) + the body for any other request.
func Signature(secret, key, rest string) string {
	sum := md5.Sum([]byte(secret + "ApiKey" + key + rest))
	return hex.EncodeToString(sum[:])
}

// SignedRest is the part of a request's signature after the key: "ServicePath" + path + the
// name+value of every query parameter but ApiSig, those strings sorted, + the body.
func SignedRest(path string, query url.Values, body string) string {
	var pairs []string
	for name, values := range query {
		if name == "ApiSig" {
			continue
		}
		for _, v := range values {
			pairs = append(pairs, name+v)
		}
	}
	sort.Strings(pairs)
	return "ServicePath" + path + strings.Join(pairs, "") + body
}

type session struct {
	token    string
	key      fixtures.APIKey
	opened   time.Time
	lastUsed time.Time
}

// sessions holds the open sessions of this process. They are state: a replica knows only
// the sessions opened on it (see the README on clusters).
type sessions struct {
	clock func() time.Time
	mu    sync.Mutex
	open  map[string]*session
	n     uint64
}

func newSessions(clock func() time.Time) *sessions {
	return &sessions{clock: clock, open: map[string]*session{}}
}

func (s *sessions) create(key fixtures.APIKey) *session {
	now := s.clock()
	s.mu.Lock()
	defer s.mu.Unlock()
	if len(s.open) >= maxSessions {
		for t, ss := range s.open {
			if s.ended(ss, now) {
				delete(s.open, t)
			}
		}
	}
	s.n++
	sum := md5.Sum([]byte(fmt.Sprintf("%s\x00%d\x00%d", key.Key, now.UnixNano(), s.n)))
	ss := &session{token: hex.EncodeToString(sum[:]), key: key, opened: now, lastUsed: now}
	s.open[ss.token] = ss
	return ss
}

func (s *sessions) ended(ss *session, now time.Time) bool {
	return now.Sub(ss.opened) >= sessionLifetime || now.Sub(ss.lastUsed) >= sessionIdle
}

// use finds a session and marks it used; an ended one answers 1020 and is forgotten.
func (s *sessions) use(token string) (*session, error) {
	now := s.clock()
	s.mu.Lock()
	defer s.mu.Unlock()
	ss, ok := s.open[token]
	if !ok {
		return nil, sparkmock.Errorf(sparkmock.CodeInvalidAuth, "Invalid AuthToken: no such session (open one with POST /v1/session)")
	}
	if s.ended(ss, now) {
		delete(s.open, token)
		return nil, sparkmock.Errorf(sparkmock.CodeExpired, "Session expired: sessions last 24 hours and end after an hour unused; open a new one")
	}
	ss.lastUsed = now
	return ss, nil
}

func (s *sessions) end(token string) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	_, ok := s.open[token]
	delete(s.open, token)
	return ok
}

func sameSignature(got, want string) bool {
	return subtle.ConstantTimeCompare([]byte(strings.ToLower(got)), []byte(want)) == 1
}

// checkSignature verifies the ApiSig of a request made in a session.
func checkSignature(r *http.Request, key fixtures.APIKey) error {
	query := r.URL.Query()
	sig := query.Get("ApiSig")
	if sig == "" {
		return sparkmock.Errorf(sparkmock.CodeInvalidAuth, "ApiSig is missing: sign every request made with an AuthToken")
	}
	body := ""
	if r.Body != nil && r.Body != http.NoBody {
		b, err := io.ReadAll(io.LimitReader(r.Body, 1<<20))
		if err != nil {
			return sparkmock.Errorf(sparkmock.CodeInvalidAuth, "Unreadable body")
		}
		body = string(b)
	}
	if !sameSignature(sig, Signature(key.Secret, key.Key, SignedRest(r.URL.Path, query, body))) {
		return sparkmock.Errorf(sparkmock.CodeInvalidAuth, "Invalid ApiSig: MD5(secret + \"ApiKey\" + key + \"ServicePath\" + path + sorted name+value of the other parameters + body) does not match")
	}
	return nil
}

// handleSessionCreate opens a session: POST /v1/session?ApiKey=K&ApiSig=MD5(secret+"ApiKey"+K).
func handleSessionCreate(s *Server) echo.HandlerFunc {
	return func(c echo.Context) error {
		q := c.QueryParams()
		keyName, sig := q.Get("ApiKey"), q.Get("ApiSig")
		if keyName == "" || sig == "" {
			return sparkmock.Errorf(sparkmock.CodeInvalidAuth, "ApiKey and ApiSig are required to open a session")
		}
		key, ok := s.world().tree.LookupAPIKey(keyName)
		if !ok || !sameSignature(sig, Signature(key.Secret, key.Key, "")) {
			return sparkmock.Errorf(sparkmock.CodeInvalidAuth, "Invalid ApiKey or ApiSig")
		}
		if key.Status == fixtures.Disabled {
			return sparkmock.Errorf(sparkmock.CodeKeyDisabled, "API key disabled")
		}
		ss := s.sessions.create(key)
		expires := ss.opened.Add(sessionLifetime).In(s.cfg.Location).Format(time.RFC3339)
		b := []byte(`{"D":{"Success":true,"Results":[{"AuthToken":`)
		b = sparkmock.AppendJSONString(b, ss.token)
		b = append(b, `,"Expires":`...)
		b = sparkmock.AppendJSONString(b, expires)
		b = append(b, `,"Roles":[`...)
		b = sparkmock.AppendJSONString(b, string(key.Role))
		b = append(b, "]}]}}"...)
		return c.Blob(http.StatusOK, contentTypeJSON, b)
	}
}

// handleSessionDelete ends a session: DELETE /v1/session/<AuthToken>, signed with ApiSig.
func handleSessionDelete(s *Server) echo.HandlerFunc {
	return func(c echo.Context) error {
		token := c.Param("token")
		ss, err := s.sessions.use(token)
		if err != nil {
			return err
		}
		if err := checkSignature(c.Request(), ss.key); err != nil {
			return err
		}
		s.sessions.end(token)
		return c.Blob(http.StatusOK, contentTypeJSON, []byte(`{"D":{"Success":true,"Results":[]}}`))
	}
}
