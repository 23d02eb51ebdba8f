// Command contracttest checks a running implementation of the Spark API "Contacts: Export"
// (the real service, your own, or sparkmock) against the contract, and writes reports for
// people and CI. Exit codes: 0 every check passed, 1 the contract is broken, 2 bad usage,
// 3 the suite could not run. Run it with -h for its flags.
package main

import (
	"context"
	"errors"
	"fmt"
	"os"
	"os/signal"
	"strings"
	"syscall"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if err := run(ctx, os.Args, os.Getenv, os.Stdin, os.Stdout, os.Stderr); err != nil {
		var ee *exitError
		if errors.As(err, &ee) && ee.err == nil {
			os.Exit(ee.code) // the report already said it
		}
		// One line, said once: the library's errors carry the program's name already.
		fmt.Fprintln(os.Stderr, "contracttest:", strings.TrimPrefix(err.Error(), "contracttest: "))
		if errors.As(err, &ee) {
			os.Exit(ee.code)
		}
		os.Exit(3)
	}
}
