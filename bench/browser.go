package main

import (
	"context"
	"fmt"
	"net/http/httptest"
	"os"
	"time"

	"github.com/chromedp/chromedp"
)

// browser is headless Chromium on the loopback page, driven over the
// DevTools protocol (chromedp). It inherits PULSE_SERVER, so it sees the
// same private sound server as MediaDesk.
type browser struct {
	srv     *httptest.Server
	dir     string
	ctx     context.Context
	cancels []context.CancelFunc
}

func startBrowser(path string) (*browser, error) {
	b := &browser{srv: servePage()}
	var err error
	if b.dir, err = os.MkdirTemp("", "mediadesk-bench-chromium"); err != nil {
		return nil, err
	}
	opts := append(chromedp.DefaultExecAllocatorOptions[:],
		chromedp.ExecPath(path),
		chromedp.UserDataDir(b.dir),
		chromedp.NoSandbox,
		chromedp.DisableGPU,
		chromedp.Flag("use-fake-ui-for-media-stream", true), // grant the permission prompt
		chromedp.Flag("disable-quic", true),
		chromedp.Flag("disable-component-update", true),
	)
	actx, c1 := chromedp.NewExecAllocator(context.Background(), opts...)
	ctx, c2 := chromedp.NewContext(actx)
	b.ctx, b.cancels = ctx, []context.CancelFunc{c2, c1}
	// The first Run starts the browser and ties it to its context, so it
	// gets the long-lived one; a timer stops a browser that hangs.
	hung := time.AfterFunc(60*time.Second, c2)
	defer hung.Stop()
	start := ctx
	_, err = chromedp.Run(start, chromedp.Navigate(b.srv.URL))
	var granted string
	if err == nil {
		granted, err = chromedp.Run(start, chromedp.Evaluate[string](`navigator.mediaDevices.getUserMedia({audio: true})
			.then(s => { s.getTracks().forEach(t => t.stop()); return "granted"; })
			.catch(e => String(e))`, chromedp.EvalAwaitPromise))
	}
	if err != nil {
		b.close()
		return nil, err
	}
	if granted != "granted" {
		fmt.Fprintln(os.Stderr, "bench: Chromium's getUserMedia:", granted, "(labels may be empty)")
	}
	return b, nil
}

func (b *browser) close() {
	for _, c := range b.cancels {
		c()
	}
	b.srv.Close()
	os.RemoveAll(b.dir)
}

// enumerate times n enumerateDevices() calls inside the page.
func (b *browser) enumerate(n int) ([]time.Duration, int, int, []string, error) {
	type result struct {
		T       []float64 `json:"t"`
		N       int       `json:"n"`
		Labels  int       `json:"labels"`
		Entries []string  `json:"entries"`
	}
	res, err := chromedp.Run(b.ctx, chromedp.Evaluate[result](fmt.Sprintf(`(async () => {
		const t = []; let d = [];
		for (let i = 0; i < %d; i++) {
			const s = performance.now();
			d = await navigator.mediaDevices.enumerateDevices();
			t.push(performance.now() - s);
		}
		return {t, n: d.length, labels: d.filter(x => x.label).length,
			entries: d.map(x => x.kind + " " + JSON.stringify(x.label) + (x.deviceId === "default" ? " (the default pseudo-device)" : ""))};
	})()`, n), chromedp.EvalAwaitPromise))
	if err != nil {
		return nil, 0, 0, nil, err
	}
	ds := make([]time.Duration, len(res.T))
	for i, v := range res.T {
		ds[i] = time.Duration(v * float64(time.Millisecond))
	}
	return ds, res.N, res.Labels, res.Entries, nil
}

func (b *browser) resetEvents() { chromedp.Run(b.ctx, chromedp.Evaluate[int](`window.__ev = []; 0`)) }

func (b *browser) eventCount() (int, error) {
	return chromedp.Run(b.ctx, chromedp.Evaluate[int](`window.__ev.length`))
}

// waitEvent waits until devicechange number before+1 has fired and
// returns when it fired (the page's clock, which is this machine's).
func (b *browser) waitEvent(before int, deadline time.Time) (time.Time, bool) {
	for time.Now().Before(deadline) {
		at, err := chromedp.Run(b.ctx, chromedp.Evaluate[[]float64](fmt.Sprintf(`window.__ev.slice(%d, %d)`, before, before+1)))
		if err == nil && len(at) > 0 {
			return time.UnixMilli(int64(at[0])), true
		}
		time.Sleep(10 * time.Millisecond)
	}
	return time.Time{}, false
}
