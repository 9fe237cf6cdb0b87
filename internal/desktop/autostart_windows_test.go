//go:build windows

package desktop

import (
	"errors"
	"fmt"
	"os"
	"testing"

	"golang.org/x/sys/windows/registry"
)

// testKey is a Run key of the test's own, so a run on a real Windows
// machine never touches the person's.
func testKey(t *testing.T) string {
	k := fmt.Sprintf(`Software\MediaDeskTest\Run%d`, os.Getpid())
	t.Cleanup(func() {
		registry.DeleteKey(registry.CURRENT_USER, k)
		registry.DeleteKey(registry.CURRENT_USER, `Software\MediaDeskTest`)
	})
	return k
}

func TestAutostartRunKeyOnOff(t *testing.T) {
	a := Autostart{Key: testKey(t), Exe: `C:\Users\Me\AppData\Local\Programs\MediaDesk\mediadesk.exe`}
	if on, err := a.AutostartEnabled(); err != nil || on {
		t.Fatalf("before: enabled=%v err=%v", on, err)
	}
	if err := a.EnableAutostart(); err != nil {
		t.Fatal(err)
	}
	k, err := registry.OpenKey(registry.CURRENT_USER, a.Key, registry.QUERY_VALUE)
	if err != nil {
		t.Fatal(err)
	}
	v, typ, err := k.GetStringValue(RunValueName)
	k.Close()
	if err != nil || typ != registry.SZ {
		t.Fatalf("Run value: %q type %d err %v", v, typ, err)
	}
	if want := `"C:\Users\Me\AppData\Local\Programs\MediaDesk\mediadesk.exe" --background`; v != want {
		t.Fatalf("Run value = %q, want %q", v, want)
	}
	if on, err := a.AutostartEnabled(); err != nil || !on {
		t.Fatalf("after on: enabled=%v err=%v", on, err)
	}
	if err := a.DisableAutostart(); err != nil {
		t.Fatal(err)
	}
	k, _ = registry.OpenKey(registry.CURRENT_USER, a.Key, registry.QUERY_VALUE)
	_, _, err = k.GetStringValue(RunValueName)
	k.Close()
	if !errors.Is(err, registry.ErrNotExist) {
		t.Fatalf("Run value still there after off: %v", err)
	}
	if err := a.DisableAutostart(); err != nil {
		t.Fatalf("off twice: %v", err)
	}
}

func TestAutostartRunKeyLeavesAnotherValue(t *testing.T) {
	a := Autostart{Key: testKey(t)}
	k, _, err := registry.CreateKey(registry.CURRENT_USER, a.Key, registry.SET_VALUE)
	if err != nil {
		t.Fatal(err)
	}
	k.SetStringValue(RunValueName, `C:\Other\thing.exe`)
	k.Close()
	if err := a.DisableAutostart(); !errors.Is(err, ErrNotOurs) {
		t.Fatalf("Disable on another program's value: %v, want ErrNotOurs", err)
	}
}
