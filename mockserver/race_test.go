//go:build race

package mockserver_test

// raceEnabled: the race detector makes the random-case tests about seven times slower, so
// they run fewer cases under it (CI runs go test -race).
const raceEnabled = true
