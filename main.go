// Command mediadesk shows which microphone, speaker and camera are there,
// which one is picked and whether it works, and the calls you have had.
package main

import (
	"context"
	"os"
	"os/signal"
	"syscall"

	"github.com/mediadesk/mediadesk/internal/cli"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	code := cli.Run(ctx, cli.Env{Stdout: os.Stdout, Stderr: os.Stderr}, os.Args[1:])
	stop()
	os.Exit(code)
}
