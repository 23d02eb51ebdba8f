package main

import (
	"context"
	"crypto/tls"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"time"
)

// probeTimeout bounds -probe: a health check that hangs is a failed one.
const probeTimeout = 5 * time.Second

// probe is -probe URL, the container's health check (a scratch image has no curl): GET the URL,
// nil on a 2xx, exit code 1 on anything else or no answer, 2 on a URL that is not http(s).
func probe(ctx context.Context, rawURL string, stdout io.Writer) error {
	u, err := url.Parse(rawURL)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return usageError("-probe %q: want an http or https URL, like http://127.0.0.1:8080/readyz", rawURL)
	}
	ctx, cancel := context.WithTimeout(ctx, probeTimeout)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, u.String(), nil)
	if err != nil {
		return usageError("-probe %q: %v", rawURL, err)
	}
	client := &http.Client{Transport: &http.Transport{
		// [choice] -probe accepts any certificate: it asks whether this container's own server
		// answers (-tls makes a new self-signed one each start), not who it is.
		TLSClientConfig: &tls.Config{InsecureSkipVerify: true}, //nolint:gosec // see above
	}}
	res, err := client.Do(req)
	if err != nil {
		return &exitError{code: 1, err: fmt.Errorf("-probe: %w", err)}
	}
	_, _ = io.Copy(io.Discard, io.LimitReader(res.Body, 64<<10))
	res.Body.Close()
	if res.StatusCode < 200 || res.StatusCode > 299 {
		return &exitError{code: 1, err: fmt.Errorf("-probe %s: %s", rawURL, res.Status)}
	}
	fmt.Fprintf(stdout, "%s: %s\n", rawURL, res.Status)
	return nil
}
