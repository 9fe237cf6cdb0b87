package gui

import (
	"fmt"
	"image/color"
	"math"
	"sync"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/mediadesk/mediadesk/devices"
)

// maxMeterRate caps level updates sent to the UI. Each one repaints the
// whole window (Fyne has no partial repaint), and under a software
// renderer a repaint is most of the window's CPU: 10 a second keeps a
// speaking microphone's meter readable at less than half the cost of the
// 25 the meter reads (BENCHMARKS.md, "The window's CPU").
const maxMeterRate = 10

// throttle hands the newest value to apply at most once per interval, on
// the UI goroutine (through do), at the next frame boundary (untilFrame).
// Values that arrive in between replace each other; the last one is
// always delivered.
type throttle[T any] struct {
	interval time.Duration
	do       func(func())
	apply    func(T)

	mu        sync.Mutex
	latest    T
	scheduled bool
	stopped   bool
}

func newThrottle[T any](interval time.Duration, do func(func()), apply func(T)) *throttle[T] {
	return &throttle[T]{interval: interval, do: do, apply: apply}
}

// untilFrame is how long from now to the next multiple of interval on the
// clock. Every live thing in the window (the meters, the camera preview)
// hands its update to the UI on these shared boundaries, so updates that
// fall due together are drawn in one repaint of the window instead of
// one each: Fyne repaints the whole window for any change, and under a
// software renderer that repaint is the cost (BENCHMARKS.md).
func untilFrame(now time.Time, interval time.Duration) time.Duration {
	return interval - time.Duration(now.UnixNano()%int64(interval))
}

// Put offers a value; safe from any goroutine.
func (t *throttle[T]) Put(v T) {
	t.mu.Lock()
	defer t.mu.Unlock()
	t.latest = v
	if t.scheduled || t.stopped {
		return
	}
	t.scheduled = true
	time.AfterFunc(untilFrame(time.Now(), t.interval), t.post)
}

// post sends the latest value to the UI. t.mu is not held while t.do
// runs: once Fyne's loop has ended, fyne.Do runs the function at once on
// this goroutine, which takes t.mu itself (holding it there deadlocked
// Stop at exit: gui-smoke's hang after SIGTERM).
func (t *throttle[T]) post() {
	t.mu.Lock()
	if t.stopped {
		t.scheduled = false
		t.mu.Unlock()
		return
	}
	t.mu.Unlock()
	t.do(func() {
		t.mu.Lock()
		v, stopped := t.latest, t.stopped
		t.scheduled = false
		t.mu.Unlock()
		if !stopped {
			t.apply(v)
		}
	})
}

// Stop drops anything not yet applied.
func (t *throttle[T]) Stop() {
	t.mu.Lock()
	t.stopped = true
	t.mu.Unlock()
}

// levelBar is a microphone level meter: a bar from −60 to 0 dBFS, green,
// then amber above −12, red above −3 (the peak), with the figure beside.
type levelBar struct {
	widget.BaseWidget
	rms, peak float64
	active    bool
	drawn     levelLook // what the last refresh showed
}

// levelLook is what a reading looks like on screen: bar and peak to the
// pixel, colour, figure. Readings that look the same are not redrawn: a
// Fyne refresh repaints the whole window (about 20 ms of CPU a frame under
// Mesa's software renderer here), and a quiet room reads the same for
// minutes.
type levelLook struct {
	fill, peak int
	colour     fyne.ThemeColorName
	text       string
}

func newLevelBar() *levelBar {
	b := &levelBar{rms: devices.SilenceDBFS, peak: devices.SilenceDBFS}
	b.ExtendBaseWidget(b)
	return b
}

// SetLevel shows a reading; call on the UI goroutine.
func (b *levelBar) SetLevel(r devices.Reading) {
	b.rms, b.peak, b.active = r.RMSDBFS, r.PeakDBFS, true
	if look := b.look(); look != b.drawn {
		b.Refresh()
	}
}

// SetIdle shows that no microphone is being read.
func (b *levelBar) SetIdle() {
	b.rms, b.peak, b.active = devices.SilenceDBFS, devices.SilenceDBFS, false
	b.Refresh()
}

// look is how the current level is drawn at the bar's current width.
func (b *levelBar) look() levelLook {
	w := b.Size().Width - levelTextWidth
	l := levelLook{fill: int(w * fraction(b.rms)), peak: -1, colour: theme.ColorNameSuccess, text: "—"}
	switch {
	case b.peak > -3:
		l.colour = theme.ColorNameError
	case b.rms > -12:
		l.colour = theme.ColorNameWarning
	}
	if b.active && b.peak > -60 {
		l.peak = int(w * fraction(b.peak))
	}
	if b.active && b.rms > devices.SilenceDBFS {
		l.text = fmt.Sprintf("%.0f dB", b.rms)
	} else if b.active {
		l.text = "silent"
	}
	return l
}

// fraction maps dBFS onto the bar: −60 dBFS and below is empty.
func fraction(db float64) float32 {
	if math.IsNaN(db) {
		return 0
	}
	return float32(math.Max(0, math.Min(1, (db+60)/60)))
}

func (b *levelBar) CreateRenderer() fyne.WidgetRenderer {
	r := &levelRenderer{bar: b,
		track: canvas.NewRectangle(color.Transparent),
		fill:  canvas.NewRectangle(color.Transparent),
		peak:  canvas.NewRectangle(color.Transparent),
		text:  canvas.NewText("", color.Black),
	}
	r.track.CornerRadius = 3
	r.fill.CornerRadius = 3
	r.text.TextSize = theme.CaptionTextSize()
	r.text.Alignment = fyne.TextAlignTrailing
	r.Refresh()
	return r
}

type levelRenderer struct {
	bar               *levelBar
	track, fill, peak *canvas.Rectangle
	text              *canvas.Text
}

const levelTextWidth = 64

func (r *levelRenderer) Layout(size fyne.Size) {
	h := float32(10)
	y := (size.Height - h) / 2
	w := size.Width - levelTextWidth
	r.track.Move(fyne.NewPos(0, y))
	r.track.Resize(fyne.NewSize(w, h))
	r.fill.Move(fyne.NewPos(0, y))
	r.fill.Resize(fyne.NewSize(w*fraction(r.bar.rms), h))
	r.peak.Move(fyne.NewPos(w*fraction(r.bar.peak)-2, y))
	r.peak.Resize(fyne.NewSize(2, h))
	r.text.Move(fyne.NewPos(w, 0))
	r.text.Resize(fyne.NewSize(levelTextWidth, size.Height))
}

func (r *levelRenderer) MinSize() fyne.Size {
	return fyne.NewSize(160, theme.TextSize()+2*theme.InnerPadding())
}

func (r *levelRenderer) Refresh() {
	look := r.bar.look()
	r.bar.drawn = look
	r.track.FillColor = theme.Color(theme.ColorNameInputBackground)
	r.fill.FillColor = theme.Color(look.colour)
	r.peak.FillColor = theme.Color(theme.ColorNameForeground)
	r.peak.Hidden = look.peak < 0
	r.text.Color = theme.Color(theme.ColorNameForeground)
	r.text.Text = look.text
	r.Layout(r.bar.Size())
	canvas.Refresh(r.bar)
}

func (r *levelRenderer) Objects() []fyne.CanvasObject {
	return []fyne.CanvasObject{r.track, r.fill, r.peak, r.text}
}

func (r *levelRenderer) Destroy() {}
