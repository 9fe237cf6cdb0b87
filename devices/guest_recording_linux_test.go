package devices_test

// A call on a real card: the QEMU guest's PulseAudio on snd-dummy's card
// (see guest_profiles_linux_test.go). While another program records from
// the card's microphone the card is Recording, which is what tells
// MediaDesk a call is going (HEADSET_MODE_NO_CALL is a hint only without
// one); MediaDesk's own meters, in this process or another, never count.

import (
	"bufio"
	"context"
	"fmt"
	"os"
	"os/exec"
	"strings"
	"sync"
	"testing"
	"time"

	pulseclient "github.com/jfreymuth/pulse"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/mediadesk/mediadesk/devices"
	"github.com/mediadesk/mediadesk/internal/testwait"
)

// recordHelperEnv makes TestGuestRecordHelper, run as a child process of
// this test binary, record from a microphone: "mediadesk:ID" through
// MediaDesk's own meter (another MediaDesk process, as the window beside
// the CLI), "call:ID" as another program would (a Pulse client of its
// own, named "Some Call App").
const recordHelperEnv = "MEDIADESK_GUEST_RECORD"

// recordingHelper runs TestGuestRecordHelper as how:id and waits for its
// first captured audio; stop ends it and waits for its exit.
func recordingHelper(t *testing.T, how, id string) (stop func()) {
	t.Helper()
	child := exec.Command(os.Args[0], "-test.run=^TestGuestRecordHelper$", "-test.v")
	child.Env = append(os.Environ(), recordHelperEnv+"="+how+":"+id)
	stdin, err := child.StdinPipe()
	require.NoError(t, err)
	stdout, err := child.StdoutPipe()
	require.NoError(t, err)
	child.Stderr = os.Stderr
	require.NoError(t, child.Start())
	var waitErr error
	exited, recording := make(chan struct{}), make(chan struct{})
	go func() {
		lines := bufio.NewScanner(stdout)
		for lines.Scan() {
			t.Logf("helper %s: %s", how, lines.Text())
			if strings.HasPrefix(lines.Text(), "recording") {
				close(recording)
			}
		}
		waitErr = child.Wait()
		close(exited)
	}()
	t.Cleanup(func() { // a failed test does not leave it (or its logging) behind
		_ = child.Process.Kill()
		<-exited
	})
	select {
	case <-recording:
	case <-exited:
		t.Fatalf("helper %s exited before recording: %v", how, waitErr)
	case <-time.After(guestWait):
		t.Fatalf("helper %s: no audio within %v", how, guestWait)
	}
	return func() {
		stdin.Close()
		testwait.Recv(t, exited, "the helper's exit")
		require.NoError(t, waitErr)
	}
}

func TestGuestCardRecording(t *testing.T) {
	_, m, sub, card := dummyCardServer(t)
	assert.False(t, card.Recording, "nobody records yet")
	mic, ok := deviceOnCard(m, devices.AudioInput, card.Name)
	require.True(t, ok, "the card's source is listed: %+v", m.AudioInputDevices())
	ctx := context.Background()

	// Our own meter, and another MediaDesk process's: MediaDesk's streams
	// on the card's microphone, not a call.
	mt, err := m.OpenMeter(ctx, mic.DeviceID)
	require.NoError(t, err)
	defer mt.Close()
	testwait.Recv(t, mt.Readings(), "a reading from our own meter")
	stop := recordingHelper(t, "mediadesk", mic.DeviceID)
	require.NoError(t, m.Refresh(ctx)) // the server has both streams now
	assert.False(t, cardNamed(t, m, card.Name).Recording, "MediaDesk's meters are not a call")
	stop()

	// Another program records from it: a state event says the card is in
	// use, and another when it stops.
	start := time.Now()
	stop = recordingHelper(t, "call", mic.DeviceID)
	waitCardEvent(t, sub, card.Name, "recording", func(c devices.Card) bool { return c.Recording })
	t.Logf("another program recording: told in %v (from its start)", time.Since(start).Round(time.Millisecond))
	stop()
	waitCardEvent(t, sub, card.Name, "not recording", func(c devices.Card) bool { return !c.Recording })
	assert.False(t, cardNamed(t, m, card.Name).Recording)
}

// TestGuestRecordHelper is the other program of TestGuestCardRecording:
// it records as recordHelperEnv says until its standard input closes,
// printing "recording" once audio came. Without that variable it does
// nothing.
func TestGuestRecordHelper(t *testing.T) {
	how, id, ok := strings.Cut(os.Getenv(recordHelperEnv), ":")
	if !ok {
		t.Skip("run by TestGuestCardRecording as another process")
	}
	switch how {
	case "mediadesk":
		m := guestManager(t)
		mt, err := m.OpenMeter(context.Background(), id)
		require.NoError(t, err)
		defer mt.Close()
		testwait.Recv(t, mt.Readings(), "a reading")
	case "call":
		c, err := pulseclient.NewClient(pulseclient.ClientApplicationName("Some Call App"))
		require.NoError(t, err)
		defer c.Close()
		src, err := c.SourceByID(id)
		require.NoError(t, err)
		got := make(chan struct{})
		var once sync.Once
		r, err := c.NewRecord(pulseclient.Float32Writer(func(p []float32) (int, error) {
			once.Do(func() { close(got) })
			return len(p), nil
		}), pulseclient.RecordSource(src))
		require.NoError(t, err)
		r.Start()
		defer r.Close()
		testwait.Recv(t, got, "audio")
	default:
		t.Fatalf("%s=%q: mediadesk:ID or call:ID", recordHelperEnv, os.Getenv(recordHelperEnv))
	}
	fmt.Println("recording from", id)
	_, _ = bufio.NewReader(os.Stdin).ReadString(0) // until EOF
}
