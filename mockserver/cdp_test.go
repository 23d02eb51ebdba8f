//go:build linux

package mockserver_test

// A small Chrome DevTools Protocol client over --remote-debugging-pipe, for the browser
// test: the browser reads commands from its fd 3 and writes answers and events to its fd 4,
// each message JSON terminated by a NUL byte. Standard library only.

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"
)

// requireBrowserEnv makes a missing browser a failure instead of a skip (CI sets it).
const requireBrowserEnv = "SPARKMOCK_REQUIRE_BROWSER"

// findChromium returns the path of Debian's chromium, or skips the test (fails it when
// SPARKMOCK_REQUIRE_BROWSER=1). The test installs nothing itself.
func findChromium(t *testing.T) string {
	t.Helper()
	required := os.Getenv(requireBrowserEnv) == "1"
	path, err := exec.LookPath("chromium")
	switch {
	case err != nil && required:
		t.Fatalf("chromium is not on PATH and %s=1: install it (apt-get install chromium) or unset %s", requireBrowserEnv, requireBrowserEnv)
	case err != nil:
		t.Skipf("chromium is not on PATH: skipping the browser test (apt-get install chromium runs it; %s=1 makes this a failure)", requireBrowserEnv)
	case testing.Short() && !required:
		t.Skip("-short: skipping the browser test")
	}
	return path
}

// cdpMessage is any message on the pipe: a command, its answer, or an event.
type cdpMessage struct {
	ID        int64           `json:"id,omitempty"`
	SessionID string          `json:"sessionId,omitempty"`
	Method    string          `json:"method,omitempty"`
	Params    json.RawMessage `json:"params,omitempty"`
	Result    json.RawMessage `json:"result,omitempty"`
	Error     *struct {
		Code    int    `json:"code"`
		Message string `json:"message"`
	} `json:"error,omitempty"`
}

// browser is a running headless chromium and the connection to it.
type browser struct {
	cmd    *exec.Cmd
	dir    string
	stderr *tailBuffer
	w      *os.File
	wmu    sync.Mutex // one message at a time on w

	mu        sync.Mutex // guards everything below
	nextID    int64
	pending   map[int64]chan cdpMessage
	listeners map[int]func(cdpMessage)
	nextL     int
	readErr   error
	closed    chan struct{}
}

// tailBuffer keeps the last bytes written to it: chromium's stderr, for failure messages.
type tailBuffer struct {
	mu  sync.Mutex
	buf []byte
}

func (b *tailBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.buf = append(b.buf, p...)
	if len(b.buf) > 16<<10 {
		b.buf = b.buf[len(b.buf)-16<<10:]
	}
	return len(p), nil
}

func (b *tailBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return string(b.buf)
}

// launchChromium starts chromium headless with a new profile in a temporary directory; the
// test's cleanup closes it, kills its process group and removes the directory.
func launchChromium(t *testing.T, path string) *browser {
	t.Helper()
	dir, err := os.MkdirTemp("", "sparkmock-chromium-")
	if err != nil {
		t.Fatal(err)
	}
	cmdR, cmdW, err := os.Pipe() // commands: we write, the browser reads (its fd 3)
	if err != nil {
		t.Fatal(err)
	}
	outR, outW, err := os.Pipe() // answers and events: the browser writes (its fd 4), we read
	if err != nil {
		t.Fatal(err)
	}
	b := &browser{
		dir:       dir,
		stderr:    &tailBuffer{},
		w:         cmdW,
		pending:   map[int64]chan cdpMessage{},
		listeners: map[int]func(cdpMessage){},
		closed:    make(chan struct{}),
	}
	b.cmd = exec.Command(path,
		"--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
		"--disable-background-networking", "--disable-component-update", "--disable-sync",
		"--no-default-browser-check", "--disable-extensions", "--disable-dev-shm-usage", "--mute-audio",
		"--password-store=basic", "--window-size=1280,900",
		"--user-data-dir="+dir, "--remote-debugging-pipe", "about:blank")
	b.cmd.ExtraFiles = []*os.File{cmdR, outW}
	b.cmd.Stdout = b.stderr
	b.cmd.Stderr = b.stderr
	// Its own process group, so the cleanup can kill the browser and every helper process it
	// started; and killed with the test process if that dies first.
	b.cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true, Pdeathsig: syscall.SIGKILL}
	if err := b.cmd.Start(); err != nil {
		os.RemoveAll(dir)
		t.Fatalf("start chromium: %v", err)
	}
	cmdR.Close()
	outW.Close()
	waited := make(chan struct{})
	go func() {
		_ = b.cmd.Wait()
		close(waited)
	}()
	go b.readLoop(outR)
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		_ = b.call(ctx, "", "Browser.close", nil, nil) // a clean exit first
		select {
		case <-waited:
		case <-time.After(5 * time.Second):
		}
		_ = syscall.Kill(-b.cmd.Process.Pid, syscall.SIGKILL) // whatever is left of the group
		<-waited
		b.w.Close()
		outR.Close()
		var err error
		for range 50 { // helper processes may take a moment to let go of the profile
			if err = os.RemoveAll(dir); err == nil {
				break
			}
			time.Sleep(100 * time.Millisecond)
		}
		if err != nil {
			t.Errorf("remove chromium's profile directory: %v", err)
		}
	})
	return b
}

// readLoop delivers every message: answers to their caller, events to the listeners.
func (b *browser) readLoop(r io.Reader) {
	br := bufio.NewReaderSize(r, 1<<20)
	var err error
	for {
		var raw []byte
		raw, err = br.ReadBytes(0)
		if err != nil {
			break
		}
		var m cdpMessage
		if err = json.Unmarshal(raw[:len(raw)-1], &m); err != nil {
			err = fmt.Errorf("bad message from chromium: %w", err)
			break
		}
		b.mu.Lock()
		if m.ID != 0 {
			if ch, ok := b.pending[m.ID]; ok {
				delete(b.pending, m.ID)
				ch <- m
			}
		} else {
			for _, l := range b.listeners {
				l(m)
			}
		}
		b.mu.Unlock()
	}
	b.mu.Lock()
	b.readErr = err
	b.mu.Unlock()
	close(b.closed)
}

// listen calls f with every event (under the browser's lock: f must be quick and must not
// call the browser); the returned function stops it.
func (b *browser) listen(f func(cdpMessage)) (stop func()) {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.nextL++
	id := b.nextL
	b.listeners[id] = f
	return func() {
		b.mu.Lock()
		defer b.mu.Unlock()
		delete(b.listeners, id)
	}
}

// call sends a command (to a session, or to the browser when session is "") and decodes its
// result into result, if not nil.
func (b *browser) call(ctx context.Context, session, method string, params, result any) error {
	var p json.RawMessage
	if params != nil {
		var err error
		if p, err = json.Marshal(params); err != nil {
			return err
		}
	}
	ch := make(chan cdpMessage, 1)
	b.mu.Lock()
	if b.readErr != nil || isClosed(b.closed) {
		b.mu.Unlock()
		return fmt.Errorf("%s: chromium is gone (%v); its output:\n%s", method, b.readErr, b.stderr)
	}
	b.nextID++
	id := b.nextID
	b.pending[id] = ch
	b.mu.Unlock()
	msg, err := json.Marshal(cdpMessage{ID: id, SessionID: session, Method: method, Params: p})
	if err == nil {
		b.wmu.Lock()
		_, err = b.w.Write(append(msg, 0))
		b.wmu.Unlock()
	}
	if err != nil {
		b.mu.Lock()
		delete(b.pending, id)
		b.mu.Unlock()
		return fmt.Errorf("%s: %w", method, err)
	}
	select {
	case m := <-ch:
		if m.Error != nil {
			return fmt.Errorf("%s: %s (%d)", method, m.Error.Message, m.Error.Code)
		}
		if result != nil {
			return json.Unmarshal(m.Result, result)
		}
		return nil
	case <-b.closed:
		return fmt.Errorf("%s: chromium closed the pipe; its output:\n%s", method, b.stderr)
	case <-ctx.Done():
		b.mu.Lock()
		delete(b.pending, id)
		b.mu.Unlock()
		return fmt.Errorf("%s: %w", method, ctx.Err())
	}
}

func isClosed(ch chan struct{}) bool {
	select {
	case <-ch:
		return true
	default:
		return false
	}
}

// page is one tab, attached with a flat session, with what went wrong in it recorded.
type page struct {
	b       *browser
	session string

	mu       sync.Mutex
	problems []string // console errors, exceptions, error log entries (failed requests too)
	loads    chan struct{}
}

// newPage opens a tab and starts recording its console errors, exceptions and error log
// entries.
func (b *browser) newPage(ctx context.Context, t *testing.T) *page {
	t.Helper()
	var target struct {
		TargetID string `json:"targetId"`
	}
	if err := b.call(ctx, "", "Target.createTarget", map[string]any{"url": "about:blank"}, &target); err != nil {
		t.Fatal(err)
	}
	var attached struct {
		SessionID string `json:"sessionId"`
	}
	if err := b.call(ctx, "", "Target.attachToTarget", map[string]any{"targetId": target.TargetID, "flatten": true}, &attached); err != nil {
		t.Fatal(err)
	}
	p := &page{b: b, session: attached.SessionID, loads: make(chan struct{}, 16)}
	stop := b.listen(p.onEvent)
	t.Cleanup(func() {
		stop()
		ctx, cancel := context.WithTimeout(context.Background(), 3*time.Second)
		defer cancel()
		_ = b.call(ctx, "", "Target.closeTarget", map[string]any{"targetId": target.TargetID}, nil)
	})
	for _, m := range []string{"Page.enable", "Runtime.enable", "Log.enable"} {
		if err := b.call(ctx, p.session, m, nil, nil); err != nil {
			t.Fatal(err)
		}
	}
	// No smooth scrolling: a click lands where the element is now.
	if err := b.call(ctx, p.session, "Emulation.setEmulatedMedia", map[string]any{
		"features": []map[string]string{{"name": "prefers-reduced-motion", "value": "reduce"}},
	}, nil); err != nil {
		t.Fatal(err)
	}
	return p
}

func (p *page) onEvent(m cdpMessage) {
	if m.SessionID != p.session {
		return
	}
	switch m.Method {
	case "Page.loadEventFired":
		select {
		case p.loads <- struct{}{}:
		default:
		}
	case "Runtime.consoleAPICalled":
		var e struct {
			Type string `json:"type"`
			Args []struct {
				Value       any    `json:"value"`
				Description string `json:"description"`
			} `json:"args"`
		}
		if json.Unmarshal(m.Params, &e) == nil && (e.Type == "error" || e.Type == "assert") {
			var parts []string
			for _, a := range e.Args {
				if a.Description != "" {
					parts = append(parts, a.Description)
				} else {
					parts = append(parts, fmt.Sprint(a.Value))
				}
			}
			p.record("console." + e.Type + ": " + strings.Join(parts, " "))
		}
	case "Runtime.exceptionThrown":
		var e struct {
			Details struct {
				Text      string `json:"text"`
				URL       string `json:"url"`
				Line      int    `json:"lineNumber"`
				Exception struct {
					Description string `json:"description"`
				} `json:"exception"`
			} `json:"exceptionDetails"`
		}
		_ = json.Unmarshal(m.Params, &e)
		p.record(fmt.Sprintf("exception: %s %s (%s:%d)", e.Details.Text, e.Details.Exception.Description, e.Details.URL, e.Details.Line+1))
	case "Log.entryAdded":
		var e struct {
			Entry struct {
				Source string `json:"source"`
				Level  string `json:"level"`
				Text   string `json:"text"`
				URL    string `json:"url"`
			} `json:"entry"`
		}
		if json.Unmarshal(m.Params, &e) == nil && e.Entry.Level == "error" {
			p.record(fmt.Sprintf("log (%s): %s %s", e.Entry.Source, e.Entry.Text, e.Entry.URL))
		}
	}
}

func (p *page) record(problem string) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.problems = append(p.problems, problem)
}

// Problems returns the console errors, exceptions and error log entries seen so far.
func (p *page) Problems() []string {
	p.mu.Lock()
	defer p.mu.Unlock()
	return append([]string(nil), p.problems...)
}

// navigate opens url and waits for its load event.
func (p *page) navigate(ctx context.Context, url string) error {
	for len(p.loads) > 0 {
		<-p.loads
	}
	var nav struct {
		ErrorText string `json:"errorText"`
	}
	if err := p.b.call(ctx, p.session, "Page.navigate", map[string]any{"url": url}, &nav); err != nil {
		return err
	}
	if nav.ErrorText != "" {
		return fmt.Errorf("navigate to %s: %s", url, nav.ErrorText)
	}
	select {
	case <-p.loads:
		return nil
	case <-ctx.Done():
		return fmt.Errorf("navigate to %s: no load event: %w", url, ctx.Err())
	}
}

// eval runs a JavaScript expression in the page (promises awaited) and decodes its value
// into out, if not nil.
func (p *page) eval(ctx context.Context, expr string, out any) error {
	var res struct {
		Result struct {
			Type  string          `json:"type"`
			Value json.RawMessage `json:"value"`
		} `json:"result"`
		Exception *struct {
			Text      string `json:"text"`
			Exception struct {
				Description string `json:"description"`
			} `json:"exception"`
		} `json:"exceptionDetails"`
	}
	err := p.b.call(ctx, p.session, "Runtime.evaluate", map[string]any{
		"expression": expr, "returnByValue": true, "awaitPromise": true,
	}, &res)
	if err != nil {
		return err
	}
	if res.Exception != nil {
		return fmt.Errorf("evaluate %q: %s %s", expr, res.Exception.Text, res.Exception.Exception.Description)
	}
	if out == nil {
		return nil
	}
	if len(res.Result.Value) == 0 {
		return fmt.Errorf("evaluate %q: no value (%s)", expr, res.Result.Type)
	}
	return json.Unmarshal(res.Result.Value, out)
}

// waitFor polls a JavaScript condition until it is true.
func (p *page) waitFor(ctx context.Context, cond string) error {
	for {
		var ok bool
		err := p.eval(ctx, "Boolean("+cond+")", &ok)
		if err == nil && ok {
			return nil
		}
		select {
		case <-ctx.Done():
			var text string
			_ = p.eval(context.Background(), `document.body ? document.body.innerText.slice(0, 2000) : ""`, &text)
			return fmt.Errorf("waiting for %s: %w (last error: %v)\nproblems: %q\npage text:\n%s", cond, ctx.Err(), err, p.Problems(), text)
		case <-time.After(50 * time.Millisecond):
		}
	}
}

// click moves the mouse to the middle of the element and clicks it, as a person would; it
// fails when another element covers that point.
func (p *page) click(ctx context.Context, selector string) error {
	sel, _ := json.Marshal(selector)
	var at *struct {
		X, Y float64
		Hit  bool
	}
	expr := `(() => {
		const e = document.querySelector(` + string(sel) + `);
		if (!e) return null;
		e.scrollIntoView({block: "center", inline: "center", behavior: "instant"});
		const r = e.getBoundingClientRect();
		const x = r.left + r.width / 2, y = r.top + r.height / 2;
		const top = document.elementFromPoint(x, y);
		return {X: x, Y: y, Hit: !!top && (top === e || e.contains(top))};
	})()`
	if err := p.eval(ctx, expr, &at); err != nil {
		return err
	}
	if at == nil {
		return fmt.Errorf("click %s: no such element", selector)
	}
	if !at.Hit {
		return fmt.Errorf("click %s: another element covers it", selector)
	}
	for _, typ := range []string{"mouseMoved", "mousePressed", "mouseReleased"} {
		params := map[string]any{"type": typ, "x": at.X, "y": at.Y}
		if typ != "mouseMoved" {
			params["button"] = "left"
			params["clickCount"] = 1
		}
		if err := p.b.call(ctx, p.session, "Input.dispatchMouseEvent", params, nil); err != nil {
			return err
		}
	}
	return nil
}

// screenshot saves a PNG of the whole page (for looking at a failure).
func (p *page) screenshot(ctx context.Context, path string) error {
	var shot struct {
		Data []byte `json:"data"` // base64 in JSON: encoding/json decodes it
	}
	if err := p.b.call(ctx, p.session, "Page.captureScreenshot", map[string]any{"format": "png", "captureBeyondViewport": true}, &shot); err != nil {
		return err
	}
	if len(shot.Data) == 0 {
		return errors.New("empty screenshot")
	}
	return os.WriteFile(path, bytes.Clone(shot.Data), 0o644)
}
