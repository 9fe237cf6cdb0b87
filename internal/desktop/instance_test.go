package desktop

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/mediadesk/mediadesk/internal/pulsetest"

	"github.com/mediadesk/mediadesk/internal/testwait"
)

// holderClaims are the ways a holder process (TestMain) can claim: Claim,
// and on Unix the lock and socket alone (instance_sock_test.go).
var holderClaims = map[string]func(context.Context, InstanceOptions) (*Instance, error){"claim": Claim}

// TestMain doubles as a holder of a claim, in a process of its own that
// the tests kill: with MEDIADESK_INSTANCE_HOLDER=<way>:<name> it claims,
// says "claimed", says "activated" for each request, and holds the claim
// until its stdin ends.
func TestMain(m *testing.M) {
	if spec := os.Getenv("MEDIADESK_INSTANCE_HOLDER"); spec != "" {
		way, name, _ := strings.Cut(spec, ":")
		in, err := holderClaims[way](context.Background(), InstanceOptions{Name: name})
		if err != nil {
			fmt.Println("error:", err)
			os.Exit(1)
		}
		var mu sync.Mutex
		in.OnActivate(func() {
			mu.Lock()
			defer mu.Unlock()
			fmt.Println("activated")
		})
		mu.Lock()
		fmt.Println("claimed")
		mu.Unlock()
		_, _ = io.Copy(io.Discard, os.Stdin)
		in.Close()
		os.Exit(0)
	}
	os.Exit(m.Run())
}

var testNames atomic.Int32

// testName is a claim name of the test's own (on Windows pipes are one
// namespace for the machine).
func testName() string {
	return fmt.Sprintf("io.mediadesk.MediaDeskTest.p%d_%d", os.Getpid(), testNames.Add(1))
}

// holder is a process holding a claim.
type holder struct {
	cmd   *exec.Cmd
	stdin io.WriteCloser
	lines chan string
	done  chan struct{}
}

func startHolder(t *testing.T, way, name string) *holder {
	t.Helper()
	exe, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	h := &holder{cmd: exec.Command(exe), lines: make(chan string, 16), done: make(chan struct{})}
	h.cmd.Env = append(os.Environ(), "MEDIADESK_INSTANCE_HOLDER="+way+":"+name)
	h.cmd.Stderr = os.Stderr
	out, err := h.cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if h.stdin, err = h.cmd.StdinPipe(); err != nil {
		t.Fatal(err)
	}
	if err := h.cmd.Start(); err != nil {
		t.Fatal(err)
	}
	go func() {
		sc := bufio.NewScanner(out)
		for sc.Scan() {
			h.lines <- sc.Text()
		}
		_ = h.cmd.Wait()
		close(h.done)
	}()
	t.Cleanup(func() {
		h.stdin.Close()
		select {
		case <-h.done:
		case <-time.After(10 * time.Second):
			_ = h.cmd.Process.Kill()
			<-h.done
		}
	})
	h.said(t, "claimed")
	return h
}

// said waits (10 s at most) for the holder's next line to be want.
func (h *holder) said(t *testing.T, want string) {
	t.Helper()
	select {
	case l := <-h.lines:
		if l != want {
			t.Fatalf("the holder said %q, want %q", l, want)
		}
	case <-h.done:
		t.Fatalf("the holder ended before it said %q", want)
	case <-time.After(10 * time.Second):
		t.Fatalf("the holder did not say %q within 10 s", want)
	}
}

// kill ends the holder the hard way (SIGKILL, TerminateProcess): it
// cleans nothing up.
func (h *holder) kill(t *testing.T) {
	t.Helper()
	if err := h.cmd.Process.Kill(); err != nil {
		t.Fatal(err)
	}
	<-h.done
}

type claimFunc = func(context.Context, InstanceOptions) (*Instance, error)

func mustClaim(t *testing.T, claim claimFunc, o InstanceOptions) *Instance {
	t.Helper()
	in, err := claim(context.Background(), o)
	if err != nil {
		t.Fatalf("claim %s: %v", o.Name, err)
	}
	t.Cleanup(in.Close)
	return in
}

func mustBeRunning(t *testing.T, claim claimFunc, o InstanceOptions) {
	t.Helper()
	in, err := claim(context.Background(), o)
	if !errors.Is(err, ErrAlreadyRunning) {
		if in != nil {
			in.Close()
		}
		t.Fatalf("claim %s (activate %v) while another holds it: %v, want ErrAlreadyRunning", o.Name, o.Activate, err)
	}
}

// One claim at a time; Close hands it to the next.
func testOneAtATime(t *testing.T, claim claimFunc) {
	name := testName()
	a := mustClaim(t, claim, InstanceOptions{Name: name})
	mustBeRunning(t, claim, InstanceOptions{Name: name})
	a.Close()
	a.Close()
	mustClaim(t, claim, InstanceOptions{Name: name})
}

// Requests to show the window: those before OnActivate collapse into one,
// delivered by OnActivate; later ones are delivered before the asker's
// Claim returns; none after Close.
func testActivate(t *testing.T, claim claimFunc) {
	name := testName()
	a := mustClaim(t, claim, InstanceOptions{Name: name})
	ask := InstanceOptions{Name: name, Activate: true}
	mustBeRunning(t, claim, ask)
	mustBeRunning(t, claim, ask)
	var shown atomic.Int32
	a.OnActivate(func() { shown.Add(1) })
	if n := shown.Load(); n != 1 {
		t.Fatalf("%d requests delivered by OnActivate, want the two early ones as one", n)
	}
	mustBeRunning(t, claim, ask)
	if n := shown.Load(); n != 2 {
		t.Fatalf("%d requests delivered, want 2", n)
	}
	// --background's start only asks whether one runs.
	mustBeRunning(t, claim, InstanceOptions{Name: name})
	if n := shown.Load(); n != 2 {
		t.Fatalf("a start without Activate showed the window (%d)", n)
	}
	a.Close()
	b := mustClaim(t, claim, InstanceOptions{Name: name})
	b.OnActivate(func() {})
	if n := shown.Load(); n != 2 {
		t.Fatalf("a closed claim got a request (%d)", n)
	}
}

// A killed holder leaves nothing that stops the next claim, and requests
// reach the new holder.
func testKilledHolder(t *testing.T, claim claimFunc, way string) {
	name := testName()
	h := startHolder(t, way, name)
	mustBeRunning(t, claim, InstanceOptions{Name: name, Activate: true})
	h.said(t, "activated")
	mustBeRunning(t, claim, InstanceOptions{Name: name})
	h.kill(t)
	in := mustClaim(t, claim, InstanceOptions{Name: name, Activate: true})
	var shown atomic.Int32
	in.OnActivate(func() { shown.Add(1) })
	mustBeRunning(t, claim, InstanceOptions{Name: name, Activate: true})
	if shown.Load() != 1 {
		t.Fatal("the new holder did not get the request")
	}
}

// A start that asks while the holder is quitting (its window gone, its
// settings still being written) is refused, waits, and owns the claim
// once the holder has closed it: it runs, rather than ending on a window
// nobody shows or running beside the one still writing.
func testQuitting(t *testing.T, claim claimFunc) {
	name := testName()
	a := mustClaim(t, claim, InstanceOptions{Name: name})
	var shown atomic.Int32
	a.OnActivate(func() { shown.Add(1) })
	a.Quitting()
	type result struct {
		in  *Instance
		err error
	}
	res := make(chan result, 1)
	go func() {
		in, err := claim(context.Background(), InstanceOptions{Name: name, Activate: true, Wait: time.Minute})
		res <- result{in, err}
	}()
	pulsetest.WaitFor(t, testwait.Bound, "a request to reach the quitting holder", func() bool { return a.refusedCount() > 0 })
	select {
	case r := <-res:
		t.Fatalf("the start ended while the holder still held the claim: %v", r.err)
	default:
	}
	a.Close()
	r, _ := testwait.Recv(t, res, "the waiting start's claim")
	if r.err != nil {
		t.Fatalf("the waiting start after Close: %v", r.err)
	}
	r.in.Close()
	if shown.Load() != 0 {
		t.Fatal("a request reached the quitting holder's window")
	}
}

func TestClaimQuitting(t *testing.T) {
	instanceEnv(t)
	testQuitting(t, Claim)
}

func TestClaimOneAtATime(t *testing.T) {
	instanceEnv(t)
	testOneAtATime(t, Claim)
}

func TestClaimActivate(t *testing.T) {
	instanceEnv(t)
	testActivate(t, Claim)
}

func TestClaimAfterHolderKilled(t *testing.T) {
	instanceEnv(t)
	testKilledHolder(t, Claim, "claim")
}
