package sparkmock

import (
	"fmt"
	"net/url"
	"regexp"
	"strings"
)

// MaskSecret hides a secret (a token, a header value) wherever it is shown, in logs and
// reports alike: one of 12 characters or more keeps its first 4 and last 2, one of 8 to 11
// its first 2 and last 1, one of 6 or 7 its first character; shorter ones keep nothing. So
// "private-member-avery" is shown as "priv...ry".
func MaskSecret(secret string) string {
	r := []rune(secret)
	n := len(r)
	switch {
	case n >= 12:
		return string(r[:4]) + "..." + string(r[n-2:])
	case n >= 8:
		return string(r[:2]) + "..." + string(r[n-1:])
	case n >= 6:
		return string(r[:1]) + "..."
	}
	return "..."
}

// SecretQueryNames are the query parameters whose values are secrets: a legacy session's
// AuthToken, the signature of a request, and the key a session is opened with. They are
// matched after percent-decoding and in any case (Auth%54oken=, authtoken=).
var SecretQueryNames = []string{"AuthToken", "ApiSig", "ApiKey"}

// MinMaskedLen is the shortest secret replaced wherever it appears in a text: a shorter one
// would turn ordinary words into dots.
const MinMaskedLen = 6

// secretFirstBytes are the bytes a query must hold to name a secret: the first letter of each
// of SecretQueryNames in either case, and '%', which may spell one.
var secretFirstBytes = func() string {
	b := []byte{'%'}
	for _, n := range SecretQueryNames {
		b = append(b, strings.ToLower(n[:1])[0], strings.ToUpper(n[:1])[0])
	}
	return string(b)
}()

// MaskQuery masks the values of SecretQueryNames in a raw query, keeping every other byte
// as it was, and returns the secrets it found (decoded).
func MaskQuery(rawQuery string) (masked string, secrets []string) {
	if !strings.ContainsAny(rawQuery, secretFirstBytes) { // no name can be a secret's: the common case
		return rawQuery, nil
	}
	parts := strings.Split(rawQuery, "&")
	changed := false
	for i, part := range parts {
		rawName, rawValue, _ := strings.Cut(part, "=")
		name, err := url.QueryUnescape(rawName)
		if err != nil || !isSecretName(name) {
			continue
		}
		value, err := url.QueryUnescape(rawValue)
		if err != nil {
			value = rawValue
		}
		if value == "" {
			continue
		}
		secrets = append(secrets, value)
		parts[i] = rawName + "=" + url.QueryEscape(MaskSecret(value))
		changed = true
	}
	if !changed {
		return rawQuery, nil
	}
	return strings.Join(parts, "&"), secrets
}

func isSecretName(name string) bool {
	for _, s := range SecretQueryNames {
		if strings.EqualFold(name, s) {
			return true
		}
	}
	return false
}

// MaskPath masks the AuthToken in a path that ends a legacy session
// (/v1/session/<AuthToken>, under any prefix), and returns the secret (decoded) it found.
func MaskPath(path string) (masked, secret string) {
	const seg = PathSession + "/"
	i := strings.Index(path, seg)
	if i < 0 {
		return path, ""
	}
	rest := path[i+len(seg):]
	tok, tail, _ := strings.Cut(rest, "/")
	if tok == "" {
		return path, ""
	}
	if dec, err := url.PathUnescape(tok); err == nil {
		secret = dec
	} else {
		secret = tok
	}
	masked = path[:i+len(seg)] + MaskSecret(secret)
	if tail != "" || strings.HasSuffix(rest, "/") {
		masked += "/" + tail
	}
	return masked, secret
}

// MaskIn replaces every secret in text by its mask: as it is, and as a server may echo it,
// with any character JSON-escaped (\u002d) or percent-encoded (%2D), in any case. Secrets
// shorter than MinMaskedLen are left alone.
func MaskIn(text string, secrets []string) string {
	for _, s := range secrets {
		if len(s) < MinMaskedLen {
			continue
		}
		m := MaskSecret(s)
		text = strings.ReplaceAll(text, s, m)
		if strings.Contains(text, `\u`) || strings.Contains(text, "%") || strings.Contains(strings.ToLower(text), strings.ToLower(s)) {
			text = echoPattern(s).ReplaceAllLiteralString(text, m)
		}
	}
	return text
}

// echoPattern matches a secret echoed with any character escaped or its case changed.
func echoPattern(secret string) *regexp.Regexp {
	var b strings.Builder
	b.WriteString("(?i)")
	for _, r := range secret {
		b.WriteString("(?:")
		b.WriteString(regexp.QuoteMeta(string(r)))
		if r < 0x80 {
			fmt.Fprintf(&b, `|\\u%04x|%%%02x`, r, r)
		} else if r <= 0xffff {
			fmt.Fprintf(&b, `|\\u%04x`, r)
		}
		b.WriteString(")")
	}
	return regexp.MustCompile(b.String()) // quoted runes and escapes always compile
}
