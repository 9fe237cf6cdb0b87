//go:build linux

// Command pipefeed feeds a module-pipe-source microphone in real time, for
// measuring the window by hand or from scripts/gui-meter-cpu.sh: 10 ms of
// s16le mono 48 kHz at a time, silence or a speech-like signal (noise
// whose loudness swells and fades about every 300 ms).
//
//	pipefeed [--speech] FIFO
package main

import (
	"flag"
	"fmt"
	"math"
	"math/rand/v2"
	"os"

	"github.com/mediadesk/mediadesk/internal/pulsetest"
)

func main() {
	speech := flag.Bool("speech", false, "a speech-like signal instead of silence")
	flag.Parse()
	if flag.NArg() != 1 {
		fmt.Fprintln(os.Stderr, "usage: pipefeed [--speech] FIFO")
		os.Exit(2)
	}
	f, err := os.OpenFile(flag.Arg(0), os.O_WRONLY, 0)
	if err != nil {
		fmt.Fprintln(os.Stderr, "pipefeed:", err)
		os.Exit(1)
	}
	pulsetest.Feed(f, func(n int) float64 {
		if !*speech {
			return 0
		}
		return (0.1 + 0.3*math.Abs(math.Sin(float64(n)/4800))) * (2*rand.Float64() - 1)
	}, nil)
}
