//go:build unix

package camera

import (
	"syscall"
	"testing"
	"time"
)

// cpuClock measures the process's CPU time, reported beside the wall time
// as cpu-ns/op: the machine running benchmarks is shared, and the wall
// time counts the time other programs had the core.
type cpuClock struct{ start time.Duration }

func processCPU() time.Duration {
	var ru syscall.Rusage
	if syscall.Getrusage(syscall.RUSAGE_SELF, &ru) != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

func startCPU() cpuClock { return cpuClock{processCPU()} }

func (c cpuClock) report(b *testing.B) {
	b.ReportMetric(float64(processCPU()-c.start)/float64(b.N), "cpu-ns/op")
}
