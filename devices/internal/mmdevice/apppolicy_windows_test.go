package mmdevice

import (
	"os"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"golang.org/x/sys/windows"
)

// underWine reports whether this Windows is Wine (its ntdll exports
// wine_get_version).
func underWine() bool {
	return windows.NewLazySystemDLL("ntdll.dll").NewProc("wine_get_version").Find() == nil
}

// Moving one app (IAudioPolicyConfigFactory, undocumented): under Wine
// (make test-wine), whose combase has no such class, it fails with the
// typed ErrNoAppPolicy and CanMoveApps says so; on a Windows that has it,
// putting this test's own process back on the system default works.
func TestMoveAppWorksOrSaysUnsupported(t *testing.T) {
	err := MoveApp(os.Getpid(), false, "")
	t.Logf("MoveApp of this process: %v (Wine: %v)", err, underWine())
	if underWine() {
		require.ErrorIs(t, err, ErrNoAppPolicy, "Wine 8 has no Windows.Media.Internal.AudioPolicyConfig; a Wine that has one needs this test changed")
		assert.Contains(t, err.Error(), "IAudioPolicyConfigFactory")
		assert.False(t, CanMoveApps())
		return
	}
	if !CanMoveApps() {
		require.ErrorIs(t, err, ErrNoAppPolicy)
		return
	}
	require.NoError(t, err)
}
