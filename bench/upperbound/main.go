// Command upperbound is the practical upper bound of the benchmark: a trivial net/http server
// that answers every request with the same bytes the mock would send, doing nothing else.
// Usage: upperbound -addr 127.0.0.1:18301 -body page.json
package main

import (
	"flag"
	"fmt"
	"net/http"
	"os"
	"strconv"
)

func main() {
	addr := flag.String("addr", "127.0.0.1:18301", "address to listen on")
	bodyFile := flag.String("body", "", "file with the bytes to answer")
	flag.Parse()
	body, err := os.ReadFile(*bodyFile)
	if err != nil {
		fmt.Fprintln(os.Stderr, "upperbound:", err)
		os.Exit(2)
	}
	length := strconv.Itoa(len(body))
	handler := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		h := w.Header()
		h["Content-Type"] = []string{"application/json; charset=utf-8"}
		h["Content-Length"] = []string{length}
		_, _ = w.Write(body)
	})
	if err := http.ListenAndServe(*addr, handler); err != nil {
		fmt.Fprintln(os.Stderr, "upperbound:", err)
		os.Exit(1)
	}
}
