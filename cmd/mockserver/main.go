// Command mockserver serves the Spark "Contacts: Export" API offline: deterministic contacts
// for a tree of accounts, tokens for every role, Spark's errors, and every response validated
// against openapi.yaml. Run it with -h for its flags.
package main

import (
	"context"
	"errors"
	"fmt"
	"os"
	"os/signal"
	"syscall"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	go func() {
		<-ctx.Done()
		// The first signal starts the drain; from now on a second one has its default
		// effect: the process exits at once.
		stop()
	}()
	if err := run(ctx, os.Args, lookupEnv, os.Stdin, os.Stdout, os.Stderr); err != nil {
		fmt.Fprintln(os.Stderr, "mockserver:", err)
		var ee *exitError
		if errors.As(err, &ee) {
			os.Exit(ee.code)
		}
		os.Exit(1)
	}
}
