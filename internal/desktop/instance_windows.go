//go:build windows

package desktop

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"sync"
	"time"
	"unsafe"

	"golang.org/x/sys/windows"
)

// Claim makes this process the user's one MediaDesk, or finds the one
// that runs: ErrAlreadyRunning then (after it was asked to show its window,
// with o.Activate), or ErrNoAnswer when it did not take the request. Any
// other error means it could not be told (the caller may run anyway).
//
// On Windows: the named pipe \\.\pipe\<name>.<user SID>.<session id>,
// created with FILE_FLAG_FIRST_PIPE_INSTANCE (a second creation fails
// while any process has it open), one instance, this user only, no remote
// clients. The kernel closes it with its process, killed or not. It takes
// the request "activate" and answers "ok", a line each.
func Claim(ctx context.Context, o InstanceOptions) (*Instance, error) {
	o.defaults()
	path, err := pipePath(o.Name)
	if err != nil {
		return nil, fmt.Errorf("cannot name the instance pipe: %w", err)
	}
	ctx, cancel := context.WithTimeout(ctx, o.Wait)
	defer cancel()
	for {
		h, err := createPipe(path)
		if err == nil {
			return servePipe(h, path), nil
		}
		if !errors.Is(err, windows.ERROR_ACCESS_DENIED) && !errors.Is(err, windows.ERROR_PIPE_BUSY) {
			return nil, fmt.Errorf("cannot create the instance pipe: %w", err)
		}
		// Another process has the pipe: it runs.
		if !o.Activate {
			return nil, ErrAlreadyRunning
		}
		err = askPipe(ctx, path)
		if err == nil {
			return nil, ErrAlreadyRunning
		}
		// Busy with another request, or just ended (the next creation
		// succeeds): again, briefly.
		select {
		case <-ctx.Done():
			return nil, fmt.Errorf("%w (%s): %v", ErrNoAnswer, path, err)
		case <-time.After(20 * time.Millisecond):
		}
	}
}

// pipePath is the pipe's name for this user in this logon session: pipes
// are one namespace for the machine, a window only shows in its session.
func pipePath(name string) (string, error) {
	u, err := windows.GetCurrentProcessToken().GetTokenUser()
	if err != nil {
		return "", err
	}
	var session uint32
	if err := windows.ProcessIdToSessionId(windows.GetCurrentProcessId(), &session); err != nil {
		return "", err
	}
	return fmt.Sprintf(`\\.\pipe\%s.%s.%d`, name, u.User.Sid.String(), session), nil
}

// createPipe creates the pipe's first (and only) instance, which only
// this user can open.
func createPipe(path string) (windows.Handle, error) {
	u, err := windows.GetCurrentProcessToken().GetTokenUser()
	if err != nil {
		return 0, err
	}
	sd, err := windows.SecurityDescriptorFromString("D:P(A;;GA;;;" + u.User.Sid.String() + ")")
	if err != nil {
		return 0, err
	}
	sa := &windows.SecurityAttributes{SecurityDescriptor: sd}
	sa.Length = uint32(unsafe.Sizeof(*sa))
	p, err := windows.UTF16PtrFromString(path)
	if err != nil {
		return 0, err
	}
	return windows.CreateNamedPipe(p,
		windows.PIPE_ACCESS_DUPLEX|windows.FILE_FLAG_FIRST_PIPE_INSTANCE,
		windows.PIPE_TYPE_BYTE|windows.PIPE_READMODE_BYTE|windows.PIPE_WAIT|windows.PIPE_REJECT_REMOTE_CLIENTS,
		1, 512, 512, 0, sa)
}

// servePipe answers requests on h until the Instance is closed.
func servePipe(h windows.Handle, path string) *Instance {
	in := &Instance{How: "the named pipe " + path}
	var mu sync.Mutex
	closing := false
	done := make(chan struct{})
	go func() {
		defer close(done)
		defer windows.CloseHandle(h)
		for {
			err := windows.ConnectNamedPipe(h, nil)
			mu.Lock()
			stop := closing
			mu.Unlock()
			if stop {
				_ = windows.DisconnectNamedPipe(h)
				return
			}
			if err == nil || errors.Is(err, windows.ERROR_PIPE_CONNECTED) {
				line, rerr := readPipeLine(h)
				if rerr == nil {
					switch {
					case line != sockActivate:
						_ = writePipe(h, "unknown request\n")
					case in.activate():
						_ = writePipe(h, sockOK+"\n")
					default:
						_ = writePipe(h, errQuitting+"\n")
					}
					_ = windows.FlushFileBuffers(h)
				}
			}
			_ = windows.DisconnectNamedPipe(h)
		}
	}()
	in.release = func() {
		mu.Lock()
		closing = true
		mu.Unlock()
		// The loop waits in ConnectNamedPipe: a connection of our own wakes
		// it to see the closing.
		deadline := time.Now().Add(2 * time.Second)
		for time.Now().Before(deadline) {
			c, err := openPipe(path)
			if err == nil {
				windows.CloseHandle(c)
				break
			}
			if !errors.Is(err, windows.ERROR_PIPE_BUSY) {
				break
			}
			time.Sleep(10 * time.Millisecond)
		}
		select {
		case <-done:
		case <-time.After(2 * time.Second):
		}
	}
	return in
}

var procAllowSetForegroundWindow = windows.NewLazySystemDLL("user32.dll").NewProc("AllowSetForegroundWindow")

func openPipe(path string) (windows.Handle, error) {
	p, err := windows.UTF16PtrFromString(path)
	if err != nil {
		return 0, err
	}
	return windows.CreateFile(p, windows.GENERIC_READ|windows.GENERIC_WRITE, 0, nil, windows.OPEN_EXISTING, 0, 0)
}

// askPipe asks the pipe's owner to show its window.
func askPipe(ctx context.Context, path string) error {
	h, err := openPipe(path)
	if err != nil {
		return err
	}
	// This process was started by the person (it may take the
	// foreground); the owner, asked to raise its window, may not unless
	// allowed: Windows' focus-stealing rule.
	var owner uint32
	if windows.GetNamedPipeServerProcessId(h, &owner) == nil {
		_, _, _ = procAllowSetForegroundWindow.Call(uintptr(owner))
	}
	res := make(chan error, 1)
	go func() {
		if err := writePipe(h, sockActivate+"\n"); err != nil {
			res <- err
			return
		}
		line, err := readPipeLine(h)
		switch {
		case err != nil:
			res <- err
		case line != sockOK:
			res <- fmt.Errorf("unexpected answer %q", line)
		default:
			res <- nil
		}
	}()
	select {
	case err = <-res:
		windows.CloseHandle(h)
		return err
	case <-ctx.Done():
		// A hung owner: the blocked read may stay until the process ends.
		return ctx.Err()
	}
}

// readLine reads one line (without its newline) of at most 256 bytes.
func readPipeLine(h windows.Handle) (string, error) {
	var buf []byte
	b := make([]byte, 64)
	for len(buf) < 256 {
		var n uint32
		if err := windows.ReadFile(h, b, &n, nil); err != nil {
			return "", err
		}
		if n == 0 {
			continue
		}
		buf = append(buf, b[:n]...)
		if i := bytes.IndexByte(buf, '\n'); i >= 0 {
			return string(buf[:i]), nil
		}
	}
	return "", errors.New("request too long")
}

func writePipe(h windows.Handle, s string) error {
	b := []byte(s)
	for len(b) > 0 {
		var n uint32
		if err := windows.WriteFile(h, b, &n, nil); err != nil {
			return err
		}
		b = b[n:]
	}
	return nil
}
