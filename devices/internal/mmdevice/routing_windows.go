package mmdevice

// #cgo LDFLAGS: -lole32
// #include "routing_windows.h"
import "C"

import (
	"errors"
	"fmt"
	"path/filepath"
	"runtime"
	"strings"
	"unsafe"

	"golang.org/x/sys/windows"
)

// ErrNoPolicyConfig: the system has no IPolicyConfig (it is undocumented:
// a Windows that drops it, or Wine, which does not have it).
var ErrNoPolicyConfig = errors.New("this system has no IPolicyConfig to set the default endpoint")

// SetDefault makes the endpoint the system default for every role
// (console, multimedia, communications) through IPolicyConfig, the
// undocumented interface Windows' own Sound settings use.
func SetDefault(id string) error {
	w, err := windows.UTF16FromString(id)
	if err != nil {
		return err
	}
	runtime.LockOSThread() // COM is per thread
	defer runtime.UnlockOSThread()
	switch hr := uint32(C.md_set_default((*C.uint16_t)(&w[0]))); hr {
	case 0x80040154, 0x80004002: // REGDB_E_CLASSNOTREG, E_NOINTERFACE
		return fmt.Errorf("%w (HRESULT 0x%08X)", ErrNoPolicyConfig, hr)
	default:
		return hresultErr(id, hr)
	}
}

// ErrSessionsNotImplemented: the system's IAudioSessionManager2 cannot
// enumerate sessions (E_NOTIMPL; Wine 8's).
var ErrSessionsNotImplemented = errors.New("session enumeration is not implemented by this system")

// Session is one audio session (a program's use) of an endpoint.
type Session struct {
	PID    int
	Active bool
	Muted  bool
	// Name is the session's display name, else the process's executable
	// name ("zoom.exe"); Binary is the executable's name.
	Name, Binary string
}

// Sessions lists the programs' sessions on an endpoint
// (IAudioSessionManager2), the system sounds and expired ones left out.
func Sessions(id string) ([]Session, error) {
	var raw [C.MD_MAX_SESSIONS]C.md_session
	var n C.int
	w, err := windows.UTF16FromString(id)
	if err != nil {
		return nil, err
	}
	runtime.LockOSThread() // COM is per thread
	hr := uint32(C.md_sessions((*C.uint16_t)(&w[0]), &raw[0], &n))
	runtime.UnlockOSThread()
	switch {
	case hr == 0x80004001: // E_NOTIMPL: Wine 8's GetSessionEnumerator
		return nil, fmt.Errorf("IAudioSessionManager2 on %s: %w", id, ErrSessionsNotImplemented)
	case hr == 0x80070490:
		return nil, fmt.Errorf("%w: %s", ErrNotFound, id)
	case hr&0x80000000 != 0:
		return nil, fmt.Errorf("IAudioSessionManager2 on %s: HRESULT 0x%08X", id, hr)
	}
	var out []Session
	for i := 0; i < int(n); i++ {
		s := raw[i]
		if s.system != 0 || s.state == 2 {
			continue
		}
		ss := Session{PID: int(s.pid), Active: s.state == 1, Muted: s.muted != 0,
			Name: windows.UTF16PtrToString((*uint16)(unsafe.Pointer(&s.name[0])))}
		ss.Binary = processName(uint32(s.pid))
		if ss.Name == "" || strings.HasPrefix(ss.Name, "@") { // a resource reference, not a name
			ss.Name = ss.Binary
		}
		out = append(out, ss)
	}
	return out, nil
}

// processName is the executable's file name of a process ("" when it
// cannot be opened).
func processName(pid uint32) string {
	h, err := windows.OpenProcess(windows.PROCESS_QUERY_LIMITED_INFORMATION, false, pid)
	if err != nil {
		return ""
	}
	defer windows.CloseHandle(h)
	buf := make([]uint16, windows.MAX_PATH)
	size := uint32(len(buf))
	if err := windows.QueryFullProcessImageName(h, 0, &buf[0], &size); err != nil {
		return ""
	}
	return filepath.Base(windows.UTF16ToString(buf[:size]))
}
