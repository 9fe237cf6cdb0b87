// Command mediadesk shows which microphone, speaker and camera are there,
// which one is picked and whether it works, and the calls you have had.
// With no arguments it opens the window; with --background it watches
// from the tray; with a command it is the CLI.
package main

import (
	"context"
	"os"
	"os/signal"
	"syscall"
	"time"

	"github.com/mediadesk/mediadesk/gui"
	"github.com/mediadesk/mediadesk/internal/cli"
)

func main() {
	started := time.Now()
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	var code int
	trace := os.Getenv("MEDIADESK_STARTUP_TRACE") != ""
	switch {
	case len(os.Args) == 1:
		code = gui.Run(ctx, os.Stderr, started, trace)
	case len(os.Args) == 2 && os.Args[1] == "--background":
		code = gui.RunBackground(ctx, os.Stderr, started, trace)
	default:
		code = cli.Run(ctx, cli.Env{Stdout: os.Stdout, Stderr: os.Stderr}, os.Args[1:])
	}
	stop()
	os.Exit(code)
}
