package sparkmock

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
