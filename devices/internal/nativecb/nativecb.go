// Package nativecb lets OS change notifications (Windows' COM and
// configuration-manager callbacks, macOS' CoreAudio and AVFoundation
// notifications) call back into Go with a token, so C never holds a Go
// pointer. It wraps no OS API itself.
package nativecb

import (
	"io"
	"sync"
)

var (
	mu    sync.Mutex
	next  uintptr
	funcs = map[uintptr]func(){}
)

func register(f func()) uintptr {
	mu.Lock()
	defer mu.Unlock()
	next++
	funcs[next] = f
	return next
}

func unregister(token uintptr) {
	mu.Lock()
	defer mu.Unlock()
	delete(funcs, token)
}

// Fire calls the function of token; a stale token (a callback racing
// Close) does nothing.
func Fire(token uintptr) {
	mu.Lock()
	f := funcs[token]
	mu.Unlock()
	if f != nil {
		f()
	}
}

// watch is a started set of native notifications.
type watch struct {
	token uintptr
	stop  func()
	once  sync.Once
}

func (w *watch) Close() error {
	w.once.Do(func() {
		w.stop()
		unregister(w.token)
	})
	return nil
}

// Start registers f and starts an OS's notifications with its token; start
// returns how to stop them, or ok false when nothing could start (nil is
// returned then, and the caller's safety rescan covers changes). Close is
// safe to call twice.
func Start(f func(), start func(token uintptr) (stop func(), ok bool)) io.Closer {
	token := register(f)
	stop, ok := start(token)
	if !ok {
		unregister(token)
		return nil
	}
	return &watch{token: token, stop: stop}
}
