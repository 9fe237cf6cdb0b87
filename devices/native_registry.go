//go:build windows || darwin

package devices

import "sync"

// Native change notifications (Windows, macOS) call back into Go with a
// token, so C never holds a Go pointer; the token names the pipeline's
// dirty function here.
var (
	nativeMu    sync.Mutex
	nativeNext  uintptr
	nativeDirty = map[uintptr]func(){}
)

func registerNative(dirty func()) uintptr {
	nativeMu.Lock()
	defer nativeMu.Unlock()
	nativeNext++
	nativeDirty[nativeNext] = dirty
	return nativeNext
}

func unregisterNative(token uintptr) {
	nativeMu.Lock()
	defer nativeMu.Unlock()
	delete(nativeDirty, token)
}

// fireNative marks the pipeline of token dirty; a stale token (a callback
// racing Close) does nothing.
func fireNative(token uintptr) {
	nativeMu.Lock()
	f := nativeDirty[token]
	nativeMu.Unlock()
	if f != nil {
		f()
	}
}

// nativeWatch is a started set of native notifications.
type nativeWatch struct {
	token uintptr
	stop  func()
	once  sync.Once
}

func (w *nativeWatch) Close() error {
	w.once.Do(func() {
		w.stop()
		unregisterNative(w.token)
	})
	return nil
}

// startNative registers dirty and starts an OS's notifications with its
// token; start returns how to stop them, or ok false when nothing could
// start (the safety rescan then covers changes).
func startNative(dirty func(), start func(token uintptr) (stop func(), ok bool)) []dirtySource {
	token := registerNative(dirty)
	stop, ok := start(token)
	if !ok {
		unregisterNative(token)
		return nil
	}
	return []dirtySource{&nativeWatch{token: token, stop: stop}}
}
