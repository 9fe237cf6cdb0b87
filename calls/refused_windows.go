package calls

import "syscall"

// errRefused is a refused connection as Windows reports it (WSAECONNREFUSED,
// 10061): Go's syscall.ECONNREFUSED is a different, invented number there.
const errRefused = syscall.Errno(10061)
