package mockserver

import (
	"crypto/hmac"
	"crypto/md5"
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base64"
	"encoding/binary"
	"encoding/hex"
	"io"
	"net/http"
	"net/url"
	"sort"
	"strings"
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

// A session is self-contained: its AuthToken carries the key, the issue time and the expiry,
// signed with HMAC-SHA256 under the session secret, so every replica sharing the secret
// accepts it without asking the one that opened it. What a token cannot carry is kept per
// process in two bounded tables: the last use this process saw (the idle timeout) and the
// sessions that ended here (DELETE, or an idle hour).
//
// [choice] across replicas, DELETE ends a session on the replica that answers it; the others
// accept it until its own idle timeout or its 24 hours, since replicas share nothing but the
// secret. The idle timeout is measured by each replica from the last use it saw, a first
// sight counting as a use: exact on one replica, approximate behind a load balancer.
type session struct {
	id      [sha256.Size]byte // the token's MAC: names the session in the per-process tables
	keyName string
	opened  time.Time
	expires time.Time
}

// tokenVersion is the first byte of a token's payload, so another layout can come later.
const tokenVersion = 1

// tokenHeaderLen is the length of a token payload before the key's name: the version, the
// issue and expiry times (Unix seconds, big-endian) and an 8-byte nonce.
const tokenHeaderLen = 1 + 8 + 8 + 8

// maxTokenLen bounds what is decoded: a token is ~100 characters plus the key's name.
const maxTokenLen = 1024

// sessionSecretLen is the length of a secret made when none is given.
const sessionSecretLen = 32

// MinSessionSecretLen is the shortest session secret accepted.
const MinSessionSecretLen = 16

// sessions opens and checks the sessions of one process.
type sessions struct {
	secret []byte
	clock  func() time.Time
	seen   *tokenTable[time.Time] // the last use this process saw
	ended  *tokenTable[endReason] // sessions ended here
}

type endReason uint8

const (
	endedByDelete endReason = iota + 1
	endedIdle
)

func newSessions(secret []byte, clock func() time.Time, max int) *sessions {
	return &sessions{secret: secret, clock: clock, seen: newTokenTable[time.Time](max), ended: newTokenTable[endReason](max)}
}

// mac signs a token's payload.
func (s *sessions) mac(payload []byte) [sha256.Size]byte {
	h := hmac.New(sha256.New, s.secret)
	h.Write([]byte("sparkmock session\x00"))
	h.Write(payload)
	var id [sha256.Size]byte
	h.Sum(id[:0])
	return id
}

// create opens a session of key: no table is scanned, the token is all a replica needs.
func (s *sessions) create(key fixtures.APIKey) (string, *session) {
	now := s.clock()
	opened := now.Truncate(time.Second)
	payload := make([]byte, 0, tokenHeaderLen+len(key.Key))
	payload = append(payload, tokenVersion)
	payload = binary.BigEndian.AppendUint64(payload, uint64(opened.Unix()))
	payload = binary.BigEndian.AppendUint64(payload, uint64(opened.Add(sessionLifetime).Unix()))
	var nonce [8]byte
	_, _ = rand.Read(nonce[:]) // two sessions opened in the same second stay two sessions
	payload = append(payload, nonce[:]...)
	payload = append(payload, key.Key...)
	ss := &session{id: s.mac(payload), keyName: key.Key, opened: opened, expires: opened.Add(sessionLifetime)}
	s.seen.put(ss.id, ss.expires, now, now)
	token := base64.RawURLEncoding.EncodeToString(payload) + "." + base64.RawURLEncoding.EncodeToString(ss.id[:])
	return token, ss
}

// parse reads and authenticates a token; nil when it is not one this secret signed.
func (s *sessions) parse(token string) *session {
	if len(token) > maxTokenLen {
		return nil
	}
	p64, m64, ok := strings.Cut(token, ".")
	if !ok {
		return nil
	}
	payload, err := base64.RawURLEncoding.DecodeString(p64)
	if err != nil || len(payload) < tokenHeaderLen || payload[0] != tokenVersion {
		return nil
	}
	mac, err := base64.RawURLEncoding.DecodeString(m64)
	if err != nil {
		return nil
	}
	id := s.mac(payload)
	if !hmac.Equal(mac, id[:]) {
		return nil
	}
	return &session{
		id:      id,
		opened:  time.Unix(int64(binary.BigEndian.Uint64(payload[1:9])), 0),
		expires: time.Unix(int64(binary.BigEndian.Uint64(payload[9:17])), 0),
		keyName: string(payload[tokenHeaderLen:]),
	}
}

// check finds whether a token is a session still open here. It changes nothing but
// remembering a session found idle: the caller checks the request's signature, then calls
// touch.
func (s *sessions) check(token string) (*session, error) {
	ss := s.parse(token)
	if ss == nil {
		return nil, sparkmock.Errorf(sparkmock.CodeInvalidAuth, "Invalid AuthToken: no such session (open one with POST /v1/session)")
	}
	now := s.clock()
	if !now.Before(ss.expires) {
		return nil, errSessionExpired()
	}
	switch why, _ := s.ended.get(ss.id); why {
	case endedByDelete:
		return nil, sparkmock.Errorf(sparkmock.CodeInvalidAuth, "Invalid AuthToken: the session was ended (open one with POST /v1/session)")
	case endedIdle:
		return nil, errSessionExpired()
	}
	if last, ok := s.seen.get(ss.id); ok && now.Sub(last) >= sessionIdle {
		s.ended.put(ss.id, ss.expires, endedIdle, now)
		return nil, errSessionExpired()
	}
	return ss, nil
}

func errSessionExpired() error {
	return sparkmock.Errorf(sparkmock.CodeExpired, "Session expired: sessions last 24 hours and end after an hour unused; open a new one")
}

// touch records a signed request of a session: only then does its idle hour start again.
func (s *sessions) touch(ss *session) {
	now := s.clock()
	s.seen.put(ss.id, ss.expires, now, now)
}

// authenticate checks a request made in a session: the token, then the request's signature
// under the key's secret as the fixtures have it now. Only a signed request counts as a use.
func (s *sessions) authenticate(r *http.Request, token string, tree *fixtures.Tree) (*session, fixtures.APIKey, error) {
	ss, err := s.check(token)
	if err != nil {
		return nil, fixtures.APIKey{}, err
	}
	key, ok := tree.LookupAPIKey(ss.keyName)
	if !ok {
		return nil, fixtures.APIKey{}, sparkmock.Errorf(sparkmock.CodeInvalidAuth, "Invalid AuthToken: its API key is no longer in the fixtures")
	}
	if err := checkSignature(r, key); err != nil {
		return nil, fixtures.APIKey{}, err
	}
	s.touch(ss)
	return ss, key, nil
}

// end ends a session on this process.
func (s *sessions) end(ss *session) { s.ended.put(ss.id, ss.expires, endedByDelete, s.clock()) }

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
		token, ss := s.sessions.create(key)
		expires := ss.expires.In(s.cfg.Location).Format(time.RFC3339)
		b := []byte(`{"D":{"Success":true,"Results":[{"AuthToken":`)
		b = sparkmock.AppendJSONString(b, token)
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
		ss, _, err := s.sessions.authenticate(c.Request(), c.Param("token"), s.world().tree)
		if err != nil {
			return err
		}
		s.sessions.end(ss)
		return c.Blob(http.StatusOK, contentTypeJSON, []byte(`{"D":{"Success":true,"Results":[]}}`))
	}
}
