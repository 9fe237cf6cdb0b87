//go:build !windows

package calls

import "syscall"

// errRefused is a refused connection (ECONNREFUSED).
const errRefused = syscall.ECONNREFUSED
