// Command bench measures MediaDesk side by side with what people would use
// instead, in one run on one sound server: headless Chromium (the path
// CometChat's JS SDK takes, navigator.mediaDevices) and pactl. It prints a
// Markdown table for BENCHMARKS.md. Run it through `make bench`, which
// starts a private PulseAudio and installs Chromium when it can.
package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"runtime"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/mediadesk/mediadesk/devices"
	"github.com/mediadesk/mediadesk/internal/pulsetest"
)

func main() {
	bin := flag.String("bin", "./mediadesk", "the mediadesk binary (idle cost and GUI rows)")
	db := flag.String("db", "", "a 1,000,000-call store for the GUI rows (make bench makes one)")
	chromium := flag.String("chromium", "/usr/bin/chromium", "Chromium to compare with")
	changes := flag.Int("changes", 30, "hot-plug changes to time")
	idle := flag.Duration("idle", 60*time.Second, "how long to measure `mediadesk watch` idle")
	skipHistory := flag.Bool("skip-history", false, "leave out the call-history go benchmarks")
	flag.Parse()
	if os.Getenv("PULSE_SERVER") == "" {
		fmt.Fprintln(os.Stderr, "bench: run inside scripts/with-pulse.sh (make bench does)")
		os.Exit(2)
	}
	ctx := context.Background()
	t := &table{}
	r := &runner{t: t, pactlMods: map[string]string{}}
	defer r.cleanup()

	// Something to list: two speakers and a microphone on the private server.
	r.sink("bench_desk", "Desk Speakers")
	r.sink("bench_headset", "USB Headset")
	r.load("bench_mic", "module-null-source", "source_name=bench_mic", "description='Desk Microphone'")
	check(exec.Command("pactl", "set-default-sink", "bench_desk").Run())

	m, err := devices.New(ctx, devices.Options{})
	check(err)
	defer m.Close()
	sub := m.Subscribe()
	defer sub.Close()

	var br *browser
	if _, err := os.Stat(*chromium); err != nil {
		t.note("Chromium was not found at %s (`make bench` installs Debian's chromium when it can): its column is empty.", *chromium)
	} else if br, err = startBrowser(*chromium); err != nil {
		t.note("Chromium could not be driven: %v. Its column is empty.", err)
		br = nil
	} else {
		defer br.close()
	}

	r.enumeration(m, br)
	r.hotplug(sub, br, *changes)
	r.storm(m, sub, br)
	r.idle(*bin, *idle)
	if !*skipHistory {
		r.history()
	}
	if *db != "" {
		r.gui(*bin, *db)
	}
	t.print(os.Stdout)
}

func check(err error) {
	if err != nil {
		fmt.Fprintln(os.Stderr, "bench:", err)
		os.Exit(1)
	}
}

// table collects the rows and notes.
type table struct {
	rows  [][5]string
	notes []string
}

func (t *table) add(what, md, chrome, pactl, ratio string) {
	t.rows = append(t.rows, [5]string{what, md, chrome, pactl, ratio})
	fmt.Fprintf(os.Stderr, "%s: MediaDesk %s | Chromium %s | pactl %s | %s\n", what, md, chrome, pactl, ratio)
}

func (t *table) note(f string, a ...any) { t.notes = append(t.notes, fmt.Sprintf(f, a...)) }

func (t *table) print(w io.Writer) {
	host, _ := os.Hostname()
	fmt.Fprintf(w, "Run %s on %s (%d cores, %s/%s).\n\n", time.Now().Format("2006-01-02 15:04 MST"), host, runtime.NumCPU(), runtime.GOOS, runtime.GOARCH)
	fmt.Fprintln(w, "| measure | MediaDesk | Chromium | pactl | ratio |")
	fmt.Fprintln(w, "|---|---|---|---|---|")
	for _, r := range t.rows {
		fmt.Fprintf(w, "| %s | %s | %s | %s | %s |\n", r[0], r[1], r[2], r[3], r[4])
	}
	if len(t.notes) > 0 {
		fmt.Fprintln(w)
		for _, n := range t.notes {
			fmt.Fprintln(w, "- "+n)
		}
	}
}

type runner struct {
	t         *table
	pactlMods map[string]string // name → module index
}

func (r *runner) load(name string, args ...string) {
	out, err := exec.Command("pactl", append([]string{"load-module"}, args...)...).Output()
	check(err)
	r.pactlMods[name] = strings.TrimSpace(string(out))
}

func (r *runner) sink(name, desc string) {
	r.load(name, "module-null-sink", "sink_name="+name, fmt.Sprintf(`sink_properties='device.description="%s"'`, desc))
}

func (r *runner) unload(name string) {
	check(exec.Command("pactl", "unload-module", r.pactlMods[name]).Run())
	delete(r.pactlMods, name)
}

func (r *runner) cleanup() {
	for name := range r.pactlMods {
		exec.Command("pactl", "unload-module", r.pactlMods[name]).Run()
	}
}

func median(ds []time.Duration) time.Duration {
	if len(ds) == 0 {
		return 0
	}
	s := append([]time.Duration(nil), ds...)
	sort.Slice(s, func(i, j int) bool { return s[i] < s[j] })
	return s[len(s)/2]
}

func pct(ds []time.Duration, p float64) time.Duration {
	s := append([]time.Duration(nil), ds...)
	sort.Slice(s, func(i, j int) bool { return s[i] < s[j] })
	return s[min(len(s)-1, int(float64(len(s))*p))]
}

func ms(d time.Duration) string { return fmt.Sprintf("%.2f ms", float64(d.Microseconds())/1000) }

// ratio says how many times slower other is than ours.
func ratio(ours, other time.Duration, name string) string {
	if ours <= 0 || other <= 0 {
		return "—"
	}
	return fmt.Sprintf("%s %.1f× slower", name, float64(other)/float64(ours))
}

// enumeration: all three kinds, warm.
func (r *runner) enumeration(m *devices.Manager, br *browser) {
	ctx := context.Background()
	var ours []time.Duration
	var n int
	for i := 0; i < 55; i++ {
		t0 := time.Now()
		check(m.Refresh(ctx))
		l := m.Devices()
		d := time.Since(t0)
		if i >= 5 {
			ours = append(ours, d)
		}
		n = len(l.AudioInputDevices) + len(l.AudioOutputDevices) + len(l.VideoInputDevices)
	}
	var pactl []time.Duration
	for i := 0; i < 25; i++ {
		t0 := time.Now()
		check(exec.Command("pactl", "list", "short", "sinks").Run())
		check(exec.Command("pactl", "list", "short", "sources").Run())
		if i >= 5 {
			pactl = append(pactl, time.Since(t0))
		}
	}
	chrome, cn := "not run", ""
	var cd time.Duration
	if br != nil {
		ds, count, labels, entries, err := br.enumerate(55)
		r.t.note("Chromium's enumerateDevices() entries: %s.", strings.Join(entries, "; "))
		if err != nil {
			chrome = "failed: " + err.Error()
		} else {
			cd = median(ds[5:])
			chrome = ms(cd)
			cn = fmt.Sprintf("%d entries (%d with labels)", count, labels)
		}
	}
	r.t.add("list all devices, warm, median", ms(median(ours)), chrome, ms(median(pactl)),
		strings.Trim(ratio(median(ours), cd, "Chromium")+"; "+ratio(median(ours), median(pactl), "pactl"), "—; "))
	var mine []string
	for _, l := range [][]devices.Info{m.AudioInputDevices(), m.AudioOutputDevices(), m.VideoInputDevices()} {
		for _, d := range l {
			mine = append(mine, fmt.Sprintf("%s %q", d.Kind, d.Label))
		}
	}
	r.t.note("MediaDesk's entries: %s.", strings.Join(mine, "; "))
	r.t.add("devices seen (2 speakers, 1 mic loaded)", fmt.Sprintf("%d", n), cn, "", "")
}

// hotplug: a sink comes and goes; time until each side reports it.
func (r *runner) hotplug(sub *devices.Subscription, br *browser, n int) {
	drain(sub)
	if br != nil {
		br.resetEvents()
	}
	var ours, theirs []time.Duration
	missed := 0
	for i := 0; i < n; i++ {
		name := fmt.Sprintf("bench_hp_%d", i/2)
		var before int
		if br != nil {
			before, _ = br.eventCount()
		}
		t0 := time.Now()
		if i%2 == 0 {
			r.sink(name, "Hotplug Speakers")
		} else {
			r.unload(name)
		}
		deadline := time.After(3 * time.Second)
	wait:
		for {
			select {
			case ev := <-sub.Events():
				if touches(ev, name) {
					ours = append(ours, time.Since(t0))
					break wait
				}
			case <-deadline:
				break wait
			}
		}
		if br != nil {
			at, ok := br.waitEvent(before, t0.Add(3*time.Second))
			if ok {
				theirs = append(theirs, at.Sub(t0))
			} else {
				missed++
			}
		}
		time.Sleep(150 * time.Millisecond)
		drain(sub)
	}
	chrome := "not run"
	if br != nil {
		if len(theirs) == 0 {
			chrome = fmt.Sprintf("no devicechange within 3 s for any of %d changes", n)
		} else {
			chrome = fmt.Sprintf("p50 %s, p99 %s", ms(pct(theirs, .5)), ms(pct(theirs, .99)))
			if missed > 0 {
				chrome += fmt.Sprintf(" (%d of %d changes gave no event within 3 s)", missed, n)
			}
		}
	}
	rat := ""
	if len(theirs) > 0 && len(ours) > 0 {
		rat = ratio(pct(ours, .5), pct(theirs, .5), "Chromium") + " at p50"
	}
	r.t.add(fmt.Sprintf("hot-plug: sink added/removed → event (%d changes)", n),
		fmt.Sprintf("p50 %s, p99 %s (%d/%d seen)", ms(pct(ours, .5)), ms(pct(ours, .99)), len(ours), n), chrome, "", rat)
}

func touches(ev devices.Event, id string) bool {
	for _, l := range [][]devices.Info{ev.Added, ev.Removed} {
		for _, d := range l {
			if d.DeviceID == id {
				return true
			}
		}
	}
	return false
}

func drain(sub *devices.Subscription) {
	for {
		select {
		case <-sub.Events():
		case <-time.After(50 * time.Millisecond):
			return
		}
	}
}

// storm: 50 changes within a second (pulsetest.Storm, as BenchmarkStorm).
func (r *runner) storm(m *devices.Manager, sub *devices.Subscription, br *browser) {
	drain(sub)
	before := 0
	if br != nil {
		before, _ = br.eventCount()
	}
	took, err := pulsetest.Storm("", "bench_storm")
	check(err)
	events := 0
	var last devices.Event
	for done := false; !done; {
		select {
		case last = <-sub.Events():
			events++
		case <-time.After(time.Second):
			done = true
		}
	}
	exact := len(last.AudioOutputDevices) == len(m.AudioOutputDevices())
	for _, d := range last.AudioOutputDevices {
		if strings.HasPrefix(d.DeviceID, "bench_storm_") {
			exact = false
		}
	}
	chrome := "not run"
	if br != nil {
		after, _ := br.eventCount()
		chrome = fmt.Sprintf("%d devicechange events", after-before)
	}
	r.t.add(fmt.Sprintf("storm: 50 changes in %s", took.Round(10*time.Millisecond)),
		fmt.Sprintf("%d events, last one exact: %v", events, exact), chrome, "", "")
}

// idle: CPU of `mediadesk watch` with nothing changing.
func (r *runner) idle(bin string, span time.Duration) {
	cmd := exec.Command(bin, "watch")
	cmd.Stdout, cmd.Stderr = io.Discard, io.Discard
	if err := cmd.Start(); err != nil {
		r.t.add("idle: `mediadesk watch`, CPU", "not run: "+err.Error(), "", "", "")
		return
	}
	defer func() { cmd.Process.Kill(); cmd.Wait() }()
	time.Sleep(time.Second)
	c0, t0 := procCPU(cmd.Process.Pid), time.Now()
	time.Sleep(span)
	used := procCPU(cmd.Process.Pid) - c0
	el := time.Since(t0)
	val := fmt.Sprintf("%.3f %% of a core", 100*used.Seconds()/el.Seconds())
	if used == 0 {
		// /proc counts in 10 ms ticks.
		val = fmt.Sprintf("< %.3f %% of a core (not one 10 ms CPU tick)", 100*0.01/el.Seconds())
	}
	r.t.add(fmt.Sprintf("idle: `mediadesk watch` for %s, CPU", span.Round(time.Second)), val, "", "", "")
}

// procCPU is a process's user+system time from /proc (clock ticks of
// 1/100 s on Linux).
func procCPU(pid int) time.Duration {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	if err != nil {
		return 0
	}
	f := strings.Fields(string(b[strings.LastIndexByte(string(b), ')')+2:]))
	u, _ := strconv.Atoi(f[11])
	s, _ := strconv.Atoi(f[12])
	return time.Duration(u+s) * 10 * time.Millisecond
}

var benchLine = regexp.MustCompile(`^Benchmark(\S+?)-\d+\s+\d+\s+(\d+) ns/op(.*)$`)

// history runs the store's go benchmarks and reports their figures.
func (r *runner) history() {
	for _, b := range []struct{ re, time string }{
		{"^BenchmarkFetchNext1M$|^BenchmarkFetchNext1MTwoFilters$", "300x"},
		{"^BenchmarkImport100k$|^BenchmarkSync10k$", "3x"},
	} {
		out, err := exec.Command("go", "test", "-run", "XXX", "-bench", b.re, "-benchtime", b.time, "./calls/").CombinedOutput()
		if err != nil {
			r.t.add("history: "+b.re, "failed: "+err.Error(), "", "", "")
			fmt.Fprintln(os.Stderr, string(out))
			continue
		}
		for _, line := range strings.Split(string(out), "\n") {
			m := benchLine.FindStringSubmatch(strings.TrimSpace(line))
			if m == nil {
				continue
			}
			ns, _ := strconv.ParseFloat(m[2], 64)
			val := fmt.Sprintf("%.2f s per run", ns/1e9)
			if strings.HasPrefix(m[1], "FetchNext") {
				f := strings.Fields(m[3]) // value unit value unit
				if len(f) == 4 {
					val = fmt.Sprintf("p50 %s ms, p99 %s ms", f[0], f[2])
				}
			}
			what := map[string]string{
				"FetchNext1M":           "history: FetchNext(30) on 1,000,000 calls",
				"FetchNext1MTwoFilters": "history: FetchNext(30), two filters, 1,000,000 calls",
				"Import100k":            "history: import 100,000 calls",
				"Sync10k":               "history: sync 10,000 calls from a loopback server",
			}[m[1]]
			r.t.add(what, val, "", "", "")
		}
	}
}

var (
	mappedRe = regexp.MustCompile(`window mapped after (\d+) ms`)
	readyRe  = regexp.MustCompile(`window ready after (\d+) ms`)
	shownRe  = regexp.MustCompile(`history shown after (\d+) ms`)
	rssRe    = regexp.MustCompile(`RSS (\d+) MB \((\d+) MB anonymous`)
)

// gui opens the window three times on the 1M store (scripts/gui-smoke.sh).
func (r *runner) gui(bin, db string) {
	var mapped, ready, shown, rss []string
	for i := 0; i < 3; i++ {
		cmd := exec.Command("scripts/gui-smoke.sh", bin, filepath.Join("artifacts", "bench"))
		cmd.Env = append(os.Environ(), "SMOKE_DB="+db)
		out, err := cmd.CombinedOutput()
		if err != nil {
			r.t.add("GUI", "failed: "+err.Error(), "", "", "")
			fmt.Fprintln(os.Stderr, string(out))
			return
		}
		s := string(out)
		if m := mappedRe.FindStringSubmatch(s); m != nil {
			mapped = append(mapped, m[1])
		}
		if m := readyRe.FindStringSubmatch(s); m != nil {
			ready = append(ready, m[1])
		}
		if m := shownRe.FindStringSubmatch(s); m != nil {
			shown = append(shown, m[1])
		}
		if m := rssRe.FindStringSubmatch(s); m != nil {
			rss = append(rss, m[1]+" ("+m[2]+" anon)")
		}
	}
	r.t.add("GUI: cold start to window mapped / first frame, 3 runs", strings.Join(mapped, ", ")+" / "+strings.Join(ready, ", ")+" ms", "", "", "")
	r.t.add("GUI: start to the 1,000,000-call list showing, 3 runs", strings.Join(shown, ", ")+" ms", "", "", "")
	r.t.add("GUI: RSS with 1,000,000 calls, 2 s after the list shows, 3 runs", strings.Join(rss, ", ")+" MB", "", "", "")
}

// page is the loopback page Chromium runs: it records devicechange events.
const page = `<!doctype html><title>bench</title><script>
window.__ev = [];
navigator.mediaDevices.addEventListener('devicechange', () => window.__ev.push(Date.now()));
</script>`

func servePage() *httptest.Server {
	return httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "text/html")
		io.WriteString(w, page)
	}))
}
