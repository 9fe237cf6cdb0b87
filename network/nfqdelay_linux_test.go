package network

import (
	"encoding/binary"
	"errors"
	"os"
	"os/exec"
	"runtime"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
	"golang.org/x/sys/unix"
)

// Delay without netem. This kernel has no sch_netem (nor fq, whose
// earliest-departure-time would let a BPF program delay packets), but it
// has netfilter's NFQUEUE: an iptables rule in the namespace hands each
// outgoing packet to a queue, the kernel holds it there, and this process
// (listening on that queue through a netlink socket made inside the
// namespace) tells the kernel to let it go d later, in order. The packets
// never leave the kernel and take the namespace's real link; only the
// moment they may go is decided here. NFQUEUE's netlink messages are few
// and fixed (linux/netfilter/nfnetlink_queue.h), so they are written out
// here rather than adding a library for a test.

const (
	nfnlSubsysQueue   = 3
	nfqnlMsgPacket    = 0
	nfqnlMsgVerdict   = 1
	nfqnlMsgConfig    = 2
	nfqaPacketHdr     = 1
	nfqaVerdictHdr    = 2
	nfqaCfgCmd        = 1
	nfqaCfgParams     = 2
	nfqnlCfgCmdBind   = 1
	nfqnlCopyMeta     = 1
	nfAccept          = 1
	nlmsgHdrLen       = 16
	nfgenHdrLen       = 4
	iptablesQueueBase = 4100
)

// nfqDelay delays every packet the namespace sends by d (see above).
func (ns *netns) nfqDelay(t testing.TB, d time.Duration) {
	t.Helper()
	if _, err := exec.LookPath("iptables"); err != nil {
		t.Skip("iptables is missing (make test-deps installs it): no delay without netem")
	}
	queue := uint16(iptablesQueueBase + netnsSeq.Load())
	fd := netlinkInNetns(t, ns.name)
	// Both goroutines below end before the socket closes (a read blocked
	// on a closed descriptor is not woken, and the number could be
	// reused): reads time out every 100 ms to look at done.
	done, readerDone, verdictsDone := make(chan struct{}), make(chan struct{}), make(chan struct{})
	t.Cleanup(func() {
		close(done)
		<-readerDone
		<-verdictsDone
		unix.Close(fd)
	})
	_ = unix.SetsockoptInt(fd, unix.SOL_SOCKET, unix.SO_RCVBUF, 4<<20)
	require.NoError(t, unix.Bind(fd, &unix.SockaddrNetlink{Family: unix.AF_NETLINK}))
	cmd := []byte{nfqnlCfgCmdBind, 0, 0, 0} // command, pad, pf (unused)
	require.NoError(t, nfqSend(fd, nfqnlMsgConfig, queue, unix.NLM_F_ACK, attr(nfqaCfgCmd, cmd)), "NFQUEUE bind")
	require.NoError(t, nfqAck(fd), "NFQUEUE bind")
	params := make([]byte, 5)
	binary.BigEndian.PutUint32(params, 0) // copy_range: no payload
	params[4] = nfqnlCopyMeta
	require.NoError(t, nfqSend(fd, nfqnlMsgConfig, queue, unix.NLM_F_ACK, attr(nfqaCfgParams, params)), "NFQUEUE params")
	require.NoError(t, nfqAck(fd), "NFQUEUE params")

	type held struct {
		id  uint32
		due time.Time
	}
	pending := make(chan held, 65536)
	go func() { // the verdicts, in arrival order, each d after arrival
		defer close(verdictsDone)
		for h := range pending {
			time.Sleep(time.Until(h.due))
			v := make([]byte, 8)
			binary.BigEndian.PutUint32(v[0:], nfAccept)
			binary.BigEndian.PutUint32(v[4:], h.id)
			if nfqSend(fd, nfqnlMsgVerdict, queue, 0, attr(nfqaVerdictHdr, v)) != nil {
				return // the socket closed: the test is over
			}
		}
	}()
	tv := unix.NsecToTimeval((100 * time.Millisecond).Nanoseconds())
	require.NoError(t, unix.SetsockoptTimeval(fd, unix.SOL_SOCKET, unix.SO_RCVTIMEO, &tv))
	go func() { // the packets
		defer close(readerDone)
		defer close(pending)
		buf := make([]byte, 1<<16)
		for {
			select {
			case <-done:
				return
			default:
			}
			n, _, err := unix.Recvfrom(fd, buf, 0)
			if errors.Is(err, unix.ENOBUFS) || errors.Is(err, unix.EINTR) || errors.Is(err, unix.EAGAIN) {
				continue
			}
			if err != nil {
				return
			}
			now := time.Now()
			for _, id := range nfqPacketIDs(buf[:n]) {
				pending <- held{id, now.Add(d)}
			}
		}
	}()
	sh(t, "ip", "netns", "exec", ns.name, "iptables", "-A", "OUTPUT", "-o", ns.nsIf, "-j", "NFQUEUE", "--queue-num", itoa(int(queue)))
}

// netlinkInNetns opens a netfilter netlink socket inside the namespace: a
// socket stays in the namespace it was made in, so one locked thread
// enters it, makes the socket and comes back.
func netlinkInNetns(t testing.TB, name string) int {
	t.Helper()
	target, err := os.Open("/var/run/netns/" + name)
	require.NoError(t, err)
	defer target.Close()
	self, err := os.Open("/proc/thread-self/ns/net")
	require.NoError(t, err)
	defer self.Close()
	runtime.LockOSThread()
	require.NoError(t, unix.Setns(int(target.Fd()), unix.CLONE_NEWNET))
	fd, serr := unix.Socket(unix.AF_NETLINK, unix.SOCK_RAW|unix.SOCK_CLOEXEC, unix.NETLINK_NETFILTER)
	if err := unix.Setns(int(self.Fd()), unix.CLONE_NEWNET); err != nil {
		// Still locked: the thread, in the wrong namespace, ends with
		// this goroutine instead of running other goroutines.
		t.Fatalf("cannot return to the test's network namespace: %v", err)
	}
	runtime.UnlockOSThread()
	require.NoError(t, serr)
	return fd
}

func attr(typ uint16, payload []byte) []byte {
	n := 4 + len(payload)
	b := make([]byte, (n+3)&^3)
	binary.NativeEndian.PutUint16(b[0:], uint16(n))
	binary.NativeEndian.PutUint16(b[2:], typ)
	copy(b[4:], payload)
	return b
}

func nfqSend(fd int, msg uint16, queue uint16, flags uint16, attrs ...[]byte) error {
	b := make([]byte, nlmsgHdrLen+nfgenHdrLen)
	for _, a := range attrs {
		b = append(b, a...)
	}
	binary.NativeEndian.PutUint32(b[0:], uint32(len(b)))
	binary.NativeEndian.PutUint16(b[4:], nfnlSubsysQueue<<8|msg)
	binary.NativeEndian.PutUint16(b[6:], unix.NLM_F_REQUEST|flags)
	b[16] = unix.AF_UNSPEC // nfgenmsg: family, version 0, queue (big-endian)
	binary.BigEndian.PutUint16(b[18:], queue)
	return unix.Sendto(fd, b, 0, &unix.SockaddrNetlink{Family: unix.AF_NETLINK})
}

// nfqAck reads the kernel's answer to a request sent with NLM_F_ACK.
func nfqAck(fd int) error {
	buf := make([]byte, 4096)
	n, _, err := unix.Recvfrom(fd, buf, 0)
	if err != nil {
		return err
	}
	if n < nlmsgHdrLen+4 || binary.NativeEndian.Uint16(buf[4:]) != unix.NLMSG_ERROR {
		return errors.New("no netlink acknowledgement")
	}
	if code := int32(binary.NativeEndian.Uint32(buf[16:])); code != 0 {
		return unix.Errno(-code)
	}
	return nil
}

// nfqPacketIDs are the ids of the queued packets in one read.
func nfqPacketIDs(b []byte) []uint32 {
	var ids []uint32
	for len(b) >= nlmsgHdrLen {
		l := int(binary.NativeEndian.Uint32(b[0:]))
		if l < nlmsgHdrLen || l > len(b) {
			break
		}
		if binary.NativeEndian.Uint16(b[4:]) == nfnlSubsysQueue<<8|nfqnlMsgPacket && l >= nlmsgHdrLen+nfgenHdrLen {
			a := b[nlmsgHdrLen+nfgenHdrLen : l]
			for len(a) >= 4 {
				al := int(binary.NativeEndian.Uint16(a[0:]))
				if al < 4 || al > len(a) {
					break
				}
				if binary.NativeEndian.Uint16(a[2:])&0x3fff == nfqaPacketHdr && al >= 8 {
					ids = append(ids, binary.BigEndian.Uint32(a[4:]))
				}
				a = a[min((al+3)&^3, len(a)):]
			}
		}
		b = b[min((l+3)&^3, len(b)):]
	}
	return ids
}
