//go:build unix

package desktop

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"net"
	"os"
	"path/filepath"
	"runtime"
	"syscall"
	"time"

	"golang.org/x/sys/unix"
)

// claimSocket is the claim as a lock and a socket (macOS, and XDG
// desktops without a session bus): whoever holds the flock on
// <dir>/<name>.lock is the one MediaDesk and listens on <dir>/<name>.sock.
// The kernel drops the lock with the process, even a killed one; the
// socket it leaves is removed by the next holder of the lock. Files are
// opened close-on-exec, so no child process keeps the lock.
func claimSocket(ctx context.Context, o InstanceOptions) (*Instance, error) {
	o.defaults()
	dir, err := runtimeDir()
	if err != nil {
		return nil, err
	}
	lockPath := filepath.Join(dir, o.Name+".lock")
	sockPath := filepath.Join(dir, o.Name+".sock")
	ctx, cancel := context.WithTimeout(ctx, o.Wait)
	defer cancel()
	for {
		f, err := os.OpenFile(lockPath, os.O_RDWR|os.O_CREATE, 0o600)
		if err != nil {
			return nil, fmt.Errorf("cannot open the instance lock: %w", err)
		}
		err = unix.Flock(int(f.Fd()), unix.LOCK_EX|unix.LOCK_NB)
		if err == nil {
			return listenSocket(f, sockPath)
		}
		f.Close()
		if !errors.Is(err, unix.EWOULDBLOCK) {
			return nil, fmt.Errorf("cannot lock %s: %w", lockPath, err)
		}
		if !o.Activate {
			return nil, ErrAlreadyRunning
		}
		err = askSocket(ctx, sockPath)
		if err == nil {
			return nil, ErrAlreadyRunning
		}
		// The holder is starting (not listening yet) or has just ended (the
		// lock is free on the next round): again, briefly.
		select {
		case <-ctx.Done():
			return nil, fmt.Errorf("%w (%s): %v", ErrNoAnswer, sockPath, err)
		case <-time.After(20 * time.Millisecond):
		}
	}
}

// listenSocket serves the socket for the holder of the lock f.
func listenSocket(lock *os.File, sockPath string) (*Instance, error) {
	// A killed MediaDesk's socket: the lock says nobody listens on it.
	if err := os.Remove(sockPath); err != nil && !errors.Is(err, os.ErrNotExist) {
		lock.Close()
		return nil, fmt.Errorf("cannot remove the old instance socket: %w", err)
	}
	l, err := net.Listen("unix", sockPath)
	if err != nil {
		lock.Close()
		return nil, fmt.Errorf("cannot listen on the instance socket: %w", err)
	}
	in := &Instance{How: "the lock and socket " + sockPath}
	done := make(chan struct{})
	go func() {
		defer close(done)
		for {
			c, err := l.Accept()
			if err != nil {
				return
			}
			go serveSocketConn(c, in)
		}
	}()
	in.release = func() {
		l.Close() // removes the socket file
		<-done
		lock.Close()
	}
	return in, nil
}

func serveSocketConn(c net.Conn, in *Instance) {
	defer c.Close()
	_ = c.SetDeadline(time.Now().Add(5 * time.Second))
	line, err := bufio.NewReader(&limitedReader{c, 256}).ReadString('\n')
	if err != nil {
		return
	}
	if line != sockActivate+"\n" {
		fmt.Fprintln(c, "unknown request")
		return
	}
	if !in.activate() {
		fmt.Fprintln(c, errQuitting)
		return
	}
	fmt.Fprintln(c, sockOK)
}

// askSocket asks the holder of the lock to show its window.
func askSocket(ctx context.Context, sockPath string) error {
	var d net.Dialer
	c, err := d.DialContext(ctx, "unix", sockPath)
	if err != nil {
		return err
	}
	defer c.Close()
	if dl, ok := ctx.Deadline(); ok {
		_ = c.SetDeadline(dl)
	}
	if _, err := fmt.Fprintln(c, sockActivate); err != nil {
		return err
	}
	line, err := bufio.NewReader(&limitedReader{c, 256}).ReadString('\n')
	if err != nil {
		return err
	}
	if line != sockOK+"\n" {
		return fmt.Errorf("unexpected answer %q", line)
	}
	return nil
}

// limitedReader ends a reader after n bytes (a line that never ends is
// not read forever).
type limitedReader struct {
	r net.Conn
	n int
}

func (l *limitedReader) Read(p []byte) (int, error) {
	if l.n <= 0 {
		return 0, errors.New("request too long")
	}
	if len(p) > l.n {
		p = p[:l.n]
	}
	n, err := l.r.Read(p)
	l.n -= n
	return n, err
}

// runtimeDir is where the lock and socket live: $XDG_RUNTIME_DIR (per
// user, 0700, emptied at logout), $TMPDIR on macOS (per user), otherwise
// a 0700 folder of this user's in the temporary directory, refused when
// someone else made it.
func runtimeDir() (string, error) {
	if d := os.Getenv("XDG_RUNTIME_DIR"); d != "" {
		return d, nil
	}
	if runtime.GOOS == "darwin" {
		return os.TempDir(), nil
	}
	d := filepath.Join(os.TempDir(), fmt.Sprintf("mediadesk-%d", os.Getuid()))
	if err := os.Mkdir(d, 0o700); err != nil && !errors.Is(err, os.ErrExist) {
		return "", fmt.Errorf("cannot make %s: %w", d, err)
	}
	fi, err := os.Lstat(d)
	if err != nil {
		return "", err
	}
	st, ok := fi.Sys().(*syscall.Stat_t)
	if !fi.IsDir() || !ok || int(st.Uid) != os.Getuid() || fi.Mode().Perm() != 0o700 {
		return "", fmt.Errorf("%s is not a private folder of this user's", d)
	}
	return d, nil
}
