//go:build windows || darwin

package desktop

import "context"

// TrayHost: Windows' notification area and macOS's menu bar are always
// there.
func TrayHost(context.Context) bool { return true }
