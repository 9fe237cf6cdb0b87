package devices

import (
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

// ueventWatch listens for video4linux and sound uevents. It joins udev's
// group when udev runs (nodes and links are ready by then) and the kernel's
// otherwise. Reads wait in poll(2) on the socket and an eventfd, so it
// sleeps until something happens and Close wakes it at once.
type ueventWatch struct {
	fd, wake int
	dirty    func()
	udev     bool
	done     chan struct{}
	once     sync.Once
}

func startUeventWatch(dirty func()) (*ueventWatch, error) {
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
	w := &ueventWatch{fd: fd, wake: wake, dirty: dirty, udev: udev, done: make(chan struct{})}
	go w.run()
	return w, nil
}

func udevRunning() bool {
	_, err := os.Stat("/run/udev/control")
	return err == nil
}

func (w *ueventWatch) run() {
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
		for {
			n, _, err := unix.Recvfrom(w.fd, buf, 0)
			if err != nil {
				break // EAGAIN: drained
			}
			e, ok := parseUevent(buf[:n])
			if !ok || !relevantUevent(e) {
				continue
			}
			if w.udev {
				w.dirty()
			} else {
				time.AfterFunc(kernelSettle, w.dirty)
			}
		}
	}
}

func (w *ueventWatch) Close() error {
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
