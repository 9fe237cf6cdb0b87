package uevent

import (
	"errors"
	"os"
	"sync"
	"time"

	"golang.org/x/sys/unix"
)

const (
	ueventGroupKernel = 1
	ueventGroupUdev   = 2
	// Without udev, kernel events arrive before the node's permissions and
	// /dev/v4l links exist: wait a moment before scanning.
	kernelSettle = 300 * time.Millisecond
)

// Watch listens for video4linux and sound uevents. It joins udev's
// group when udev runs (nodes and links are ready by then) and the kernel's
// otherwise. Reads wait in poll(2) on the socket and an eventfd, so it
// sleeps until something happens and Close wakes it at once.
type Watch struct {
	fd, wake int
	dirty    func(What)
	udev     bool
	done     chan struct{}
	once     sync.Once
	// recv reads one message; a seam so tests can make the kernel drop
	// events.
	recv func(fd int, buf []byte) (int, unix.Sockaddr, error)
}

func recvfrom(fd int, buf []byte) (int, unix.Sockaddr, error) { return unix.Recvfrom(fd, buf, 0) }

// Start opens the netlink socket and calls dirty, from its own goroutine,
// for every event that touches a device list. When the kernel dropped
// events (the socket's buffer overflowed) it calls dirty(Audio|Video) at
// once, since anything may have changed.
func Start(dirty func(What)) (*Watch, error) {
	udev := udevRunning()
	group := uint32(ueventGroupKernel)
	if udev {
		group = ueventGroupUdev
	}
	fd, err := unix.Socket(unix.AF_NETLINK, unix.SOCK_DGRAM|unix.SOCK_CLOEXEC|unix.SOCK_NONBLOCK, unix.NETLINK_KOBJECT_UEVENT)
	if err != nil {
		return nil, err
	}
	if err := unix.Bind(fd, &unix.SockaddrNetlink{Family: unix.AF_NETLINK, Groups: group}); err != nil {
		unix.Close(fd)
		return nil, err
	}
	wake, err := unix.Eventfd(0, unix.EFD_CLOEXEC|unix.EFD_NONBLOCK)
	if err != nil {
		unix.Close(fd)
		return nil, err
	}
	w := &Watch{fd: fd, wake: wake, dirty: dirty, udev: udev, done: make(chan struct{}), recv: recvfrom}
	go w.run()
	return w, nil
}

func udevRunning() bool {
	_, err := os.Stat("/run/udev/control")
	return err == nil
}

func (w *Watch) run() {
	defer close(w.done)
	buf := make([]byte, 64<<10)
	fds := []unix.PollFd{{Fd: int32(w.fd), Events: unix.POLLIN}, {Fd: int32(w.wake), Events: unix.POLLIN}}
	for {
		_, err := unix.Poll(fds, -1)
		if err == unix.EINTR {
			continue
		}
		if err != nil || fds[1].Revents != 0 {
			return
		}
		w.drain(buf)
	}
}

// drain reads every waiting message. ENOBUFS means the kernel dropped
// messages because we read too slowly: which devices they were about is
// lost, so everything is rescanned. Any other error (EAGAIN) means drained.
func (w *Watch) drain(buf []byte) {
	for {
		n, _, err := w.recv(w.fd, buf)
		if errors.Is(err, unix.ENOBUFS) {
			w.dirty(Audio | Video)
			continue
		}
		if err != nil {
			return
		}
		e, ok := Parse(buf[:n])
		if !ok {
			continue
		}
		what := e.Touches()
		switch {
		case what == 0:
		case w.udev:
			w.dirty(what)
		default:
			time.AfterFunc(kernelSettle, func() { w.dirty(what) })
		}
	}
}

// Close stops the watch and waits for its goroutine. A second Close is a
// no-op.
func (w *Watch) Close() error {
	w.once.Do(func() {
		var one [8]byte
		one[0] = 1
		unix.Write(w.wake, one[:])
		<-w.done
		unix.Close(w.fd)
		unix.Close(w.wake)
	})
	return nil
}
