package main

import (
	"crypto/md5"
	"encoding/hex"
	"encoding/json"
	"net/http"
	"strings"
	"testing"
)

func TestReplicaFlagsRefuseBadValues(t *testing.T) {
	tests := []struct {
		name string
		args []string
		want string
	}{
		{name: "short session secret", args: []string{"-session-secret", "tiny-secret"}, want: "at least 16 bytes"},
		{name: "rate limit shared past one request", args: []string{"-rate-limit", "-rate-limit-idx", "2", "-rate-limit-replicas", "3"}, want: "3 replicas"},
		{name: "fixtures past -max-contacts", args: []string{"-max-contacts", "100"}, want: "past the maximum of 100 (-max-contacts)"},
		{name: "negative budget", args: []string{"-cache-mb", "-1"}, want: "must not be negative"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := runUsage(t, tt.args, nil)
			if !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("got %v, want exit 2 with %q", err, tt.want)
			}
			if strings.Contains(err.Error(), "tiny-secret") {
				t.Errorf("the error repeats the secret: %v", err)
			}
		})
	}
}

func TestSessionSecretIsSharedThroughTheEnvironment(t *testing.T) {
	// Two processes with the same SPARKMOCK_SESSION_SECRET: a session opened on one works on the other.
	env := map[string]string{"SPARKMOCK_SESSION_SECRET": "0123456789abcdef0123456789abcdef", "SPARKMOCK_LOG_LEVEL": "error"}
	url1, stop1 := start(t, nil, env)
	defer stop1()
	url2, stop2 := start(t, nil, env)
	defer stop2()
	const key, secret = "demo-private-key", "demo-private-secret"
	req, _ := http.NewRequest(http.MethodPost, url1+"/v1/session?ApiKey="+key+"&ApiSig="+md5hex(secret+"ApiKey"+key), nil)
	req.Header.Set("X-SparkApi-User-Agent", "run-test")
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	var opened struct {
		D struct{ Results []struct{ AuthToken string } }
	}
	err = json.NewDecoder(res.Body).Decode(&opened)
	res.Body.Close()
	if err != nil || len(opened.D.Results) != 1 {
		t.Fatalf("open: %d %v", res.StatusCode, err)
	}
	token := opened.D.Results[0].AuthToken
	sig := md5hex(secret + "ApiKey" + key + "ServicePath/v1/contacts/exportAuthToken" + token + "_limit2")
	status, d := get(t, url2+"/v1/contacts/export?AuthToken="+token+"&_limit=2&ApiSig="+sig, "")
	if status != 200 || len(d["Results"].([]any)) != 2 {
		t.Errorf("the other process: %d %v, want 200 with 2 contacts", status, d)
	}
}

func md5hex(s string) string {
	sum := md5.Sum([]byte(s))
	return hex.EncodeToString(sum[:])
}
