package devices_test

// A call on a real card: the QEMU guest's PulseAudio on snd-dummy's card
// (see guest_profiles_linux_test.go). While another program records from
// the card's microphone the card is Recording, which is what tells
// MediaDesk a call is going (HEADSET_MODE_NO_CALL is a hint only without
// one); MediaDesk's own meter on it never counts.

import (
	"bufio"
	"context"
	"fmt"
	"os"
	"os/exec"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/mediadesk/mediadesk/devices"
	"github.com/mediadesk/mediadesk/internal/testwait"
)

// recordHelperEnv makes TestGuestRecordHelper, run as a child process of
// this test binary, record from the microphone it names: another program,
// as a call app would be.
const recordHelperEnv = "MEDIADESK_GUEST_RECORD_FROM"

func TestGuestCardRecording(t *testing.T) {
	_, m, sub, card := dummyCardServer(t)
	assert.False(t, card.Recording, "nobody records yet")
	mic, ok := deviceOnCard(m, devices.AudioInput, card.Name)
	require.True(t, ok, "the card's source is listed: %+v", m.AudioInputDevices())

	// Our own meter: a stream on the card's microphone, not a call.
	ctx := context.Background()
	mt, err := m.OpenMeter(ctx, mic.DeviceID)
	require.NoError(t, err)
	defer mt.Close()
	testwait.Recv(t, mt.Readings(), "a reading from our own meter")
	require.NoError(t, m.Refresh(ctx)) // the server has our stream now
	assert.False(t, cardNamed(t, m, card.Name).Recording, "our own meter is not a call")

	// Another program records from it: a state event says the card is in
	// use, and another when it stops.
	child := exec.Command(os.Args[0], "-test.run=^TestGuestRecordHelper$", "-test.v")
	child.Env = append(os.Environ(), recordHelperEnv+"="+mic.DeviceID)
	stdin, err := child.StdinPipe()
	require.NoError(t, err)
	stdout, err := child.StdoutPipe()
	require.NoError(t, err)
	child.Stderr = os.Stderr
	require.NoError(t, child.Start())
	var waitErr error
	exited := make(chan struct{})
	go func() {
		// The helper says "recording" once its first reading came.
		lines := bufio.NewScanner(stdout)
		for lines.Scan() {
			t.Logf("helper: %s", lines.Text())
		}
		waitErr = child.Wait()
		close(exited)
	}()
	t.Cleanup(func() { // a failed test does not leave it (or its logging) behind
		_ = child.Process.Kill()
		<-exited
	})
	start := time.Now()
	waitCardEvent(t, sub, card.Name, "recording", func(c devices.Card) bool { return c.Recording })
	t.Logf("another program recording: told in %v (from its start)", time.Since(start).Round(time.Millisecond))
	stdin.Close() // the helper stops
	testwait.Recv(t, exited, "the helper's exit")
	require.NoError(t, waitErr)
	waitCardEvent(t, sub, card.Name, "not recording", func(c devices.Card) bool { return !c.Recording })
	assert.False(t, cardNamed(t, m, card.Name).Recording)
}

// TestGuestRecordHelper is the other program of TestGuestCardRecording:
// it records from the microphone recordHelperEnv names until its standard
// input closes. Without that variable it does nothing.
func TestGuestRecordHelper(t *testing.T) {
	id := os.Getenv(recordHelperEnv)
	if id == "" {
		t.Skip("run by TestGuestCardRecording as another process")
	}
	m := guestManager(t)
	mt, err := m.OpenMeter(context.Background(), id)
	require.NoError(t, err)
	defer mt.Close()
	testwait.Recv(t, mt.Readings(), "a reading")
	fmt.Println("recording from", strings.TrimSpace(id))
	_, _ = bufio.NewReader(os.Stdin).ReadString(0) // until EOF
}
