package pulsetest

import (
	"fmt"
	"os"
	"os/exec"
	"strings"
	"sync"
	"time"
)

// Storm is the hot-plug storm MediaDesk is measured with (BenchmarkStorm
// and `make bench`): 50 changes within about a second, 25 null sinks named
// prefix_0…24 loaded and then unloaded. pactl takes 10–20 ms a call here,
// so the changes are started 19 ms apart without waiting for each other.
// server is a PULSE_SERVER address ("" for the environment's). It returns
// once every change is made, with how long they took.
func Storm(server, prefix string) (time.Duration, error) {
	run := func(args ...string) (string, error) {
		cmd := exec.Command("pactl", args...)
		if server != "" {
			cmd.Env = append(os.Environ(), "PULSE_SERVER="+server)
		}
		out, err := cmd.Output()
		if err != nil {
			return "", fmt.Errorf("pactl %s: %w", strings.Join(args, " "), err)
		}
		return strings.TrimSpace(string(out)), nil
	}
	start := time.Now()
	loaded := make([]chan string, 25)
	errs := make(chan error, 50)
	var wg sync.WaitGroup
	for j := 0; j < 50; j++ {
		wg.Add(1)
		if j < 25 {
			loaded[j] = make(chan string, 1)
			go func(j int) {
				defer wg.Done()
				mod, err := run("load-module", "module-null-sink", fmt.Sprintf("sink_name=%s_%d", prefix, j))
				if err != nil {
					errs <- err
				}
				loaded[j] <- mod
			}(j)
		} else {
			go func(j int) {
				defer wg.Done()
				if mod := <-loaded[j-25]; mod != "" {
					if _, err := run("unload-module", mod); err != nil {
						errs <- err
					}
				}
			}(j)
		}
		time.Sleep(time.Until(start.Add(time.Duration(j+1) * 19 * time.Millisecond)))
	}
	wg.Wait()
	close(errs)
	return time.Since(start), <-errs
}
