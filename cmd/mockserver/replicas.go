package main

import (
	"flag"

	"github.com/sparkmock/sparkmock/mockserver"
)

// replicaOptions are the flags of a mock that runs as one of several replicas, or on large
// data: what replicas share (the session secret, a share of the rate limits) and what bounds
// one process's memory.
type replicaOptions struct {
	sessionSecret     string
	rateLimitReplicas int
	cacheMB           int
	maxContacts       int
}

func (r *replicaOptions) register(fs *flag.FlagSet) {
	fs.StringVar(&r.sessionSecret, "session-secret", "", "`secret` (16 bytes or more) signing legacy session AuthTokens: give every replica the same one so each accepts the sessions the others open (default: random, this process only)")
	fs.IntVar(&r.rateLimitReplicas, "rate-limit-replicas", 1, "with -rate-limit: how many replicas share the limits behind a load balancer; each enforces the limits divided by this `number`")
	fs.IntVar(&r.cacheMB, "cache-mb", 512, "`megabytes` of contact records kept between requests; past them the oldest are dropped and generated again; with a bound the mock also keeps a soft memory limit that follows its index (GOMEMLIMIT overrides it) (0: no bound, no limit)")
	fs.IntVar(&r.maxContacts, "max-contacts", 5_000_000, "refuse fixtures holding more than this `number` of contacts at the clock served (0: no maximum)")
}

// apply puts the options in cfg, after the rate limits are set.
func (r *replicaOptions) apply(cfg *mockserver.Config) error {
	if r.cacheMB < 0 || r.maxContacts < 0 {
		return usageError("-cache-mb and -max-contacts must not be negative")
	}
	cfg.RecordCacheBytes, cfg.MaxContacts = int64(r.cacheMB)<<20, r.maxContacts
	if r.sessionSecret != "" {
		if len(r.sessionSecret) < mockserver.MinSessionSecretLen {
			return usageError("-session-secret: use at least %d bytes (e.g. openssl rand -hex 32)", mockserver.MinSessionSecretLen)
		}
		cfg.SessionSecret = []byte(r.sessionSecret)
	}
	if cfg.RateLimits != nil {
		cfg.RateLimits.Replicas = r.rateLimitReplicas
	}
	return nil
}
