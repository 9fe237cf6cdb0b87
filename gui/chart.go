package gui

import (
	"fmt"
	"image/color"
	"math"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/mediadesk/mediadesk/calls"
)

// minutesChart draws call minutes per day as stacked bars (audio below,
// video above) with Fyne canvas rectangles, and a caption with the total.
type minutesChart struct {
	widget.BaseWidget
	days []calls.DayMinutes
}

func newMinutesChart() *minutesChart {
	c := &minutesChart{}
	c.ExtendBaseWidget(c)
	return c
}

// SetData shows new figures; call on the UI goroutine.
func (c *minutesChart) SetData(days []calls.DayMinutes) {
	c.days = days
	c.Refresh()
}

// totals are the audio and video minutes shown.
func (c *minutesChart) totals() (audio, video float64) {
	for _, d := range c.days {
		audio += d.Audio
		video += d.Video
	}
	return
}

// caption says what the bars count, and that the list's filters do not
// apply to them; audio and video label the two keys, each after its own.
func (c *minutesChart) caption() (head, audio, video string) {
	if len(c.days) == 0 {
		return "", "", ""
	}
	a, v := c.totals()
	return fmt.Sprintf("Last %d days, all calls (not filtered):", len(c.days)),
		thousands(int(math.Round(a))) + " min audio", thousands(int(math.Round(v))) + " min video"
}

// videoColor is the primary colour, lighter: the two kinds read as one
// family, audio the stronger.
func videoColor() color.Color {
	r, g, b, _ := theme.Color(theme.ColorNamePrimary).RGBA()
	return color.NRGBA{R: uint8(r >> 8), G: uint8(g >> 8), B: uint8(b >> 8), A: 0x70}
}

func (c *minutesChart) CreateRenderer() fyne.WidgetRenderer {
	r := &chartRenderer{c: c, caption: canvas.NewText("", color.Black), base: canvas.NewRectangle(color.Black),
		audioKey: canvas.NewRectangle(color.Black), videoKey: canvas.NewRectangle(color.Black),
		audioText: canvas.NewText("", color.Black), videoText: canvas.NewText("", color.Black)}
	for _, t := range []*canvas.Text{r.caption, r.audioText, r.videoText} {
		t.TextSize = theme.CaptionTextSize()
	}
	r.Refresh()
	return r
}

type chartRenderer struct {
	c                  *minutesChart
	caption            *canvas.Text
	audioText          *canvas.Text // the audio key's label
	videoText          *canvas.Text
	base               *canvas.Rectangle
	audioKey, videoKey *canvas.Rectangle
	bars               []*canvas.Rectangle // audio, video per day
	objects            []fyne.CanvasObject
}

const chartBarsHeight = 56

func (r *chartRenderer) MinSize() fyne.Size {
	return fyne.NewSize(200, chartBarsHeight+theme.CaptionTextSize()+3*theme.Padding())
}

func (r *chartRenderer) Layout(size fyne.Size) {
	pad := theme.Padding()
	capH := theme.CaptionTextSize() + pad
	// caption  ■ audio  ■ video, on one line.
	x := pad
	r.caption.Move(fyne.NewPos(x, 0))
	x += r.caption.MinSize().Width + 2*pad
	for _, kt := range []struct {
		key  *canvas.Rectangle
		text *canvas.Text
	}{{r.audioKey, r.audioText}, {r.videoKey, r.videoText}} {
		kt.key.Move(fyne.NewPos(x, pad+2))
		kt.key.Resize(fyne.NewSize(8, 8))
		kt.text.Move(fyne.NewPos(x+12, 0))
		x += 12 + kt.text.MinSize().Width + 2*pad
	}
	top := capH + pad
	h := size.Height - top - 1
	r.base.Move(fyne.NewPos(pad, top+h))
	r.base.Resize(fyne.NewSize(size.Width-2*pad, 1))
	n := len(r.c.days)
	if n == 0 {
		return
	}
	most := 0.0
	for _, d := range r.c.days {
		most = math.Max(most, d.Audio+d.Video)
	}
	slot := (size.Width - 2*pad) / float32(n)
	w := float32(math.Max(1, float64(slot)*0.7))
	for i, d := range r.c.days {
		x := pad + float32(i)*slot + (slot-w)/2
		ah, vh := float32(0), float32(0)
		if most > 0 {
			ah = h * float32(d.Audio/most)
			vh = h * float32(d.Video/most)
		}
		a, v := r.bars[2*i], r.bars[2*i+1]
		a.Move(fyne.NewPos(x, top+h-ah))
		a.Resize(fyne.NewSize(w, ah))
		v.Move(fyne.NewPos(x, top+h-ah-vh))
		v.Resize(fyne.NewSize(w, vh))
	}
}

func (r *chartRenderer) Refresh() {
	for len(r.bars) < 2*len(r.c.days) {
		r.bars = append(r.bars, canvas.NewRectangle(color.Black))
	}
	r.bars = r.bars[:2*len(r.c.days)]
	audio := theme.Color(theme.ColorNamePrimary)
	for i, b := range r.bars {
		if i%2 == 0 {
			b.FillColor = audio
		} else {
			b.FillColor = videoColor()
		}
	}
	r.audioKey.FillColor = audio
	r.videoKey.FillColor = videoColor()
	r.base.FillColor = theme.Color(theme.ColorNameSeparator)
	r.caption.Text, r.audioText.Text, r.videoText.Text = r.c.caption()
	for _, t := range []*canvas.Text{r.caption, r.audioText, r.videoText} {
		t.Color = theme.Color(theme.ColorNameForeground)
	}
	r.objects = []fyne.CanvasObject{r.caption, r.audioKey, r.audioText, r.videoKey, r.videoText, r.base}
	for _, b := range r.bars {
		r.objects = append(r.objects, b)
	}
	r.Layout(r.c.Size())
	canvas.Refresh(r.c)
}

func (r *chartRenderer) Objects() []fyne.CanvasObject { return r.objects }
func (r *chartRenderer) Destroy()                     {}
