//go:build !unix

package camera

import "testing"

// cpuClock reports nothing where getrusage is missing (Windows).
type cpuClock struct{}

func startCPU() cpuClock           { return cpuClock{} }
func (cpuClock) report(*testing.B) {}
